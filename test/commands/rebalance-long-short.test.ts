/**
 * Long-short rebalancing from chat, end to end on the paper venue: /weights, /rebalance and /target with `long-short`
 * (and `gross=`), the confirm card's perp short, Confirm, the drift check of a signed target, and the bad inputs.
 *
 * BOOK: 20,000 USDC, 30 SOL ($3,000), 1.5 ETH ($3,000), 0.06 BTC ($3,000) at ROUND_PRICES: gross G = 9,000, each
 * asset 1/3 (long-only share or signed weight alike: nothing is short). The optimiser's weights come from the venue's
 * simulated history, so they are read from the service (and checked to be those /optimize shows); what follows from
 * them is worked out here. On this book min-variance long-short shorts SOL (≈ −18%) and every line is more than 5 points
 * off, so everything trades and G' = G: the planner takes w / Σ|w| of 9,000 per line, the SOL short on SOL-PERP
 * (0.01 steps, $1 at $100) not reduce-only; the spot SOL is sold. After the fills each asset's signed weight (net
 * exposure / the book's) is the target within that rounding.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signedExposures, signedWeights } from '../../src/app/views.ts';
import { buttonsOf, encodeActionRef, plainText } from '../../src/core/reply.ts';
import type { ChatRef } from '../../src/domain/index.ts';
import { fmtPct, fmtSignedPct } from '../../src/shared/format.ts';
import type { StartingPortfolio } from '../../src/venues/paper/portfolio-file.ts';
import { ROUND_PRICES, testApp } from '../helpers/app.ts';
import { Inbox } from '../helpers/inbox.ts';

const BOOK: StartingPortfolio = {
  spot: [{ asset: 'USDC', amount: '20000' }, { asset: 'SOL', amount: '30' }, { asset: 'ETH', amount: '1.5' }, { asset: 'BTC', amount: '0.06' }],
  perps: [], lp: [],
};
const ASSETS = ['BTC', 'ETH', 'SOL'];

const dir = mkdtempSync(join(tmpdir(), 'vigil-long-short-'));
writeFileSync(join(dir, 'neg.json'), JSON.stringify({ SOL: 1.2, ETH: -0.2 }));
writeFileSync(join(dir, 'wide.json'), JSON.stringify({ SOL: 1.5, ETH: -0.5 }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** min-variance long-short on BOOK, as the oracle proposes it, checked equal to /optimize's (one answer, two paths). */
async function minVarianceLongShort(t: ReturnType<typeof testApp>): Promise<Record<string, number>> {
  const w = { ...(await t.app.services.oracles.propose('min-variance', { longShort: true })).weights };
  const opt = await t.app.services.analytics.optimize('min-variance', { longShort: true });
  opt.assets.forEach((a, i) => expect(w[a], a).toBeCloseTo(opt.optimum.weights[i]!, 9));
  expect(Object.keys(w).sort()).toEqual(ASSETS);
  expect(w.SOL!).toBeLessThan(-0.1);
  expect(Object.values(w).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 9);
  expect(Object.values(w).reduce((s, x) => s + Math.abs(x), 0)).toBeLessThanOrEqual(1.5 + 1e-9);
  return w;
}

const units = (l: { size: { raw: bigint; decimals: number } }): number => Number(l.size.raw) / 10 ** l.size.decimals;

/** Each asset's signed weight on the venue now (net exposure / the book's). */
async function signedNow(t: ReturnType<typeof testApp>): Promise<Record<string, number>> {
  const p = await t.app.services.portfolio.refresh();
  const w = signedWeights(signedExposures(p.positions), ASSETS);
  return Object.fromEntries(ASSETS.map((a, i) => [a, w[i]!]));
}

