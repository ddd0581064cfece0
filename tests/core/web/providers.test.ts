import { createWebSearchProvider, WebSearchError } from '../../../src/core/web/search-providers';
import { searxngReply, WebTestServer } from '../../support/web-server';

let api: WebTestServer;

beforeEach(async () => {
  api = await new WebTestServer().start();
});

afterEach(async () => {
  await api.stop();
});

describe('web search providers', () => {
  it('SearXNG: GET /search?format=json, results as title, address and snippet (only http(s) links kept)', async () => {
    api.routes.set('/search', {
      json: (url) =>
        searxngReply([
          { url: 'https://a.example/1', title: 'First <b>hit</b>', content: 'About <strong>yeast</strong>.', publishedDate: '2024-01-02' },
          { url: 'javascript:alert(1)', title: 'Bad' },
          { url: 'https://b.example/2', title: `Second for ${url.searchParams.get('q')}` },
        ]),
    });
    const provider = createWebSearchProvider({ provider: 'searxng', url: `${api.base}/`, fetch });
    const results = await provider?.search({ query: 'sourdough yeast', limit: 5 });
    expect(results).toEqual([
      { url: 'https://a.example/1', title: 'First <b>hit</b>', snippet: 'About yeast.', published: '2024-01-02' },
      { url: 'https://b.example/2', title: 'Second for sourdough yeast', snippet: '' },
    ]);
    const hit = api.hitsOf('/search')[0];
    expect(new URL(hit.path, api.base).searchParams.get('format')).toBe('json');
  });

  it('Brave: the key goes in X-Subscription-Token, count is the limit', async () => {
    api.routes.set('/res/v1/web/search', { json: () => ({ web: { results: [{ url: 'https://c.example/', title: 'C', description: 'snippet', page_age: '2023-05-01' }] } }) });
    const provider = createWebSearchProvider({ provider: 'brave', url: `${api.base}/res/v1/web/search`, apiKey: 'brave-key', fetch });
    expect(await provider?.search({ query: 'q', limit: 3 })).toEqual([{ url: 'https://c.example/', title: 'C', snippet: 'snippet', published: '2023-05-01' }]);
    const hit = api.hits[0];
    expect(hit.headers['x-subscription-token']).toBe('brave-key');
    expect(new URL(hit.path, api.base).searchParams.get('count')).toBe('3');
  });

  it('Tavily: POST with a bearer key and max_results', async () => {
    api.routes.set('/search', { json: () => ({ results: [{ url: 'https://d.example/', title: 'D', content: 'text' }] }) });
    const provider = createWebSearchProvider({ provider: 'tavily', url: `${api.base}/search`, apiKey: 'tvly-key', fetch });
    expect(await provider?.search({ query: 'bread', limit: 2 })).toEqual([{ url: 'https://d.example/', title: 'D', snippet: 'text' }]);
    expect(api.hits[0].method).toBe('POST');
    expect(api.hits[0].headers.authorization).toBe('Bearer tvly-key');
    expect(JSON.parse(api.hits[0].body)).toMatchObject({ query: 'bread', max_results: 2 });
  });

  it('custom: GET ?q=&limit= answering {"results": [{url, title, snippet}]}', async () => {
    api.routes.set('/find', { json: (url) => ({ results: [{ url: 'https://e.example/', title: `E ${url.searchParams.get('limit')}`, snippet: 's' }] }) });
    const provider = createWebSearchProvider({ provider: 'custom', url: `${api.base}/find`, fetch });
    expect(await provider?.search({ query: 'x', limit: 4 })).toEqual([{ url: 'https://e.example/', title: 'E 4', snippet: 's' }]);
  });

  it('none: no provider, so nothing can reach the network', () => {
    expect(createWebSearchProvider({ provider: 'none', url: `${api.base}/`, fetch })).toBeNull();
    expect(api.hits).toHaveLength(0);
  });

  it('says what is missing or wrong in a sentence', async () => {
    expect(() => createWebSearchProvider({ provider: 'searxng', url: '', fetch })).toThrow(/needs an address/);
    expect(() => createWebSearchProvider({ provider: 'brave', url: '', fetch })).toThrow(/needs an API key/);
    api.routes.set('/search', { status: 403, body: 'Forbidden', type: 'text/plain' });
    const searx = createWebSearchProvider({ provider: 'searxng', url: api.base, fetch });
    await expect(searx?.search({ query: 'q', limit: 1 })).rejects.toThrow(/refused the search \(HTTP 403\)\. SearXNG answers 403 when its JSON format is off/);
    api.routes.set('/search', { type: 'text/html', body: '<html>not json</html>' });
    await expect(searx?.search({ query: 'q', limit: 1 })).rejects.toBeInstanceOf(WebSearchError);
    const closed = createWebSearchProvider({ provider: 'searxng', url: 'http://127.0.0.1:9', fetch });
    await expect(closed?.search({ query: 'q', limit: 1 })).rejects.toThrow(/could not be reached/);
  });

  it('stops reading a search reply at 4 MB, so a reply that never ends cannot fill the memory', async () => {
    api.routes.set('/search', { type: 'application/json', body: '{"results": "', fillBytes: 200 * 1024 * 1024 });
    let received = 0;
    const counting: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const counted = response.body?.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            received += chunk.length;
            controller.enqueue(chunk);
          },
        }),
      );
      return new Response(counted, { status: response.status, headers: response.headers });
    };
    const searx = createWebSearchProvider({ provider: 'searxng', url: api.base, fetch: counting });
    await expect(searx?.search({ query: 'q', limit: 1 })).rejects.toThrow(/sent a reply of more than 4 MB; it was not read/);
    expect(received).toBeLessThan(5 * 1024 * 1024);
  });

  it('keeps a result whose address is private (reading it is refused later) but never one that is not http(s), and survives junk items', async () => {
    api.routes.set('/search', {
      json: () => ({ results: [null, 5, 'x', { url: { a: 1 } }, { url: 'javascript:alert(1)', title: 'js' }, { url: 'data:text/html,x', title: 'data' }, { url: 'file:///etc/passwd' }, { url: 'https://ok.example/a', title: 'Two\nlines', content: 'ok' }] }),
    });
    const searx = createWebSearchProvider({ provider: 'searxng', url: api.base, fetch });
    expect(await searx?.search({ query: 'q', limit: 10 })).toEqual([{ url: 'https://ok.example/a', title: 'Two lines', snippet: 'ok' }]);
  });
});
