/**
 * The parts of the MCP SDK (and zod, its schema language) the server uses. Built into its own
 * bundle, dist/mcp-sdk.js, which `scriptorium mcp` loads when it starts: in dist/cli.js the SDK
 * would make every other command start about 50 ms later (2 MB more to parse).
 */
export { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
export { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
export { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
export { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
export { z } from 'zod';

/** What `loadSdk` returns. */
export type McpSdk = typeof import('./sdk');
