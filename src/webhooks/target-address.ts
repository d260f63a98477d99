import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';

/**
 * SSRF guard for webhook targets: which addresses a webhook may not reach (unless
 * WEBHOOK_ALLOW_PRIVATE_TARGETS=true), checked at creation and again, after DNS resolution, on
 * the connection itself (safeLookup), so a name that is re-pointed later cannot slip through.
 */

/** 16 bytes of an IPv6 address (IPv4 as ::ffff:a.b.c.d), or undefined if `ip` is not an address. */
export function addressBytes(ip: string): number[] | undefined {
  const address = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const version = isIP(address);
  if (version === 4) return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...ipv4Bytes(address)];
  if (version !== 6) return undefined;
  let text = address;
  let tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    tail = ipv4Bytes(dotted[1]);
    text = text.slice(0, -dotted[1].length) + '0:0';
  }
  const [head, rest] = text.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const left = groups(head);
  const right = groups(rest);
  const missing = rest === undefined ? 0 : 8 - left.length - right.length;
  const all = [...left, ...Array<string>(missing).fill('0'), ...right];
  const bytes = all.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

function ipv4Bytes(address: string): number[] {
  return address.split('.').map(Number);
}

/** [prefix bytes, prefix length in bits, why] over the 16-byte form. */
type Range = [number[], number, string];

const v4 = (a: number, b: number, c: number, d: number, bits: number, why: string): Range => [
  [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d],
  96 + bits,
  why,
];
const v6 = (prefix: number[], bits: number, why: string): Range => [
  [...prefix, ...Array<number>(16 - prefix.length).fill(0)],
  bits,
  why,
];

const BLOCKED: Range[] = [
  v4(0, 0, 0, 0, 8, 'unspecified'),
  v4(10, 0, 0, 0, 8, 'private'),
  v4(100, 64, 0, 0, 10, 'carrier-grade NAT'),
  v4(127, 0, 0, 0, 8, 'loopback'),
  v4(169, 254, 0, 0, 16, 'link-local (cloud metadata)'),
  v4(172, 16, 0, 0, 12, 'private'),
  v4(192, 0, 0, 0, 24, 'IETF protocol assignments'),
  v4(192, 168, 0, 0, 16, 'private'),
  v4(198, 18, 0, 0, 15, 'benchmarking'),
  v4(224, 0, 0, 0, 4, 'multicast'),
  v4(240, 0, 0, 0, 4, 'reserved'),
  v6([], 127, 'unspecified or loopback'), // :: and ::1
  v6([0x00, 0x64, 0xff, 0x9b], 96, 'NAT64 (an embedded IPv4 address)'),
  v6([0xfc], 7, 'unique local (incl. metadata fd00:ec2::254)'),
  v6([0xfe, 0x80], 10, 'link-local'),
  v6([0xfe, 0xc0], 10, 'site-local'),
  v6([0xff], 8, 'multicast'),
  v6([0x20, 0x01, 0x0d, 0xb8], 32, 'documentation'),
];

function inRange(bytes: number[], [prefix, bits]: Range): boolean {
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i] & mask) !== (prefix[i] & mask)) return false;
  }
  return true;
}

/** Why a webhook may not reach this address, or null when it may (a public address). */
export function blockedReason(ip: string): string | null {
  const bytes = addressBytes(ip);
  if (!bytes) return 'not an IP address';
  for (const range of BLOCKED) if (inRange(bytes, range)) return range[2];
  return null;
}

/** A URL a webhook may not use, with the reason; checks the scheme and a literal host only. */
export function refusedUrl(url: string, allowPrivate: boolean): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'url must be an absolute http or https URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return 'url must use http or https';
  }
  if (parsed.username || parsed.password) return 'url must not contain credentials';
  if (allowPrivate) return null;
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(host)) {
    const why = blockedReason(host);
    return why ? `url targets a ${why} address` : null;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return 'url targets a loopback address';
  return null;
}

export class BlockedTargetError extends Error {
  readonly code = 'EBLOCKEDTARGET';
}

type Resolve = (
  hostname: string,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolve: Resolve = (hostname, callback) => dnsLookup(hostname, { all: true }, callback);

/**
 * A `lookup` for http.request: resolves the name, refuses it if any address is not public, and
 * hands the connection the address it checked (pinned: no second resolution can differ).
 */
export function safeLookup(resolve: Resolve = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.find((a) => blockedReason(a.address) !== null);
      if (refused || addresses.length === 0) {
        const why = refused ? blockedReason(refused.address) : 'no address';
        return callback(
          new BlockedTargetError(`${hostname} resolves to a ${why} address (${refused?.address})`),
          '',
          0,
        );
      }
      const wanted = options.family === 6 || options.family === 4 ? options.family : undefined;
      const chosen = addresses.find((a) => !wanted || a.family === wanted) ?? addresses[0];
      if (options.all) {
        (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, [chosen]);
        return;
      }
      callback(null, chosen.address, chosen.family);
    });
  };
}

/**
 * At creation: a name that resolves now to an address a webhook may not reach is refused.
 * A name that does not resolve (yet) is accepted; the send-time check (safeLookup) still holds.
 */
export async function refusedName(
  url: string,
  resolve: Resolve = systemResolve,
  timeoutMs = 2000,
): Promise<string | null> {
  const host = new URL(url).hostname;
  if (isIP(host.replace(/^\[|\]$/g, ''))) return null;
  const addresses = await new Promise<LookupAddress[]>((done) => {
    const timer = setTimeout(() => done([]), timeoutMs);
    resolve(host, (error, found) => {
      clearTimeout(timer);
      done(error ? [] : found);
    });
  });
  for (const { address } of addresses) {
    const why = blockedReason(address);
    if (why) return `url host ${host} resolves to a ${why} address`;
  }
  return null;
}