describe('/rebalance … long-short', () => {
  it('plans a perp short that is not reduce-only, says so on the card, and Confirm lands on the signed weights', async () => {
    const t = testApp({ portfolio: BOOK, prices: ROUND_PRICES, mode: 'paper' });
    const w = await minVarianceLongShort(t);
    const gross = Object.values(w).reduce((s, x) => s + Math.abs(x), 0);
    const card = await t.send('/rebalance min-variance long-short', 'trader');
    const text = plainText(card);
    expect(text.split('\n')[0]).toBe('Rebalance to min-variance long-short · paper');
    const [record] = await t.app.services.actions.pending();
    const legs = record!.plan.legs;
    // Sells first (spot, reduce-only), then the short, then the buy.
    expect(legs.map((l) => [l.market, l.side, l.reduceOnly])).toEqual([
      ['ETH', 'sell', true], ['SOL', 'sell', true], ['SOL-PERP', 'sell', false], ['BTC', 'buy', false],
    ]);
    const short = legs[2]!;
    expect(units(short)).toBeCloseTo(Math.round(((-w.SOL! / gross) * 9000) / 100 * 100) / 100, 9);
    expect(units(legs[1]!)).toBe(30);
    expect(text).toContain(`Opens or increases a perp short: SELL ${units(short)} SOL-PERP (not reduce-only).`);
    // The card's weights are signed, as the target's: the After column is the target within the rounding.
    for (const a of ASSETS) expect(text).toContain(`w ${a} | 33.3% | ${fmtPct(w[a]!, 1)}`);
    expect(text).toContain('Long-short, gross ≤ 150%: w = net exposure / the book\'s; below 0 is a perp short.');

    const res = await t.press(card, 'Confirm', 'trader');
    expect(res.toast).toBe('Executed.');
    expect(t.executor.submissions).toHaveLength(1);
    expect(t.venue.ledger.perps.get('SOL-PERP')?.base).toBe(-BigInt(Math.round(units(short) * 1e9)));
    const now = await signedNow(t);
    for (const a of ASSETS) expect(Math.abs(now[a]! - w[a]!), a).toBeLessThan(0.002);
    // No spot balance went below zero: the short is the perp's.
    const p = await t.app.services.portfolio.refresh();
    for (const x of p.positions) if (x.kind === 'spot') expect(x.valueUsd, x.asset).toBeGreaterThanOrEqual(0n);
    // Landed: the same command now has nothing to trade.
    expect(plainText(await t.send('/rebalance min-variance long-short', 'trader'))).toContain('Nothing to trade.');
  });

  it('a static file may hold shorts with long-short, within the gross cap; gross= widens it', async () => {
    const t = testApp({ portfolio: BOOK, prices: ROUND_PRICES, oracleBaseDir: dir });
    // SOL 1.2, ETH −0.2: gross 140%, inside 150%. G' = G = 9,000 → ETH short 0.2/1.4 × 9,000 = $1,285.71 = 0.6429 ETH-PERP.
    const text = plainText(await t.send('/rebalance static:neg.json long-short', 'trader'));
    expect(text.split('\n')[0]).toBe('Rebalance to static:neg.json long-short · dry run');
    expect(text).toMatch(/SELL \| 0\.64\d* ETH-PERP/);
    expect(text).toContain('Opens or increases a perp short: SELL');
    const wide = plainText(await t.send('/rebalance static:wide.json long-short', 'trader'));
    expect(wide).toContain('static:wide.json long-short: gross exposure Σ|w| is 200.0%, above the 150.0% cap.');
    expect(wide).toContain('Shrink the shorts, or raise the cap: gross=200%.');
    expect(await t.app.services.actions.pending()).toHaveLength(1);
    expect(plainText(await t.send('/rebalance static:wide.json long-short gross=200%', 'trader'))).toContain('ETH-PERP');
  });
});

