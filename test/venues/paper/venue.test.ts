import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/shared/errors.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { DEFAULT_PORTFOLIO, loadPortfolioFile } from '../../../src/venues/paper/portfolio-file.ts';
import { PaperVenue } from '../../../src/venues/paper/venue.ts';

const T0 = Date.UTC(2026, 10, 21);
const HOUR = 3_600_000;

describe('PaperVenue', () => {
  it('maps the default demo book: a hedged desk of five perps, spot holdings and an LP position', async () => {
    const v = new PaperVenue({ clock: new ManualClock(T0), seed: 42 });
    const snap = await v.snapshot();
    const kinds = snap.positions.map((p) => `${p.kind}:${p.market}`).sort();
    expect(kinds).toEqual(['lp:SOL/USDC', 'perp:BTC-PERP', 'perp:ETH-PERP', 'perp:JUP-PERP', 'perp:SOL-PERP', 'perp:WIF-PERP', 'spot:BTC', 'spot:SOL', 'spot:USDC']);
    expect(snap.margin.leverage).toBeGreaterThan(3);
    expect(snap.margin.health).toBeGreaterThan(50);
    expect(snap.asOf).toBe(T0);
    const perp = snap.positions.find((p) => p.kind === 'perp' && p.market === 'SOL-PERP');
    expect(perp?.kind === 'perp' && perp.entryPrice).toBeCloseTo(131.2, 9);
    expect(DEFAULT_PORTFOLIO.perps).toHaveLength(5);
  });

  it('follows the clock: prices move, funding accrues, listeners hear it, history records it', async () => {
    const clock = new ManualClock(T0);
    const v = new PaperVenue({ clock, seed: 7 });
    let ticks = 0;
    const off = v.onChange(() => { ticks++; });
    const before = await v.snapshot();
    const histBefore = await v.history.closes('SOL', { interval: '1h' });
    clock.advance(6 * HOUR);
    const after = await v.snapshot();
    expect(after.asOf).toBe(T0 + 6 * HOUR);
    expect(after.prices.SOL).not.toBe(before.prices.SOL);
    const perp = after.positions.find((p) => p.kind === 'perp' && p.market === 'SOL-PERP');
    // The demo's SOL-PERP is a short, which receives funding: 6 h × 0.001%/h × ≈$30k notional ≈ $1.8.
    expect(perp?.kind === 'perp' ? Number(perp.fundingPnlUsd) / 1e6 : 0).toBeGreaterThan(1.5);
    // A read that catches up is not news; the ticker's catch-up and scripted prices are.
    expect(ticks).toBe(0);
    clock.advance(60_000);
    v.sync(true);
    expect(ticks).toBe(1);
    v.setPrices({ SOL: 150 });
    expect(ticks).toBe(2);
    expect((await v.snapshot()).prices.SOL).toBeCloseTo(150, 9);
    const histAfter = await v.history.closes('SOL', { interval: '1h' });
    expect(histAfter.t.length).toBe(histBefore.t.length + 6);
    expect(histAfter.close.at(-1)).toBeCloseTo(150, 9);
    off();
    clock.advance(HOUR);
    v.sync(true);
    expect(ticks).toBe(2);
  });

  it('is reproducible: same seed and clock path, same market and book', async () => {
    const run = async (): Promise<string> => {
      const clock = new ManualClock(T0);
      const v = new PaperVenue({ clock, seed: 99 });
      for (let i = 0; i < 5; i++) {
        clock.advance(17 * 60_000);
        await v.snapshot();
      }
      return JSON.stringify(await v.snapshot(), (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
    };
    expect(await run()).toBe(await run());
  });

  it('back-fills history that ends at the start price', async () => {
    const v = new PaperVenue({ clock: new ManualClock(T0), seed: 1, historyDays: 60, historyHours: 48 });
    const daily = await v.history.closes('BTC', { interval: '1d' });
    expect(daily.close).toHaveLength(61);
    expect(daily.close.at(-1)).toBeCloseTo(87648.22, 6);
    expect(daily.t.at(-1)).toBe(T0);
    expect(daily.t[1]! - daily.t[0]!).toBe(24 * HOUR);
    const last2 = await v.history.closes('BTC', { interval: '1h', limit: 2 });
    expect(last2.close).toHaveLength(2);
    await expect(v.history.closes('DOGE', { interval: '1d' })).rejects.toBeInstanceOf(UserError);
  });
});

describe('market speed (DEMO_SPEED): the price path runs fast, time stays real', () => {
  it('a minute at speed 60 moves the market like an hour at speed 1, and every time stamp is wall-clock time', async () => {
    const fastClock = new ManualClock(T0);
    const slowClock = new ManualClock(T0);
    const fast = new PaperVenue({ clock: fastClock, speed: 60, seed: 5, historyDays: 30, historyHours: 48 });
    const slow = new PaperVenue({ clock: slowClock, seed: 5, historyDays: 30, historyHours: 48 });
    fastClock.advance(60_000);
    slowClock.advance(HOUR);
    expect(fast.prices()).toEqual(slow.prices());
    const snap = await fast.snapshot();
    expect(snap.asOf).toBe(T0 + 60_000);
    const hourly = await fast.history.closes('SOL', { interval: '1h', limit: 5 });
    expect(Math.max(...hourly.t)).toBeLessThanOrEqual(T0 + 60_000);
    expect(() => new PaperVenue({ clock: fastClock, speed: 0.5, seed: 5 })).toThrow(RangeError);
  });
});

describe('starting portfolio file', () => {
  it('names the file and the first problem', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-pf-'));
    try {
      const bad = join(dir, 'p.json');
      await writeFile(bad, JSON.stringify({ perps: [{ market: 'DOGE-PERP', size: '1', entryPrice: 1 }] }));
      expect(() => loadPortfolioFile(bad)).toThrow(/p\.json: perps\.0\.market: one of SOL-PERP/);
      await writeFile(bad, JSON.stringify({ spot: [{ asset: 'SOL', amount: '1e3' }] }));
      expect(() => loadPortfolioFile(bad)).toThrow(/spot\.0\.amount: a decimal number as a string/);
      await writeFile(bad, '{ nope');
      expect(() => loadPortfolioFile(bad)).toThrow(/cannot read a JSON portfolio/);
      const good = join(dir, 'g.json');
      await writeFile(good, JSON.stringify({ spot: [{ asset: 'USDC', amount: '250.5' }] }));
      const v = new PaperVenue({ clock: new ManualClock(T0), seed: 1, portfolio: loadPortfolioFile(good), startPrices: { USDC: 1 } });
      const snap = await v.snapshot();
      expect(snap.positions).toHaveLength(1);
      expect(snap.positions[0]!.valueUsd).toBe(250_500_000n);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
