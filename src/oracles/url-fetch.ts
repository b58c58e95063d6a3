/**
 * Fetching a URL a chat user typed (signals:URL) without letting it probe the server's own network (SSRF).
 *
 * Rules, checked on the first URL and again on every redirect (followed by hand, at most MAX_REDIRECTS hops):
 *   - https only. Plain http is accepted only for a host written in the admin's allow-list (WEIGHTS_URL_ALLOW: its
 *     name, or an IP literal inside a listed range), for local setups and tests; a redirect from https to http is
 *     always refused (the source promised TLS).
 *   - Every address the host resolves to (all A and AAAA records) must be public unicast: loopback, private (RFC 1918,
 *     100.64/10 CGNAT, fc00::/7), link-local, unspecified, multicast, broadcast, reserved and tunnelled (NAT64, 6to4,
 *     Teredo: they can hide a private IPv4) addresses are refused if ANY answer is one. IPv4-mapped IPv6
 *     (::ffff:127.0.0.1) counts as its IPv4. Classification is ipaddr.js's, not hand-written ranges.
 *   - Allow-listed hosts (by name, or addresses inside a listed range) pass even when private. Cloud metadata
 *     endpoints (169.254.169.254, fd00:ec2::254, metadata.google.internal …) are refused even then: an allow-list entry
 *     that leads there is far more likely a DNS trick than a wish.
 *   - The connection goes to the address that was checked (a `lookup` that returns only it), so a second DNS answer
 *     cannot swap in another address between the check and the connect (DNS rebinding).
 *   - The whole exchange, redirects included, is bounded in time (`timeoutMs`) and the body in size (`maxBytes`).
 * Errors name the category of a refused address (loopback, private …), never the address a name resolved to.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, STATUS_CODES, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Redirects followed before giving up. */
export const MAX_REDIRECTS = 5;

/** Why an address is refused; named in errors instead of the address itself. */
export type AddressCategory = 'loopback' | 'private' | 'link-local' | 'unspecified' | 'multicast' | 'broadcast' | 'metadata' | 'reserved';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Every address a host name resolves to; the default asks the system resolver (dns.lookup, all answers). */
export type HostResolver = (host: string) => Promise<readonly ResolvedAddress[]>;

type IP = ipaddr.IPv4 | ipaddr.IPv6;

/** A compiled WEIGHTS_URL_ALLOW: host names (lower case, no trailing dot) and address ranges. */
export interface UrlAllowList {
  readonly hosts: ReadonlySet<string>;
  readonly ranges: readonly (readonly [IP, number])[];
}

export const EMPTY_ALLOW_LIST: UrlAllowList = { hosts: new Set(), ranges: [] };

/** Compiles allow-list entries: a CIDR range, an IP address (a one-address range) or a host name. */
export function compileAllowList(entries: readonly string[]): UrlAllowList {
  const hosts = new Set<string>();
  const ranges: [IP, number][] = [];
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
    if (entry === '') continue;
    if (ipaddr.isValidCIDR(entry)) {
      const [ip, bits] = ipaddr.parseCIDR(entry);
      ranges.push(ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96 ? [(ip as ipaddr.IPv6).toIPv4Address(), bits - 96] : [ip, bits]);
    } else if (ipaddr.isValid(entry)) {
      const ip = unmapped(ipaddr.parse(entry));
      ranges.push([ip, ip.kind() === 'ipv4' ? 32 : 128]);
    } else {
      hosts.add(entry.replace(/\.$/, ''));
    }
  }
  return { hosts, ranges };
}

/** An IPv4-mapped IPv6 address as its IPv4 (so ::ffff:127.0.0.1 is loopback); anything else as is. */
function unmapped(ip: IP): IP {
  return ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? (ip as ipaddr.IPv6).toIPv4Address() : ip;
}

function inRanges(ip: IP, allow: UrlAllowList): boolean {
  return allow.ranges.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
}