describe('bad input gives the reason and plans nothing', () => {
  it.each([
    ['/rebalance min-variance long-short gross=50%', 'gross must be at least 100% (weights sum to 100%), got 50.0%.'],
    ['/rebalance risk-parity long-short', 'risk-parity is long-only: a short cannot carry a risk budget.'],
    ['/rebalance equal long-short', 'equal is long-only: its weights are never below 0.'],
    ['/rebalance long-short', 'long-short needs an optimiser or a static: file to make the weights.'],
    ['/rebalance target long-short', 'long-short needs an optimiser or a static: file to make the weights.'],
    ['/rebalance min-variance long-only gross=2', 'gross only applies to long-short.'],
    // The existing rule stands: a static file with a negative weight, without long-short, is refused — and says how.
    ['/rebalance static:neg.json', 'static:neg.json: negative weight ETH -0.2: weights must be ≥ 0 (long-only; shorting is not allowed).\nTo short through perps, add long-short'],
    ['/weights static:neg.json', 'negative weight ETH -0.2: weights must be ≥ 0 (long-only; shorting is not allowed).\nTo short through perps, add long-short'],
    ['/weights min-variance long-short gross=90%', 'gross must be at least 100% (weights sum to 100%), got 90.0%.'],
    ['/target use risk-parity long-short', 'risk-parity is long-only: a short cannot carry a risk budget.'],
    ['/target use min-variance long-short gross=0.5', 'gross must be at least 100% (weights sum to 100%), got 50.0%.'],
    ['/target show book=long-short', 'long-short and gross= go with use.'],
  ])('%s', async (cmd, message) => {
    const t = testApp({ portfolio: BOOK, prices: ROUND_PRICES, oracleBaseDir: dir, mode: 'paper' });
    expect(plainText(await t.send(cmd, 'trader'))).toContain(message);
    expect(await t.app.services.actions.pending()).toEqual([]);
    expect(await t.app.services.alerts.targetWeights()).toBeNull();
    expect(t.executor.submissions).toEqual([]);
  });
});

describe('/target use … long-short and the drift check', () => {
  it('stores signed weights; the drift alert compares net exposure / the book\'s; its Rebalance button shorts; Confirm recovers', async () => {
    const t = testApp({ portfolio: BOOK, prices: ROUND_PRICES, mode: 'paper' });
    const inbox = new Inbox();
    t.app.services.notifications.addNotifier(inbox);
    await t.app.services.notifications.subscribe({ platform: 'telegram', chatId: '1' });
    const w = await minVarianceLongShort(t);
    const r = plainText(await t.send('/target use min-variance long-short', 'trader'));
    expect(r.split('\n')[0]).toBe('Target: min-variance long-short');
    expect(r).toContain('· gross ≤ 150%');
    for (const a of ASSETS) expect(r).toContain(`${a} | 33.3% | ${fmtPct(w[a]!, 1)} | ${fmtSignedPct(1 / 3 - w[a]!, 1)}`);
    expect(r).toContain('Now = the asset\'s net exposure / the book\'s; below 0 is short (a perp).');
    const stored = await t.app.services.alerts.targetWeights();
    expect(stored?.grossCap).toBe(1.5);
    for (const a of ASSETS) expect(stored?.weights[a]).toBeCloseTo(w[a]!, 12);

    // Largest drift: the asset whose target is furthest from 1/3 (SOL's short, or BTC's long).
    const worst = ASSETS.map((a) => Math.abs(1 / 3 - w[a]!)).reduce((m, x) => Math.max(m, x), 0);
    expect((await t.app.services.alerts.checkDrift()).map((e) => e.kind)).toEqual(['raised']);
    await t.app.services.notifications.idle();
    const alert = plainText(inbox.got[0]!);
    expect(alert).toContain(`Rebalance drift ${fmtPct(worst, 1)}`);
    expect(alert).toContain(`SOL 33.3% vs ${fmtPct(w.SOL!, 1)}`);

    const trader = { platform: 'telegram' as const, userId: '9', displayName: 'T', role: 'trader' as const };
    const chat: ChatRef = { platform: 'telegram', chatId: '1' };
    const act = buttonsOf(inbox.got[0]!).find((b) => b.label === 'Rebalance')!;
    const card = (await t.app.dispatcher.handlePress({ actor: trader, chat, data: encodeActionRef(act.action) })).reply!;
    const text = plainText(card);
    expect(text.split('\n')[0]).toBe('Rebalance to target (min-variance long-short) · paper');
    expect(text).toMatch(/\nSELL \| [\d.]+ SOL-PERP \|/);
    expect(text).toContain('Opens or increases a perp short: SELL');
    const confirm = buttonsOf(card).find((b) => b.label === 'Confirm')!;
    expect((await t.app.dispatcher.handlePress({ actor: trader, chat, data: encodeActionRef(confirm.action) })).toast).toBe('Executed.');

    const d = await t.app.services.alerts.drift();
    expect(d!.max).toBeLessThan(0.002);
    expect((await t.app.services.alerts.checkDrift()).map((e) => e.kind)).toEqual(['recovered']);
  });

  it('a book that is not net long has no long-short weights: said, and alerted as far off', async () => {
    // ETH spot $2,000 against a SOL-PERP short of 50 × $100 = $5,000: net −$3,000.
    const t = testApp({ portfolio: { spot: [{ asset: 'USDC', amount: '20000' }, { asset: 'ETH', amount: '1' }], perps: [{ market: 'SOL-PERP', size: '-50', entryPrice: 100 }], lp: [] }, prices: ROUND_PRICES });
    await t.app.services.alerts.setTargetWeights({ ETH: 1.2, SOL: -0.2 }, 'static', 'test', 1.5);
    const r = plainText(await t.send('/target'));
    expect(r).toContain('ETH | — | 120.0% | —');
    expect(r).toContain('The book\'s net exposure is not above 0');
    const events = await t.app.services.alerts.checkDrift();
    expect(events.map((e) => [e.kind, e.observation.title])).toEqual([['raised', 'Rebalance drift: the book is not net long']]);
    // Long-only weights are still refused negative without a gross cap, and a gross cap bounds them.
    await expect(t.app.services.alerts.setTargetWeights({ ETH: 1.2, SOL: -0.2 }, 'x', 'y')).rejects.toThrow('negative weight SOL -0.2');
    await expect(t.app.services.alerts.setTargetWeights({ ETH: 1.2, SOL: -0.2 }, 'x', 'y', 1.2)).rejects.toThrow('gross exposure Σ|w| is 140.0%, above the 120.0% cap.');
  });

  it('/optimize … long-short offers Use as target, which stores those same weights and the cap', async () => {
    const t = testApp({ portfolio: BOOK, prices: ROUND_PRICES });
    const w = await minVarianceLongShort(t);
    const opt = await t.send('/optimize min-variance long-short gross=200%');
    const done = await t.press(opt, 'Use as target', 'trader');
    expect(plainText(done.reply!).split('\n')[0]).toBe('Target: min-variance long-short');
    const stored = await t.app.services.alerts.targetWeights();
    expect(stored?.grossCap).toBe(2);
    const wide = await t.app.services.analytics.optimize('min-variance', { longShort: true, gross: 2 });
    wide.assets.forEach((a, i) => expect(stored?.weights[a]).toBeCloseTo(wide.optimum.weights[i]!, 12));
    // The default cap's weights differ from these only if the 150% cap binds; either way gross is within 200%.
    expect(Object.keys(w).sort()).toEqual(ASSETS);
  });
});

