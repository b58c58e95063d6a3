import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOracle, type OracleDeps } from '../../src/oracles/index.ts';
import { readWeightsFile, staticFileOracle } from '../../src/oracles/static-file.ts';

const AT = Date.UTC(2026, 10, 21);
let dir: string;
/** Beside the weights directory: files there must never be read. */
let outside: string;
/** What a file outside the weights directory, or a malformed one inside it, holds; never in an error. */
const SECRET = 'sk-live-SECRETVALUE-9f8e7d';

beforeAll(() => {
  outside = mkdtempSync(join(tmpdir(), 'vigil-static-outside-'));
  writeFileSync(join(outside, 'secret.json'), `{ "SOL": 1, "key": "${SECRET}" }`);
  writeFileSync(join(outside, 'ok.json'), '{ "SOL": 1 }');
  dir = mkdtempSync(join(tmpdir(), 'vigil-static-'));
  const files: Record<string, string> = {
    'flat.json': '{ "SOL": 0.4, "BTC": 0.3, "USDC": 0.3 }',
    'nested.yaml': 'description: core book\nupdated: 2026-11-20\nweights:\n  sol: 0.5\n  BTC: 0.25\n  USDC: 0.25\n',
    'flat.yml': 'SOL: 0.6\nETH: 0.4\n',
    'bad.json': '{ "SOL": 0.4, ',
    'bad.yaml': 'weights:\n  SOL: [0.4\n',
    'text.json': '{ "SOL": "40%", "USDC": 0.6 }',
    'list.yaml': '- SOL\n- BTC\n',
    'twice.yaml': 'SOL: 0.5\nsol: 0.5\n',
    'half.json': '{ "SOL": 0.4, "BTC": 0.1 }',
    'doge.yaml': 'SOL: 0.5\nDOGE: 0.5\n',
    'weights.txt': 'SOL 1',
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  mkdirSync(join(dir, 'sub.json'));
  mkdirSync(join(dir, 'books'));
  writeFileSync(join(dir, 'books', 'core.json'), '{ "SOL": 1 }');
  writeFileSync(join(dir, 'leak.json'), `{ "SOL": 0.5, "BTC": ${SECRET} }`);
  writeFileSync(join(dir, 'leak.yaml'), `SOL: 0.5\nBTC: "${SECRET}\n`);
  writeFileSync(join(dir, 'leak-key.yaml'), `SOL: 0.5\n"${SECRET}": 0.5\n`);
  writeFileSync(join(dir, 'leak-value.yaml'), `SOL: 0.5\nBTC: ${SECRET}\n`);
  symlinkSync(join(outside, 'ok.json'), join(dir, 'escape.json'));
  symlinkSync(outside, join(dir, 'out'));
  symlinkSync(join(dir, 'books', 'core.json'), join(dir, 'alias.json'));
  symlinkSync('/dev/zero', join(dir, 'zero.json'));
  execFileSync('mkfifo', [join(dir, 'pipe.json')]);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

const deps = (): OracleDeps => ({
  universe: ['SOL', 'BTC'], returns: () => Promise.reject(new Error('static oracles read no returns')), periodsPerYear: 365,
  knownAssets: ['SOL', 'BTC', 'ETH', 'USDC'], baseDir: dir,
});

describe('static file oracle', () => {
  it('reads a flat JSON mapping', async () => {
    const o = staticFileOracle({ path: join(dir, 'flat.json'), baseDir: dir });
    expect(await o.fetchWeights(AT)).toEqual({ SOL: 0.4, BTC: 0.3, USDC: 0.3 });
    expect(o.name).toBe(`static:${join(dir, 'flat.json')}`);
  });

  it('reads weights under a `weights` key in YAML, ignoring other keys, upper-casing assets', async () => {
    expect(await readWeightsFile('nested.yaml', dir)).toEqual({ SOL: 0.5, BTC: 0.25, USDC: 0.25 });
    expect(await readWeightsFile('flat.yml', dir)).toEqual({ SOL: 0.6, ETH: 0.4 });
  });

  it('reads the file at every fetch', async () => {
    writeFileSync(join(dir, 'live.json'), '{ "SOL": 1 }');
    const o = createOracle('static:live.json', deps());
    expect(await o.fetchWeights(AT)).toEqual({ SOL: 1 });
    writeFileSync(join(dir, 'live.json'), '{ "SOL": 0.5, "ETH": 0.5 }');
    expect(await o.fetchWeights(AT)).toEqual({ SOL: 0.5, ETH: 0.5 });
  });

  it.each([
    ['missing.json', 'Weights file missing.json: no such file.'],
    ['bad.json', /^Weights file bad\.json: not valid JSON \(.+\)\.$/],
    ['bad.yaml', /^Weights file bad\.yaml: not valid YAML \(.+\)\.$/],
    ['text.json', 'Weights file text.json: the weight of SOL is the text "40%"; expected a number (a fraction, 0.4 for 40%).'],
    ['list.yaml', 'Weights file list.yaml: expected a mapping of asset → weight, e.g. { "SOL": 0.4, "BTC": 0.3, "USDC": 0.3 }.'],
    ['twice.yaml', 'Weights file twice.yaml: SOL appears twice.'],
    ['weights.txt', 'Weights file weights.txt: expected a .json, .yaml or .yml file.'],
    ['sub.json', 'Weights file sub.json: is a directory.'],
    ['../outside.json', 'Weights file ../outside.json: must be a file inside the weights directory.'],
  ])('%s: an error naming the file', async (path, message) => {
    await expect(readWeightsFile(path, dir)).rejects.toThrow(message);
  });

  it('validates through createOracle: sum and unknown assets, naming the oracle', async () => {
    await expect(createOracle('static:half.json', deps()).fetchWeights(AT)).rejects.toThrow('static:half.json: the weights sum to 0.5, not 1 (within 0.000001).');
    await expect(createOracle('static:doge.yaml', deps()).fetchWeights(AT)).rejects.toThrow('static:doge.yaml: unknown asset DOGE.');
    await expect(createOracle('static:/etc/passwd.json', deps()).fetchWeights(AT)).rejects.toThrow('must be a file inside the weights directory');
  });
});

describe('static files stay inside the weights directory', () => {
  it.each([
    ['../outside.json', 'a .. escape'],
    ['books/../flat.json', 'any .. segment, even one that stays inside'],
    ['escape.json', 'a symlink to a file outside'],
    ['out/ok.json', 'a symlinked directory leading outside'],
    ['zero.json', 'a symlink to a device'],
  ])('%s (%s): refused', async (path) => {
    await expect(readWeightsFile(path, dir)).rejects.toThrow(new RegExp(`^Weights file ${path.replace(/\./g, '\\.')}: must be a file inside the weights directory`));
  });

  it('an absolute path: refused outside, read inside', async () => {
    await expect(readWeightsFile(join(outside, 'ok.json'), dir)).rejects.toThrow('must be a file inside the weights directory');
    await expect(readWeightsFile('/etc/passwd.json', dir)).rejects.toThrow('must be a file inside the weights directory');
    expect(await readWeightsFile(join(dir, 'books', 'core.json'), dir)).toEqual({ SOL: 1 });
  });

  it('subdirectories and symlinks that stay inside are read', async () => {
    expect(await readWeightsFile('books/core.json', dir)).toEqual({ SOL: 1 });
    expect(await readWeightsFile('alias.json', dir)).toEqual({ SOL: 1 });
  });

  it('the outside file\'s content never shows, whatever the path', async () => {
    for (const path of ['../' + join(outside.split('/').at(-1)!, 'secret.json'), join(outside, 'secret.json'), 'out/secret.json']) {
      const err = await readWeightsFile(path, dir).then(() => undefined, (e: unknown) => e as Error);
      expect(err?.message).toContain('must be a file inside the weights directory');
      expect(err?.message).not.toContain('SECRET');
    }
  });

  it('without a weights directory, no file is read', async () => {
    await expect(readWeightsFile(join(dir, 'flat.json'))).rejects.toThrow('file oracles are off: no weights directory is configured (WEIGHTS_DIR).');
    await expect(createOracle('static:flat.json', { ...deps(), baseDir: undefined }).fetchWeights(AT)).rejects.toThrow('no weights directory is configured');
  });

  it('only regular files: a FIFO is refused at once, not waited on', async () => {
    await expect(readWeightsFile('pipe.json', dir)).rejects.toThrow('Weights file pipe.json: is not a regular file.');
  });

  it('a missing weights directory says so', async () => {
    await expect(readWeightsFile('flat.json', join(dir, 'no-such-dir'))).rejects.toThrow('Weights file flat.json: the weights directory does not exist');
  });
});

describe('errors never quote a malformed file', () => {
  it.each([
    ['leak.json', /^Weights file leak\.json: not valid JSON \(line 1, column 22\)\.$/],
    ['leak.yaml', /^Weights file leak\.yaml: not valid YAML \(missing char at line \d+, column \d+\)\.$/],
    ['leak-key.yaml', 'Weights file leak-key.yaml: a key that is not an asset symbol (letters and digits, e.g. SOL).'],
    ['leak-value.yaml', 'Weights file leak-value.yaml: the weight of BTC is text; expected a number (a fraction, 0.4 for 40%).'],
  ])('%s: file name and position only', async (path, message) => {
    const err = await readWeightsFile(path, dir).then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).toMatch(message);
    expect(err?.message).not.toContain('SECRET');
    expect(err?.message).not.toContain('sk-live');
  });
});
