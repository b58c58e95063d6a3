/**
 * /weights on the paper venue. BOOK (hand-computable, SOL $100, ETH $2,000): SOL-PERP long 100 (notional $10,000),
 * 10 SOL spot ($1,000), ETH-PERP short 1 ($2,000 gross), 10,000 USDC. Risky gross exposure $13,000: SOL 11/13 =
 * 84.6%, ETH 2/13 = 15.4%; with USDC counted (when an oracle proposes it) $23,000: SOL 47.8%, ETH 8.7%, USDC 43.5%.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OracleService } from '../../src/app/oracles.ts';
import { buttonsOf, plainText, type Reply } from '../../src/core/reply.ts';
import type { StartingPortfolio } from '../../src/venues/paper/portfolio-file.ts';
import { ROUND_PRICES, testApp } from '../helpers/app.ts';

const BOOK: StartingPortfolio = {
  spot: [{ asset: 'USDC', amount: '10000' }, { asset: 'SOL', amount: '10', entryPrice: 90 }],
  perps: [{ market: 'SOL-PERP', size: '100', entryPrice: 120 }, { market: 'ETH-PERP', size: '-1', entryPrice: 2100 }],
  lp: [],
};

function table(r: Reply): { header: string[]; rows: string[][] } {
  const t = r.blocks.find((b) => b.kind === 'table');
  if (!t || t.kind !== 'table') throw new Error(`no table in ${plainText(r)}`);
  return { header: t.columns.map((c) => c.header), rows: t.rows.map((row) => [...row]) };
}
const pct = (s: string): number => Number(s.replace(/[%+]/g, ''));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-weights-'));
  writeFileSync(join(dir, 'core.yaml'), 'weights:\n  SOL: 0.4\n  BTC: 0.3\n  USDC: 0.3\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('/weights', () => {
  it('defaults to equal weight over the risky assets held, against today\'s weights by gross exposure', async () => {
    const { send } = testApp({ portfolio: BOOK, prices: ROUND_PRICES });
    const r = await send('/weights');
    expect(plainText(r)).toContain('Weights: equal');
    expect(plainText(r)).toContain('Equal weight: 1/N of the book in each of the N assets');
    expect(table(r)).toEqual({
      header: ['Asset', 'Now', 'Proposed', 'Δ'],
      rows: [
        ['SOL', '84.6%', '50.0%', '-34.6%'],
        ['ETH', '15.4%', '50.0%', '+34.6%'],
        ['Total', '100.0%', '100.0%', ''],
      ],
    });
    expect(plainText(r)).toContain('nothing is traded');
    expect(buttonsOf(r)).toEqual([]);
  });

  it('target-vol on the demo book: the default 15% is below its least volatile mix, a user error naming both', async () => {
    const { send } = testApp();
    expect(plainText(await send('/weights target-vol'))).toMatch(/target-vol: 15\.0% a year is below the least volatile mix of BTC, ETH, JUP, SOL, WIF \(\d+\.\d%\)/);
  });

  it.each(['equal', 'inverse-vol', 'risk-parity', 'min-variance', 'max-sharpe'])('%s on the demo book: proposals sum to 100%%', async (name) => {
    const { send, venue } = testApp();
    const before = JSON.stringify(await venue.snapshot(), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    const r = await send(`/weights ${name}`);
    const { rows } = table(r);
    const total = rows.at(-1)!;
    expect(total[0]).toBe('Total');
    expect(total[2]).toBe('100.0%');
    expect(total[1]).toBe('100.0%');
    const proposed = rows.slice(0, -1).map((row) => pct(row[2]!));
    expect(Math.abs(proposed.reduce((s, v) => s + v, 0) - 100)).toBeLessThanOrEqual(0.05 * proposed.length + 1e-9);
    expect(proposed.every((v) => v >= 0 && v <= 100)).toBe(true);
    // risky assets held in the demo book: SOL (spot, short perp, LP), BTC (spot, perp), ETH, JUP, WIF (perps)
    expect(rows.slice(0, -1).map((row) => row[0]).sort()).toEqual(['BTC', 'ETH', 'JUP', 'SOL', 'WIF']);
    const after = JSON.stringify(await venue.snapshot(), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    expect(after).toBe(before);
  });

  it('explains an unknown oracle and refuses a file outside the working directory', async () => {
    const { send } = testApp();
    const r = await send('/weights momentum');
    expect(plainText(r)).toContain('No weight oracle "momentum".');
    expect(plainText(r)).toContain('Oracles: equal, inverse-vol, risk-parity, min-variance, max-sharpe, target-vol, static:<path>, signals:<path-or-url>');
    expect(plainText(await send('/weights static:../../etc/passwd.json', 'trader'))).toContain('Weights file ../../etc/passwd.json: must be a file inside the weights directory.');
    expect(plainText(await send('/help weights'))).toContain('Usage: /weights [oracle]');
  });
});

describe('OracleService', () => {
  it('a static file: validated weights beside today\'s, stablecoins it names counted in Now', async () => {
    const { app, clock } = testApp({ portfolio: BOOK, prices: ROUND_PRICES });
    const s = app.services;
    const oracles = new OracleService({ portfolio: s.portfolio, history: s.history, clock, settings: s.risk.settings, baseDir: dir });
    const v = await oracles.propose('static:core.yaml');
    expect(v.oracle.name).toBe('static:core.yaml');
    expect(v.weights).toEqual({ SOL: 0.4, BTC: 0.3, USDC: 0.3 });
    expect(v.current.SOL).toBeCloseTo(11 / 23, 12);
    expect(v.current.ETH).toBeCloseTo(2 / 23, 12);
    expect(v.current.USDC).toBeCloseTo(10 / 23, 12);
    expect(v.rows.map((r) => [r.asset, Number(r.delta.toFixed(6))])).toEqual([
      // largest proposed first; at equal proposals (USDC, BTC 30%) the larger holding first
      ['SOL', Number((0.4 - 11 / 23).toFixed(6))], ['USDC', Number((0.3 - 10 / 23).toFixed(6))], ['BTC', 0.3], ['ETH', Number((-2 / 23).toFixed(6))],
    ]);
    await expect(oracles.propose('static:missing.yaml')).rejects.toThrow('Weights file missing.yaml: no such file.');
  });

  it('the universe is every risky asset with history when fewer than two are held', async () => {
    const { app, clock } = testApp({ portfolio: { spot: [{ asset: 'USDC', amount: '1000' }], perps: [], lp: [] }, prices: ROUND_PRICES });
    const s = app.services;
    const oracles = new OracleService({ portfolio: s.portfolio, history: s.history, clock, settings: s.risk.settings });
    const v = await oracles.propose();
    expect(Object.keys(v.weights).sort()).toEqual(['BONK', 'BTC', 'ETH', 'JTO', 'JUP', 'PYTH', 'RAY', 'SOL', 'WIF']);
    expect(v.current).toEqual({});
  });
});

describe('/weights access to files and URLs', () => {
  it('refuses file and URL oracles to viewers (the server would read or fetch them)', async () => {
    const { testApp } = await import('../helpers/app.ts');
    const { plainText } = await import('../../src/core/reply.ts');
    const t = testApp();
    expect(plainText(await t.send('/weights static:weights.json', 'viewer'))).toContain('File and URL oracles need the trader role.');
    expect(plainText(await t.send('/weights signals:http://10.0.0.1/x.csv', 'viewer'))).toContain('File and URL oracles need the trader role.');
    expect(plainText(await t.send('/weights equal', 'viewer'))).not.toContain('trader role');
  });
});