describe('/weights … long-short and /help', () => {
  it('/weights shows signed weights, the gross and the cap', async () => {
    const t = testApp({ portfolio: BOOK, prices: ROUND_PRICES });
    const w = await minVarianceLongShort(t);
    const text = plainText(await t.send('/weights min-variance long-short'));
    expect(text.split('\n')[0]).toBe('Weights: min-variance long-short');
    expect(text).toContain(`SOL | 33.3% | ${fmtPct(w.SOL!, 1)} | ${fmtSignedPct(w.SOL! - 1 / 3, 1)}`);
    expect(text).toContain('Total | 100.0% | 100.0% |');
    expect(text).toContain(`Gross: ${fmtPct(Object.values(w).reduce((s, x) => s + Math.abs(x), 0), 1)} of capital (cap 150%)`);
    expect(text).toContain('Now = the asset\'s net exposure / the book\'s; below 0 is short (a perp).');
  });

  it('/help shows the book and gross arguments', async () => {
    const t = testApp();
    for (const name of ['rebalance', 'weights', 'target']) {
      const text = plainText(await t.send(`/help ${name}`));
      expect(text, name).toMatch(new RegExp(`Usage: /${name} .*\\[book\\] \\[gross\\]`));
      expect(text, name).toContain('one of long-only, long-short');
      expect(text, name).toContain('Gross cap for long-short');
    }
  });
});