const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata.goog', 'metadata']);
/** Cloud instance-metadata addresses (AWS, GCP, Azure, Oracle; AWS ECS; AWS IPv6; Alibaba). */
const METADATA_ADDRESSES: readonly IP[] = ['169.254.169.254', '169.254.170.2', 'fd00:ec2::254', '100.100.100.200'].map((a) => ipaddr.parse(a));
/** Global unicast IPv6 is 2000::/3; anything else that ipaddr.js calls unicast (::/96 IPv4-compatible …) is not. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/** Why `address` (an IP literal) may not be fetched from, or undefined when it is a public unicast address. */
export function addressCategory(address: string): AddressCategory | undefined {
  if (!ipaddr.isValid(address)) return 'reserved';
  return categoryOf(unmapped(ipaddr.parse(address)));
}

function categoryOf(ip: IP): AddressCategory | undefined {
  if (METADATA_ADDRESSES.some((m) => m.kind() === ip.kind() && m.toNormalizedString() === ip.toNormalizedString())) return 'metadata';
  switch (ip.range()) {
    case 'unicast':
      return ip.kind() === 'ipv4' || ip.match(GLOBAL_UNICAST_V6) ? undefined : 'reserved';
    case 'loopback':
      return 'loopback';
    case 'private':
    case 'carrierGradeNat':
    case 'uniqueLocal':
      return 'private';
    case 'linkLocal':
      return 'link-local';
    case 'unspecified':
      return 'unspecified';
    case 'multicast':
      return 'multicast';
    case 'broadcast':
      return 'broadcast';
    default:
      return 'reserved';
  }
}

/** A refused or failed fetch; `refused`: the URL breaks a rule (a user's mistake), else the source failed. */
export class UrlFetchError extends Error {
  readonly refused: boolean;

  constructor(message: string, refused: boolean) {
    super(message);
    this.name = 'UrlFetchError';
    this.refused = refused;
  }
}

export interface SafeFetchOptions {
  readonly allow?: UrlAllowList;
  /** Time for the whole exchange, redirects and body included. */
  readonly timeoutMs: number;
  /** Largest body read. */
  readonly maxBytes: number;
  readonly accept?: string;
  /** Tests: resolve host names without DNS. */
  readonly resolveHost?: HostResolver;
}

const ALLOW_HINT = 'an admin can allow a host with WEIGHTS_URL_ALLOW';

/** The body of `url` as text, after the checks in the module comment; UrlFetchError otherwise. */
export async function safeFetchText(url: string, options: SafeFetchOptions): Promise<string> {
  const allow = options.allow ?? EMPTY_ALLOW_LIST;
  const signal = AbortSignal.timeout(options.timeoutMs);
  const seconds = `${options.timeoutMs / 1000} s`;
  const refuse = (m: string): never => {
    throw new UrlFetchError(m, true);
  };
  const fail = (m: string): never => {
    throw new UrlFetchError(m, false);
  };
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    return refuse('not a valid URL.');
  }
  for (let hop = 0; ; hop++) {
    const redirected = hop > 0;
    const target = await checkedTarget(current, allow, options.resolveHost ?? systemResolver, signal, redirected, refuse, fail, seconds);
    let res: IncomingMessage;
    try {
      res = await send(current, target, signal, options.accept ?? '*/*');
    } catch (err) {
      return fail(signal.aborted ? `no answer within ${seconds}.` : `cannot connect (${causeOf(err)}).`);
    }
    const status = res.statusCode ?? 0;
    if ([301, 302, 303, 307, 308].includes(status)) {
      const location = res.headers.location;
      res.destroy();
      if (hop >= MAX_REDIRECTS) return fail(`more than ${MAX_REDIRECTS} redirects.`);
      if (!location) return fail(`HTTP ${status} without a Location to follow.`);
      current = redirectTarget(current, location);
      continue;
    }
    if (status < 200 || status > 299) {
      res.destroy();
      // STATUS_CODES, not the server's own reason phrase: the text shown is ours.
      return fail(`HTTP ${status}${STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : ''}.`);
    }
    return readBody(res, options.maxBytes, signal, seconds, fail);
  }
}

/**
 * Where a redirect from `from` to `location` (absolute or relative) leads; UrlFetchError when it is not a URL or
 * leaves https for anything else (the source promised TLS). The target is then checked like the first URL.
 */
export function redirectTarget(from: URL, location: string): URL {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new UrlFetchError('a redirect leads to something that is not a URL.', false);
  }
  if (from.protocol === 'https:' && next.protocol !== 'https:') throw new UrlFetchError('refused: a redirect leads from https to plain http.', true);
  return next;
}

