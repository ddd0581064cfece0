/**
 * Which web addresses Scriptorium may read. Only http(s); and, unless the person allowed it, no
 * host on a loopback, private, link-local or otherwise non-public address, so that a page (or a
 * model steered by one) cannot make Scriptorium reach a service on this machine or its network.
 */

import { said, WebError, type Said } from './error-text';

/** Resolves a host name to its addresses (the CLI's DNS); absent in the plugin, where only literal addresses and local names are checked. */
export type HostResolver = (hostname: string) => Promise<string[]>;

/** A web address that may not be read, with the sentence saying why. */
export class WebAddressError extends WebError {
  readonly url: string;

  constructor(url: string, message: string | Said) {
    super(message);
    this.name = 'WebAddressError';
    this.url = url;
  }
}

/** Four bytes of a dotted IPv4 address, or null when `text` is not one. */
function ipv4Bytes(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    bytes.push(n);
  }
  return bytes;
}

/** Why an IPv4 address is not a public one, or null when it is. */
function ipv4Problem(b: number[]): Said | null {
  const [a, c] = [b[0], b[1]];
  if (a === 127) return said('core.web.address.loopback');
  if (a === 0) return said('core.web.address.thisNetwork');
  if (a === 10 || (a === 172 && c >= 16 && c <= 31) || (a === 192 && c === 168)) return said('core.web.address.privateNetwork');
  if (a === 100 && c >= 64 && c <= 127) return said('core.web.address.sharedNat');
  if (a === 169 && c === 254) return said('core.web.address.linkLocal');
  if (a === 192 && c === 0 && b[2] === 0) return said('core.web.address.protocol');
  if (a === 198 && (c === 18 || c === 19)) return said('core.web.address.benchmarking');
  if (a >= 224) return a < 240 ? said('core.web.address.multicast') : said('core.web.address.reserved');
  return null;
}

/** Eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 allowed), or null. */
function ipv6Groups(text: string): number[] | null {
  let s = text.toLowerCase();
  const zone = s.indexOf('%');
  if (zone !== -1) s = s.slice(0, zone);
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    const v4 = ipv4Bytes(s.slice(lastColon + 1));
    if (!v4) return null;
    s = `${s.slice(0, lastColon + 1)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  if (!head || !rest) return null;
  const fill = 8 - head.length - rest.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return null;
  return [...head, ...new Array<number>(fill).fill(0), ...rest];
}

function embeddedIpv4(g: number[], at: number): number[] {
  return [g[at] >> 8, g[at] & 0xff, g[at + 1] >> 8, g[at + 1] & 0xff];
}

/** Why an IPv6 address is not a public one, or null when it is. */
function ipv6Problem(g: number[]): Said | null {
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 7) && g[7] === 1) return said('core.web.address.loopback');
  if (zeros(0, 8)) return said('core.web.address.unspecified');
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address.
  if (zeros(0, 5) && g[5] === 0xffff) return ipv4Problem(embeddedIpv4(g, 6));
  // IPv4-translated (::ffff:0:a.b.c.d, SIIT) and local-use NAT64 (64:ff9b:1::/48, RFC 8215) too.
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return ipv4Problem(embeddedIpv4(g, 6));
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return ipv4Problem(embeddedIpv4(g, 6)) ?? said('core.web.address.nat64');
  if (zeros(0, 6)) return ipv4Problem(embeddedIpv4(g, 6));
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return ipv4Problem(embeddedIpv4(g, 6));
  if (g[0] === 0x2002) return ipv4Problem(embeddedIpv4(g, 1));
  if ((g[0] & 0xfe00) === 0xfc00) return said('core.web.address.uniqueLocal');
  if ((g[0] & 0xffc0) === 0xfe80) return said('core.web.address.linkLocal');
  if ((g[0] & 0xffc0) === 0xfec0) return said('core.web.address.siteLocal');
  if ((g[0] & 0xff00) === 0xff00) return said('core.web.address.multicast');
  return null;
}

/**
 * Why an IP address (v4 or v6, as text) is not a public one, in the interface language and in
 * English, or null; also null when `text` is no IP address.
 */
export function addressProblemSaid(text: string): Said | null {
  const bare = text.replace(/^\[|\]$/g, '');
  const v4 = ipv4Bytes(bare);
  if (v4) return ipv4Problem(v4);
  if (bare.includes(':')) {
    const v6 = ipv6Groups(bare);
    return v6 ? ipv6Problem(v6) : said('core.web.address.unreadable');
  }
  return null;
}

/** Why an IP address is not a public one, in English (the CLI's resolver puts it into its own error), or null. */
export function addressProblem(text: string): string | null {
  return addressProblemSaid(text)?.english ?? null;
}

/** Names that always mean this machine or the local network. */
const LOCAL_SUFFIXES = ['localhost', 'local', 'internal', 'lan', 'home.arpa', 'localdomain', 'intranet', 'corp', 'home'];

/** Why a host name (not an address) is local, or null. */
function localNameProblem(host: string): Said | null {
  const name = host.replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return said('core.web.address.thisMachine', { name });
  if (!name.includes('.')) return said('core.web.address.bareName', { name });
  const last = name.slice(name.lastIndexOf('.') + 1);
  if (LOCAL_SUFFIXES.some((s) => name === s || name.endsWith(`.${s}`)) || LOCAL_SUFFIXES.includes(last)) return said('core.web.address.localName', { name });
  return null;
}

export interface AddressCheckOptions {
  /** Read pages on loopback and private addresses too (the `allowPrivateHosts` setting). */
  allowPrivateHosts: boolean;
  /** Checks what a name resolves to; every address must be public. */
  resolveHost?: HostResolver;
}

/**
 * The address parsed, when Scriptorium may read it; otherwise a {@link WebAddressError} saying
 * why. Every hop of a redirect is checked again by the caller.
 */
export async function checkWebAddress(input: string, options: AddressCheckOptions): Promise<URL> {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new WebAddressError(input, said('core.web.address.notWeb', { input: input.slice(0, 200) }));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WebAddressError(input, said('core.web.address.scheme', { scheme: url.protocol.replace(/:$/, ''), url: url.href.slice(0, 200) }));
  }
  if (url.username || url.password) throw new WebAddressError(input, said('core.web.address.credentials', { origin: url.origin }));
  if (options.allowPrivateHosts) return url;
  const refuse = (what: Said) => new WebAddressError(input, said('core.web.address.private', { host: url.host, what }));
  const host = url.hostname;
  const literal = host.startsWith('[') || /^[\d.]+$/.test(host) ? addressProblemSaid(host) : null;
  if (literal) throw refuse(literal);
  if (host.startsWith('[') || /^[\d.]+$/.test(host)) return url;
  const local = localNameProblem(host);
  if (local) throw refuse(local);
  if (options.resolveHost) {
    let addresses: string[];
    try {
      addresses = await options.resolveHost(host);
    } catch (error) {
      throw new WebAddressError(input, said('core.web.address.notFound', { host, error: error instanceof Error ? error.message : String(error) }));
    }
    for (const address of addresses) {
      const problem = addressProblemSaid(address);
      if (problem) throw refuse(said('core.web.address.nameFor', { address, what: problem }));
    }
  }
  return url;
}
