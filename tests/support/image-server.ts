import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'ascii'), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A real, valid PNG of `width` × `height` pixels of one colour (truecolour, 8 bits). */
export function makePng(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
  return new Uint8Array(png);
}

export interface Route {
  status?: number;
  type?: string;
  body: Uint8Array | string;
  /** Send no content-length (chunked), so only the bytes received can tell the size. */
  chunked?: boolean;
  /** Never answer (a timeout). */
  hang?: boolean;
}

/** A loopback HTTP server serving fixed routes; counts the requests per path. */
export class ImageServer {
  readonly routes = new Map<string, Route>();
  readonly hits = new Map<string, number>();
  private server: Server | undefined;
  private hanging: (() => void)[] = [];
  base = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const url = req.url ?? '/';
      this.hits.set(url, (this.hits.get(url) ?? 0) + 1);
      const route = this.routes.get(url);
      if (!route) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      if (route.hang) {
        this.hanging.push(() => res.destroy());
        return;
      }
      const body = typeof route.body === 'string' ? Buffer.from(route.body) : Buffer.from(route.body);
      const headers: Record<string, string> = { 'content-type': route.type ?? 'image/png' };
      if (!route.chunked) headers['content-length'] = String(body.length);
      res.writeHead(route.status ?? 200, headers);
      if (route.chunked) {
        for (let i = 0; i < body.length; i += 1024) res.write(body.subarray(i, i + 1024));
        res.end();
      } else res.end(body);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const end of this.hanging) end();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
