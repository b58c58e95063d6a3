/**
 * signals:URL cannot probe the server's network (src/oracles/url-fetch.ts): https only, no loopback, private,
 * link-local, metadata … address after DNS or after any redirect, the connection pinned to the checked address, and
 * the allow-list as the only way through. Every refused URL here is refused before any connection is made: the only
 * server contacted is the local one on 127.0.0.1 (allow-listed), and host names are `localhost` (the hosts file) or
 * answered by a fake resolver.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOracle, type OracleDeps } from '../../src/oracles/index.ts';
import { signalsOracle } from '../../src/oracles/signals.ts';
import {
  addressCategory, compileAllowList, MAX_REDIRECTS, redirectTarget, safeFetchText, UrlFetchError, type HostResolver,
} from '../../src/oracles/url-fetch.ts';
import { UserError } from '../../src/shared/errors.ts';

const AT = Date.UTC(2026, 10, 21, 9);
const CSV = 'asset,score,date\nSOL,0.9,2026-11-20\nBTC,0.5,2026-11-20\n';
const LOCAL = ['127.0.0.1'];
/** CSV's weights: ranks BTC 1, SOL 2 of 2 → s = 0.5, 1 → 1/3, 2/3. */
const WEIGHTS = { BTC: expect.closeTo(1 / 3, 12) as number, SOL: expect.closeTo(2 / 3, 12) as number };

