import * as ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** One EGRESS_ALLOW entry: an address range, or a host name as written in URLs; either optionally with a port. */
export type EgressAllowEntry =
  | { readonly kind: 'range'; readonly range: [Address, number]; readonly port?: number; readonly text: string }
  | { readonly kind: 'host'; readonly host: string; readonly port?: number; readonly text: string };

/**
 * Cloud instance-metadata services. Most sit in ranges refused anyway (link-local, ULA, CGNAT); Azure's
 * wire server is a public address. An allow-listed host name never reaches them: only an address or
 * range entry that contains one of them does.
 */
const METADATA_ADDRESSES = ['169.254.169.254', '169.254.170.2', '169.254.169.253', 'fd00:ec2::254', '100.100.100.200', '168.63.129.16', '192.0.0.192'].map(
  (a) => ipaddr.parse(a).toNormalizedString(),
);

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,62})(?:\.[a-z0-9](?:[a-z0-9-]{0,62}))*\.?$/;
const ENTRY_HINT = 'comma-separated CIDR ranges (10.0.0.0/8), addresses (127.0.0.1, [::1]:8080) or host names (idp.internal, idp.internal:8443)';

/** What an address is, as the egress guard sees it: ipaddr.js's range name (`unicast` for public addresses) and whether it is a metadata service. */
export interface AddressClass {
  /** The address, IPv4-mapped IPv6 forms unwrapped (`::ffff:10.0.0.1` is `10.0.0.1`). */
  address: string;
  /** `unicast` for a public address; otherwise `loopback`, `private`, `linkLocal`, `uniqueLocal`, `carrierGradeNat`, ... */
  range: string;
  metadata: boolean;
}

export function classifyAddress(address: string): AddressClass {
  const ip = ipaddr.process(address);
  return { address: ip.toString(), range: ip.range(), metadata: METADATA_ADDRESSES.includes(ip.toNormalizedString()) };
}

/** Only public unicast addresses are reachable without an allowance: every special-purpose range ipaddr.js knows is refused. */
export function isPublicAddress(c: AddressClass): boolean {
  return c.range === 'unicast' && !c.metadata;
}

function parsePort(raw: string | undefined, entry: string): number | undefined {
  if (raw === undefined) return undefined;
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new TypeError(`${ENTRY_HINT}; "${entry}" has a bad port`);
  return port;
}

/** Parses one EGRESS_ALLOW entry; throws a TypeError completing "EGRESS_ALLOW must be ...". */
export function parseEgressAllowEntry(text: string): EgressAllowEntry {
  const entry = text.trim().toLowerCase();
  if (entry.includes('/')) {
    if (!ipaddr.isValidCIDR(entry)) throw new TypeError(`${ENTRY_HINT}; "${text}" is not a CIDR range`);
    return { kind: 'range', range: ipaddr.parseCIDR(entry), text };
  }
  if (ipaddr.isValid(entry) && (entry.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(entry))) {
    const ip = ipaddr.process(entry);
    return { kind: 'range', range: [ip, ip.kind() === 'ipv4' ? 32 : 128], text };
  }
  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) {
    if (!ipaddr.IPv6.isValid(bracketed[1])) throw new TypeError(`${ENTRY_HINT}; "${text}" is not an IPv6 address`);
    const ip = ipaddr.process(bracketed[1]);
    return { kind: 'range', range: [ip, ip.kind() === 'ipv4' ? 32 : 128], port: parsePort(bracketed[2], text), text };
  }
  const [host, port, ...rest] = entry.split(':');
  if (rest.length > 0) throw new TypeError(`${ENTRY_HINT}; write an IPv6 address with a port as [::1]:8080`);
  if (ipaddr.IPv4.isValidFourPartDecimal(host)) {
    const ip = ipaddr.IPv4.parse(host);
    return { kind: 'range', range: [ip, 32], port: parsePort(port, text), text };
  }
  if (!HOST_NAME.test(host) || /^[\d.]+$/.test(host)) throw new TypeError(`${ENTRY_HINT}; "${text}" is none of them`);
  return { kind: 'host', host: host.replace(/\.$/, ''), port: parsePort(port, text), text };
}

/**
 * Which destinations a server-side fetch of a configured URL may connect to: public unicast addresses,
 * plus what the operator allows (EGRESS_ALLOW). Decided per connection on the resolved address, so a
 * host name is judged by where it points, not by how it is spelled.
 */
export class EgressPolicy {
  constructor(private readonly allow: readonly EgressAllowEntry[] = []) {}

  /** Whether a connection to `host` (as written in the URL) on `port` may go to `address`. */
  permits(host: string, port: number, address: string): boolean {
    const c = classifyAddress(address);
    const ip = ipaddr.process(address);
    const portMatches = (e: EgressAllowEntry) => e.port === undefined || e.port === port;
    const inRange = (e: EgressAllowEntry) => e.kind === 'range' && ip.kind() === e.range[0].kind() && ip.match(e.range) && portMatches(e);
    if (c.metadata) return this.allow.some(inRange);
    if (isPublicAddress(c)) return true;
    const name = host.toLowerCase().replace(/\.$/, '');
    return this.allow.some((e) => inRange(e) || (e.kind === 'host' && e.host === name && portMatches(e)));
  }
}
