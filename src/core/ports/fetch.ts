/**
 * The HTTP function the model client uses. In the plugin it is the renderer's fetch (streaming)
 * or a `requestUrl`-backed one (no CORS, no streaming); in the CLI and tests, Node's fetch.
 */
export type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
