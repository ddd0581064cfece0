import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { FetchFn } from '../core/ports/fetch';
import { addressProblem } from '../core/web/host-guard';

/** Node's `dns.lookup` shape, injectable for tests. */
export type Resolve = (hostname: string, options: LookupOptions & { all: true }, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const NO_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * The fetch the CLI reads web pages with: Node's http(s) with the private-host rule applied to
 * the addresses the connection is actually made to (the `lookup` of the socket), so a name that
 * resolves to a public address when checked and to a private one when connecting (DNS rebinding)
 * is still refused. Redirects are never followed here (the page reader follows and checks them).
 */
export function guardedFetch(options: { allowPrivateHosts: boolean; resolve?: Resolve }): FetchFn {
  const resolve: Resolve = options.resolve ?? ((host, o, cb) => dnsLookup(host, o, cb));
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolve(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 4);
      const bad = options.allowPrivateHosts ? undefined : addresses.find((a) => addressProblem(a.address) !== null);
      if (bad) {
        const refused = Object.assign(new Error(`${hostname} resolves to ${bad.address}, ${addressProblem(bad.address)}; pages on this machine or a private network are not read unless "Allow private hosts" is on (--allow-private-hosts)`), { code: 'EPRIVATE' });
        return callback(refused, '', 4);
      }
      if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 4);
      if ((lookupOptions as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
  return (input, init) =>
    new Promise<Response>((resolvePromise, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return reject(new TypeError(`${url.protocol} is not fetched`));
      const headers: Record<string, string> = { 'accept-encoding': 'gzip, deflate, br', 'user-agent': 'Scriptorium (web page reader)' };
      new Headers(init?.headers).forEach((value, key) => {
        headers[key] = value;
      });
      const request = (url.protocol === 'https:' ? https : http).request(url, { method: init?.method ?? 'GET', headers, lookup, ...(init?.signal ? { signal: init.signal } : {}) }, (res) => {
        const out = new Headers();
        for (const [key, value] of Object.entries(res.headers)) {
          if (value === undefined) continue;
          for (const v of Array.isArray(value) ? value : [value]) out.append(key, v);
        }
        const status = res.statusCode ?? 0;
        const encoding = (res.headers['content-encoding'] ?? '').toLowerCase();
        const decoded = encoding === 'gzip' ? res.pipe(createGunzip()) : encoding === 'deflate' ? res.pipe(createInflate()) : encoding === 'br' ? res.pipe(createBrotliDecompress()) : res;
        if (decoded !== res) {
          out.delete('content-encoding');
          out.delete('content-length');
          res.on('error', (error) => decoded.destroy(error));
          // The reader stopped (size cap, time cap, stop): the connection goes too, or a compressed
          // reply that never ends would keep arriving into a stream no one reads.
          decoded.on('close', () => {
            if (!res.complete) res.destroy();
          });
        }
        const body = NO_BODY.has(status) ? null : (Readable.toWeb(decoded) as ReadableStream<Uint8Array>);
        if (!body) res.resume();
        // A reason phrase with control characters (a hostile server's terminal escapes) is dropped:
        // Response refuses it, and a throw here would escape every handler and end the process.
        const reason = res.statusMessage ?? '';
        const statusText = /^[\t\x20-\x7e\x80-\xff]*$/.test(reason) ? reason : '';
        try {
          resolvePromise(new Response(body, { status, statusText, headers: out }));
        } catch (error) {
          reject(Object.assign(new TypeError('fetch failed'), { cause: error }));
          res.destroy();
        }
      });
      request.on('error', (error) => reject(Object.assign(new TypeError('fetch failed'), { cause: error })));
      const body = init?.body;
      if (typeof body === 'string') request.end(body);
      else request.end();
    });
}
