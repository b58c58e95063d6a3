import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOracle, type OracleDeps } from '../../src/oracles/index.ts';
import { readWeightsFile, staticFileOracle } from '../../src/oracles/static-file.ts';

const AT = Date.UTC(2026, 10, 21);
let dir: string;

beforeAll(() => {
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
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const deps = (): OracleDeps => ({
  universe: ['SOL', 'BTC'], returns: () => Promise.reject(new Error('static oracles read no returns')), periodsPerYear: 365,
  knownAssets: ['SOL', 'BTC', 'ETH', 'USDC'], baseDir: dir,
});

describe('static file oracle', () => {
  it('reads a flat JSON mapping', async () => {
    const o = staticFileOracle({ path: join(dir, 'flat.json') });
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