let server: Server;
let base: string;
let port: number;
/** Paths the local server was asked for, in order. */
const hits: string[] = [];
/** Host headers the local server saw. */
const hosts: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    hits.push(path);
    hosts.push(req.headers.host ?? '');
    const redirect = (to: string): void => void res.writeHead(302, { location: to }).end();
    if (path === '/signals.csv') res.writeHead(200, { 'content-type': 'text/csv' }).end(CSV);
    else if (path === '/moved') redirect('/signals.csv');
    else if (path === '/to-private') redirect('https://10.0.0.1/signals.csv');
    else if (path === '/to-metadata') redirect('https://169.254.169.254/latest/meta-data/');
    else if (path === '/to-metadata-name') redirect('https://metadata.google.internal/computeMetadata/v1/');
    else if (path === '/to-mapped') redirect('https://[::ffff:127.0.0.2]/signals.csv');
    else if (path === '/to-name') redirect(`https://loopback.test:${port}/signals.csv`);
    else if (path === '/to-http') redirect('http://signals.example.com/signals.csv');
    else if (path === '/to-file') redirect('file:///etc/passwd');
    else if (path === '/loop') redirect('/loop');
    else if (path === '/big') res.writeHead(200, { 'content-length': String(2 * 1024 * 1024) }).end(Buffer.alloc(2 * 1024 * 1024, 0x41));
    else if (path === '/big-chunked') {
      res.writeHead(200, { 'content-type': 'text/csv' });
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      for (let i = 0; i < 20; i++) res.write(chunk);
      res.end();
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const deps = (signals: OracleDeps['signals'] = {}): OracleDeps => ({
  universe: [], returns: () => Promise.reject(new Error('unused')), periodsPerYear: 365, knownAssets: ['SOL', 'BTC'], signals,
});

/** The UserError a signals:URL fetch ends with. */
async function refusal(url: string, options: OracleDeps['signals'] = {}): Promise<UserError> {
  const err = await createOracle(`signals:${url}`, deps(options)).fetchWeights(AT).then(() => undefined, (e: unknown) => e);
  if (!(err instanceof UserError)) throw new Error(`expected a UserError for ${url}, got ${String(err)}`);
  return err;
}

/** A resolver answering from a table, counting its calls. */
function fakeResolver(table: Record<string, readonly string[] | readonly (readonly string[])[]>): HostResolver & { calls: string[] } {
  const calls: string[] = [];
  const counts = new Map<string, number>();
  const resolve = (host: string): Promise<readonly { address: string; family: 4 | 6 }[]> => {
    calls.push(host);
    const n = counts.get(host) ?? 0;
    counts.set(host, n + 1);
    const entry = table[host];
    if (!entry) return Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
    // A list of lists: one answer per call (a rebinding resolver); else the same answer every time.
    const answer = Array.isArray(entry[0]) ? (entry as readonly (readonly string[])[])[Math.min(n, entry.length - 1)]! : (entry as readonly string[]);
    return Promise.resolve(answer.map((address) => ({ address, family: address.includes(':') ? 6 as const : 4 as const })));
  };
  return Object.assign(resolve, { calls });
}

describe('https only', () => {
  it('refuses plain http to a host not on the allow-list, without resolving it', async () => {
    const resolver = fakeResolver({});
    const err = await refusal('http://signals.example.com/x.csv', { resolveHost: resolver });
    expect(err.message).toBe('Signals http://signals.example.com/x.csv: only https:// URLs are fetched (plain http only for a host an admin listed in WEIGHTS_URL_ALLOW).');
    expect(err.code).toBe('bad_argument');
    expect(resolver.calls).toEqual([]);
  });

  it('refuses plain http to the local server unless it is allow-listed', async () => {
    const before = hits.length;
    expect((await refusal(`${base}/signals.csv`)).message).toContain('only https:// URLs are fetched');
    expect(hits.length).toBe(before);
    expect(await createOracle(`signals:${base}/signals.csv`, deps({ urlAllow: LOCAL })).fetchWeights(AT)).toEqual(WEIGHTS);
  });

  it('refuses other schemes and credentials in the URL', async () => {
    await expect(signalsOracle({ source: 'file:///etc/passwd' }).fetchWeights(AT)).rejects.toThrow('only https URLs and files in the weights directory are read.');
    await expect(safeFetchText('gopher://example.com/', { timeoutMs: 1000, maxBytes: 10 })).rejects.toThrow('only https:// URLs are fetched.');
    expect((await refusal('https://user:pw@signals.example.com/x.csv')).message).toContain('a user name or password in the URL is not supported');
  });
});

describe('blocked addresses (IP literals: refused before connecting)', () => {
  it.each([
    ['https://127.0.0.1/x.csv', 'a loopback'],
    ['https://127.1.2.3/x.csv', 'a loopback'],
    ['https://2130706433/x.csv', 'a loopback'], // 127.0.0.1 as one number
    ['https://0x7f.1/x.csv', 'a loopback'],
    ['https://[::1]/x.csv', 'a loopback'],
    ['https://[::ffff:127.0.0.1]/x.csv', 'a loopback'],
    ['https://10.0.0.1/x.csv', 'a private'],
    ['https://172.16.5.4/x.csv', 'a private'],
    ['https://192.168.1.1/x.csv', 'a private'],
    ['https://100.64.0.1/x.csv', 'a private'],
    ['https://[::ffff:10.0.0.1]/x.csv', 'a private'],
    ['https://[fc00::1]/x.csv', 'a private'],
    ['https://[fd12:3456::1]/x.csv', 'a private'],
    ['https://169.254.1.1/x.csv', 'a link-local'],
    ['https://[fe80::1]/x.csv', 'a link-local'],
    ['https://0.0.0.0/x.csv', 'an unspecified'],
    ['https://[::]/x.csv', 'an unspecified'],
    ['https://224.0.0.1/x.csv', 'a multicast'],
    ['https://[ff02::1]/x.csv', 'a multicast'],
    ['https://255.255.255.255/x.csv', 'a broadcast'],
    ['https://240.0.0.1/x.csv', 'a reserved'],
    ['https://[64:ff9b::7f00:1]/x.csv', 'a reserved'], // NAT64 of 127.0.0.1
    ['https://[::7f00:1]/x.csv', 'a reserved'], // IPv4-compatible 127.0.0.1
  ])('%s: %s address', async (url, what) => {
    const err = await refusal(url);
    expect(err.message).toMatch(new RegExp(`: refused: the host is ${what} address; only public addresses are fetched \\(an admin can allow a host with WEIGHTS_URL_ALLOW\\)\\.$`));
    expect(err.code).toBe('bad_argument');
  });

  it.each([
    ['https://169.254.169.254/latest/meta-data/', 'the host is a cloud metadata address'],
    ['https://[::ffff:169.254.169.254]/latest/meta-data/', 'the host is a cloud metadata address'],
    ['https://[fd00:ec2::254]/latest/meta-data/', 'the host is a cloud metadata address'],
    ['https://metadata.google.internal/computeMetadata/v1/', 'the host is a cloud metadata endpoint'],
    ['https://METADATA.google.internal./computeMetadata/v1/', 'the host is a cloud metadata endpoint'],
  ])('%s: metadata, refused even when allow-listed', async (url, message) => {
    const allow = ['169.254.0.0/16', 'fd00::/8', 'metadata.google.internal', '::ffff:0:0/96'];
    expect((await refusal(url)).message).toContain(`refused: ${message}.`);
    expect((await refusal(url, { urlAllow: allow })).message).toContain(`refused: ${message}.`);
  });

  it('classifies with ipaddr.js: public unicast passes, IPv4-mapped counts as its IPv4', () => {
    expect(addressCategory('93.184.215.14')).toBeUndefined();
    expect(addressCategory('2606:4700::1111')).toBeUndefined();
    expect(addressCategory('::ffff:93.184.215.14')).toBeUndefined();
    expect(addressCategory('::ffff:192.168.0.1')).toBe('private');
    expect(addressCategory('100.100.100.200')).toBe('metadata');
    expect(addressCategory('not an address')).toBe('reserved');
  });
});

describe('host names: every answer is checked, none is shown', () => {
  it('localhost resolves to loopback: refused, without naming the address', async () => {
    const err = await refusal('https://localhost/x.csv');
    expect(err.message).toBe('Signals https://localhost/x.csv: refused: the host resolves to a loopback address; only public addresses are fetched (an admin can allow a host with WEIGHTS_URL_ALLOW).');
    expect(err.message).not.toMatch(/127\.0\.0\.1|::1/);
  });

  it('refuses when ANY answer is private, even beside a public one, naming only the category', async () => {
    const resolver = fakeResolver({ 'mixed.example': ['93.184.215.14', '10.1.2.3'], 'mapped.example': ['2606:4700::1111', '::ffff:127.0.0.1'] });
    const err = await refusal('https://mixed.example/x.csv', { resolveHost: resolver });
    expect(err.message).toContain('refused: the host resolves to a private address');
    expect(err.message).not.toContain('10.1.2.3');
    expect(err.message).not.toContain('93.184');
    expect((await refusal('https://mapped.example/x.csv', { resolveHost: resolver })).message).toContain('resolves to a loopback address');
    expect((await refusal('https://nowhere.example/x.csv', { resolveHost: resolver })).message).toContain('cannot resolve the host (ENOTFOUND).');
  });

  it('a host name resolving to a metadata address is refused even when the name is allow-listed', async () => {
    const resolver = fakeResolver({ 'meta.test': ['169.254.169.254'] });
    expect((await refusal('https://meta.test/x', { resolveHost: resolver, urlAllow: ['meta.test'] })).message).toContain('the host resolves to a cloud metadata address');
  });
});

describe('allow-list', () => {
  it('compiles names, addresses and ranges; IPv4-mapped entries count as IPv4', () => {
    const a = compileAllowList(['Signals.Internal.', '127.0.0.1', '10.0.0.0/8', '[::1]', '::ffff:192.168.0.0/112']);
    expect([...a.hosts]).toEqual(['signals.internal']);
    expect(a.ranges.map(([ip, bits]) => `${ip.toString()}/${bits}`)).toEqual(['127.0.0.1/32', '10.0.0.0/8', '::1/128', '192.168.0.0/16']);
  });

  it('a listed range lets the local server through over http; an unlisted address still is not', async () => {
    expect(await createOracle(`signals:${base}/signals.csv`, deps({ urlAllow: ['127.0.0.0/8'] })).fetchWeights(AT)).toEqual(WEIGHTS);
    expect((await refusal(`${base}/signals.csv`, { urlAllow: ['10.0.0.0/8'] })).message).toContain('only https:// URLs are fetched');
    expect((await refusal('https://10.1.0.1/x.csv', { urlAllow: ['10.0.0.0/16'] })).message).toContain('refused: the host is a private address');
  });

  it('a listed host name connects to the address it was checked at, resolved once (no DNS rebinding)', async () => {
    // First answer: the local server. Any later lookup would get 127.0.0.2, where nothing listens.
    const resolver = fakeResolver({ 'signals.test': [['127.0.0.1'], ['127.0.0.2']] });
    const before = hits.length;
    const w = await createOracle(`signals:http://signals.test:${port}/signals.csv`, deps({ urlAllow: ['signals.test'], resolveHost: resolver })).fetchWeights(AT);
    expect(w).toEqual(WEIGHTS);
    expect(resolver.calls).toEqual(['signals.test']);
    expect(hits.slice(before)).toEqual(['/signals.csv']);
    expect(hosts.at(-1)).toBe(`signals.test:${port}`);
  });
});

describe('redirects: followed by hand, every hop checked again', () => {
  // Only 127.0.0.1 itself is listed, so other loopback addresses stay refused; loopback.test is answered without DNS.
  const local = { urlAllow: LOCAL, resolveHost: fakeResolver({ 'loopback.test': ['::1'] }) };

  it('follows a relative redirect on an allowed host', async () => {
    expect(await createOracle(`signals:${base}/moved`, deps(local)).fetchWeights(AT)).toEqual(WEIGHTS);
  });

  it.each([
    ['/to-private', 'refused: a redirect leads to a private address'],
    ['/to-metadata', 'refused: a redirect leads to a cloud metadata address.'],
    ['/to-metadata-name', 'refused: a redirect leads to a cloud metadata endpoint.'],
    ['/to-mapped', 'refused: a redirect leads to a loopback address'],
    ['/to-name', 'refused: a redirect leads to a host that resolves to a loopback address'],
    ['/to-http', 'refused: a redirect leads to plain http'],
    ['/to-file', 'refused: a redirect leads to a URL that is not https.'],
  ])('%s: %s', async (path, message) => {
    const before = hits.length;
    const err = await refusal(`${base}${path}`, local);
    expect(err.message).toContain(message);
    expect(err.message).not.toMatch(/10\.0\.0\.1|169\.254|127\.0\.0\.2|::1/);
    // Only the redirecting path was asked for: the target was refused before any connection.
    expect(hits.slice(before)).toEqual([path]);
  });

  it(`stops after ${MAX_REDIRECTS} redirects`, async () => {
    const before = hits.length;
    expect((await refusal(`${base}/loop`, local)).message).toContain(`more than ${MAX_REDIRECTS} redirects.`);
    expect(hits.length - before).toBe(MAX_REDIRECTS + 1);
  });

  it('never from https to http, even to an allow-listed host', () => {
    expect(() => redirectTarget(new URL('https://signals.example.com/a'), 'http://127.0.0.1/b')).toThrow(UrlFetchError);
    expect(() => redirectTarget(new URL('https://signals.example.com/a'), 'http://127.0.0.1/b')).toThrow('refused: a redirect leads from https to plain http.');
    expect(redirectTarget(new URL('https://signals.example.com/a/b'), '../c?x=1').href).toBe('https://signals.example.com/c?x=1');
    expect(redirectTarget(new URL('http://127.0.0.1:8080/a'), '/b').href).toBe('http://127.0.0.1:8080/b');
  });
});

describe('bounds', () => {
  it('refuses an answer over 1 MiB, declared or streamed', async () => {
    await expect(createOracle(`signals:${base}/big`, deps({ urlAllow: LOCAL })).fetchWeights(AT)).rejects.toThrow(`Signals ${base}/big: 2097152 bytes is more than the 1048576 read.`);
    await expect(createOracle(`signals:${base}/big-chunked`, deps({ urlAllow: LOCAL })).fetchWeights(AT)).rejects.toThrow(`Signals ${base}/big-chunked: the answer is more than the 1048576 bytes read.`);
  });
});