/** Checks one URL against the rules; the address to connect to. */
async function checkedTarget(
  url: URL, allow: UrlAllowList, resolver: HostResolver, signal: AbortSignal, redirected: boolean,
  refuse: (m: string) => never, fail: (m: string) => never, seconds: string,
): Promise<ResolvedAddress> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return refuse(redirected ? 'refused: a redirect leads to a URL that is not https.' : 'only https:// URLs are fetched.');
  if (url.username !== '' || url.password !== '') return refuse('a user name or password in the URL is not supported; put an access key in the query string.');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const name = host.replace(/\.$/, '');
  const literal = ipaddr.isValid(host) ? unmapped(ipaddr.parse(host)) : undefined;
  const listedByName = literal === undefined && allow.hosts.has(name);
  if (url.protocol === 'http:' && !(listedByName || (literal !== undefined && inRanges(literal, allow)))) {
    return refuse(redirected
      ? 'refused: a redirect leads to plain http (only https is followed, or http to a host an admin listed in WEIGHTS_URL_ALLOW).'
      : 'only https:// URLs are fetched (plain http only for a host an admin listed in WEIGHTS_URL_ALLOW).');
  }
  const is = redirected ? 'a redirect leads to' : 'the host is';
  if (METADATA_HOSTS.has(name)) return refuse(`refused: ${is} a cloud metadata endpoint.`);
  let addresses: readonly ResolvedAddress[];
  if (literal !== undefined) {
    addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
  } else {
    try {
      addresses = await withSignal(resolver(host), signal);
    } catch (err) {
      return fail(signal.aborted ? `no answer within ${seconds}.` : `cannot resolve the host (${causeOf(err)}).`);
    }
    if (addresses.length === 0) return fail('cannot resolve the host (no addresses).');
  }
  // Said of the category only: the address a name resolved to stays out of the message.
  const subject = literal !== undefined ? is : redirected ? 'a redirect leads to a host that resolves to' : 'the host resolves to';
  for (const a of addresses) {
    const ip = ipaddr.isValid(a.address) ? unmapped(ipaddr.parse(a.address)) : undefined;
    if (ip === undefined) return fail('cannot resolve the host (a malformed answer).');
    const category = categoryOf(ip);
    if (category === 'metadata') return refuse(`refused: ${subject} a cloud metadata address.`);
    if (category === undefined || listedByName || inRanges(ip, allow)) continue;
    return refuse(`refused: ${subject} ${/^[aeiou]/.test(category) ? 'an' : 'a'} ${category} address; only public addresses are fetched (${ALLOW_HINT}).`);
  }
  return addresses[0]!;
}

const systemResolver: HostResolver = async (host) => {
  const answers = await dnsLookup(host, { all: true, order: 'verbatim' });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** `p`, or a rejection once `signal` aborts (dns.lookup takes no signal of its own). */
function withSignal<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** One GET to `url`, connecting to `target` only (the checked address), without connection reuse. */
function send(url: URL, target: ResolvedAddress, signal: AbortSignal, accept: string): Promise<IncomingMessage> {
  // Node calls `lookup` for a host name instead of DNS; answering with the checked address pins the connection to it.
  const lookup: LookupFunction = (_hostname, opts, callback) => {
    if (opts.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(url, {
      method: 'GET', agent: false, lookup, signal,
      headers: { accept, 'accept-encoding': 'identity', 'user-agent': 'vigil-signals' },
    });
    req.once('response', resolve);
    // on, not once: an abort or socket error after the response must not go unhandled (reject is a no-op then).
    req.on('error', reject);
    req.end();
  });
}

async function readBody(res: IncomingMessage, maxBytes: number, signal: AbortSignal, seconds: string, fail: (m: string) => never): Promise<string> {
  const declared = Number(res.headers['content-length'] ?? Number.NaN);
  if (declared > maxBytes) {
    res.destroy();
    return fail(`${declared} bytes is more than the ${maxBytes} read.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        res.destroy();
        return fail(`the answer is more than the ${maxBytes} bytes read.`);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof UrlFetchError) throw err;
    return fail(signal.aborted ? `no complete answer within ${seconds}.` : `the answer broke off (${causeOf(err)}).`);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** An error's system code (ECONNREFUSED …) or its message. */
function causeOf(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return code ?? (cause instanceof Error ? cause.message : String(cause));
}
