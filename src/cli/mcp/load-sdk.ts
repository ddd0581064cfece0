import type { McpSdk } from './sdk';

/**
 * The MCP SDK, loaded on first use. From sources (tests, ts-node) this imports ./sdk; in the built
 * CLI, esbuild.config.mjs points this import at dist/mcp-sdk.js, a bundle of its own beside
 * dist/cli.js, so that no other command pays for parsing the SDK.
 */
export function loadSdk(): Promise<McpSdk> {
  return import('./sdk');
}
