import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * SSRF guard for webhook targets: which addresses a webhook may not reach (unless
 * WEBHOOK_ALLOW_PRIVATE_TARGETS=true), checked at creation and again, after DNS resolution, on
 * the connection itself (safeLookup), so a name that is re-pointed later cannot slip through.
 */

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

/**
 * ipaddr.js's classification (range()) of the addresses a webhook may not reach, and why (what
 * a refusal says). What it calls unicast is public, but for the ranges below.
 */
const REFUSED_V4: Partial<Record<ReturnType<IPv4['range']>, string>> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local (cloud metadata)',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT',
  private: 'private',
  reserved: 'reserved', // 192.0.0.0/24, the documentation networks, 240.0.0.0/4
};
const REFUSED_V6: Partial<Record<ReturnType<IPv6['range']>, string>> = {
  unspecified: 'unspecified',
  loopback: 'loopback',
  linkLocal: 'link-local',
  multicast: 'multicast',
  uniqueLocal: 'unique local (incl. metadata fd00:ec2::254)',
  // The well-known NAT64 prefix, whatever the IPv4 address in it: refused as a whole.
  rfc6052: 'NAT64 (an embedded IPv4 address)',
  reserved: 'documentation', // 2001:db8::/32
};

/** Ranges the ipaddr.js in the tree (1.9) does not name: [network, prefix length, why]. */
const MORE_REFUSED_V4 = [[...ipaddr.IPv4.parseCIDR('198.18.0.0/15'), 'benchmarking'] as const];
const MORE_REFUSED_V6 = [
  // RFC 8215: a NAT64 prefix for one network's own use; where its IPv4 address sits, and what
  // it reaches, only that network knows.
  [...ipaddr.IPv6.parseCIDR('64:ff9b:1::/48'), 'local-use NAT64'] as const,
  [...ipaddr.IPv6.parseCIDR('fec0::/10'), 'site-local'] as const,
];
/** ::a.b.c.d, deprecated (RFC 4291) but still an IPv4 address to some stacks. */
const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');

function ipv4Reason(address: IPv4): string | null {
  return (
    REFUSED_V4[address.range()] ??
    MORE_REFUSED_V4.find(([net, bits]) => address.match(net, bits))?.[2] ??
    null
  );
}

/**
 * The IPv4 address an IPv6 one stands for, if any, and the form's name (none for the mapped
 * ::ffff:a.b.c.d, which is that address): these reach what their IPv4 address reaches.
 */
function embeddedIpv4(address: IPv6): { form?: string; ipv4: IPv4 } | undefined {
  const parts = address.parts;
  const ipv4 = (high: number, low: number) =>
    new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  switch (address.range()) {
    case 'ipv4Mapped':
      return { ipv4: address.toIPv4Address() };
    case 'rfc6145': // ::ffff:0:a.b.c.d
      return { form: 'IPv4-translated', ipv4: ipv4(parts[6], parts[7]) };
    case '6to4': // 2002:aabb:ccdd::/48
      return { form: '6to4', ipv4: ipv4(parts[1], parts[2]) };
    default:
      return address.match(IPV4_COMPATIBLE)
        ? { form: 'IPv4-compatible', ipv4: ipv4(parts[6], parts[7]) }
        : undefined;
  }
}

function ipv6Reason(address: IPv6): string | null {
  const why =
    REFUSED_V6[address.range()] ??
    MORE_REFUSED_V6.find(([net, bits]) => address.match(net, bits))?.[2];
  if (why) return why;
  const embedded = embeddedIpv4(address);
  const inner = embedded && ipv4Reason(embedded.ipv4);
  if (!inner) return null;
  return embedded.form ? `${embedded.form} form of a ${inner}` : inner;
}

/** Why a webhook may not reach this address, or null when it may (a public address). */
export function blockedReason(ip: string): string | null {
  const address = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  // Only the standard forms (what URLs and DNS give); ipaddr.js would also read 0x7f.1.
  const version = isIP(address);
  if (version === 0) return 'not an IP address';
  try {
    if (version === 4) return ipv4Reason(ipaddr.IPv4.parse(address));
    return ipv6Reason(ipaddr.IPv6.parse(hexTail(address)));
  } catch {
    return 'malformed'; // refused: what cannot be classified is not known to be public
  }
}

/** `::a.b.c.d` as `::XXXX:XXXX`: ipaddr.js 1.9 reads a dotted tail only after ::ffff:. */
function hexTail(address: string): string {
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  if (!dotted) return address;
  const [a, b, c, d] = dotted.slice(1).map(Number);
  const hex = (high: number, low: number) => ((high << 8) | low).toString(16);
  return `${address.slice(0, dotted.index)}${hex(a, b)}:${hex(c, d)}`;
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
