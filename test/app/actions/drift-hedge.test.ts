/**
 * /hedge on an over-levered account: what only reduces a perp is always proposed; the part of a leg that would open
 * the other side is held to the limits from where the reduction leaves the book.
 *
 * Drift: Drift's mainnet fixture swift_failure (long 0.3 BTC-PERP at oracle $104,966.77375, long 20,000 JUP-PERP, a
 * 0.02679895 wBTC deposit, a ~$774 USDC borrow; health 41, free collateral $15.76, high leverage mode) served by the
 * fake RPC, read by the real DriftClient, planned by the app wired like src/root.ts (DriftExecutor watch-only, CSV
 * price history from ../shared). The book's BTC delta is 0.3 + 0.0268 BTC = +$34,303.03; the full hedge sells
 * 0.3268 BTC-PERP: 0.3 closes the long (reduce-only) and 0.0268 opens a short. Leverage (gross / equity, the risk
 * model's) is 18.99x today; after the 0.3 sale it is (2,813 wBTC + 8,333 JUP) / ~2,240 = 4.98x, and the 0.0268 BTC
 * ($2,813) short on top would take it to 6.2x, past the 5x limit: the order is capped at the 0.3 held.
 *
 * Before the fix the planner looked the perp up as "drift:perp:BTC-PERP" while Drift names it
 * "drift:<authority>:0:perp:BTC-PERP": nothing was held as far as it knew, no sale was reduce-only, and the what-if book
 * grew a second (short) BTC perp beside the long, so every candidate raised margin and leverage and it sent 0%.
 *
 * Paper (no shared data): book C = 100 USDC + 1 SOL spot + SOL-PERP long 20 @ $100, SOL $100 → delta +$2,100,
 * equity $200, gross $2,100 → leverage 10.5x. Hedge to $0 = sell 21 SOL-PERP: 20 reduce-only, 1 opens a short.
 * After the 20: gross $100 (the spot) → 0.5x; after all 21: gross $200 → 1.0x. With a 0.9x limit the short does not
 * fit (1.0 > max(0.9, 0.5)), so the order is capped at the 20 held; with 5x it fits and the one order sells 21.
 */
import { PublicKey } from '@solana/web3.js';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../commands/index.ts';
import { applyLegs, bookMetrics, netDeltas } from '../../../src/app/actions/book.ts';
import { planHedge } from '../../../src/app/actions/hedge.ts';
import { buildApp } from '../../../src/app/build.ts';
import { plainText } from '../../../src/core/reply.ts';
import type { Actor, ChatRef } from '../../../src/domain/index.ts';
import { CsvPriceHistory } from '../../../src/prices/csv.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { silentLogger } from '../../../src/shared/logger.ts';
import { memoryRepositories } from '../../../src/storage/memory/index.ts';
import { DriftExecutor } from '../../../src/venues/drift/executor.ts';
import { DriftVenue } from '../../../src/venues/drift/venue.ts';
import { FakeSolanaRpc } from '../../fakes/solana-rpc.ts';
import { describeShared, sharedPath } from '../../helpers/shared-dir.ts';
import { loadFixtureSet, serveFixtureSet } from '../../venues/drift/fixtures.ts';
import { bookOf } from './fixtures.ts';

const T0 = Date.UTC(2026, 11, 7);
const CHAT: ChatRef = { platform: 'console', chatId: 'drift-hedge' };
const TRADER: Actor = { platform: 'console', userId: 'u1', displayName: 'Tess', role: 'trader' };
/** BTC oracle in the fixture, USD (PRICE 1e6: 104966773750). */
const BTC_PRICE = 104_966.77375;
/** wBTC deposited in the fixture account, BTC. */
const WBTC = 0.02679895;

let rpc: FakeSolanaRpc | undefined;
let venue: DriftVenue | undefined;
afterEach(async () => {
  await venue?.close(2_000);
  venue = undefined;
  await rpc?.stop();
  rpc = undefined;
});

/** The app as src/root.ts builds it for a Drift account, over the fake RPC serving swift_failure. */
async function driftApp() {
  rpc = new FakeSolanaRpc();
  await rpc.start();
  const { authority } = await serveFixtureSet(rpc, loadFixtureSet('swift_failure'));
  const clock = new ManualClock(T0);
  const logger = silentLogger();
  venue = await DriftVenue.connect({
    rpcUrl: rpc.url, wsUrl: rpc.wsUrl, env: 'mainnet-beta', authorities: [authority], subAccounts: null, subscription: 'polling', clock, logger,
  });
  const repos = memoryRepositories();
  const app = buildApp({
    commands: COMMANDS, sources: [venue], history: new CsvPriceHistory(sharedPath('data', 'prices')), repos, clock, logger,
    executors: [new DriftExecutor({ venue, signer: null, authority: new PublicKey(authority), subAccountId: 0, logger })],
    runtime: { version: '0.1.0', venueMode: 'live', executionMode: 'dry-run', transport: 'console', startedAt: T0, timeZone: 'UTC', storage: 'memory' },
  });
  return { app, repos };
}

describeShared('/hedge on the over-levered swift_failure Drift account', () => {
  it('proposes the reduce-only BTC-PERP sell of the 0.3 held, says why it stops there, and health improves', async () => {
    const { app, repos } = await driftApp();
    const r = await app.dispatcher.handleCommand({ actor: TRADER, chat: CHAT, name: 'hedge', argv: ['BTC'] });
    const text = plainText(r);
    expect(text).not.toContain('Nothing to trade');
    expect(text).not.toContain('Simulation failed');
    expect(text).toContain('SELL (RO) | 0.3 BTC-PERP');
    expect(text).toContain('BTC-PERP: capped at the 0.3 BTC-PERP held (reduce-only); going short past it would exceed the 5x leverage limit.');

    const [record] = await repos.approvals.list();
    const plan = record!.plan;
    expect(plan.legs).toHaveLength(1);
    const leg = plan.legs[0]!;
    expect(leg).toMatchObject({ venue: 'drift', market: 'BTC-PERP', side: 'sell', reduceOnly: true, size: { decimals: 9 } });
    expect(leg.size.raw).toBeLessThanOrEqual(300_000_000n); // at most the 0.3 BTC held
    expect(leg.size.raw).toBe(300_000_000n); // and all of it: closing the long is what fits
    // Health (the card's, from the risk model) goes up; leverage comes down under the limit.
    expect(plan.after.health!).toBeGreaterThan(plan.before.health!);
    expect(plan.after.leverage!).toBeLessThan(plan.before.leverage!);
    expect(plan.after.leverage!).toBeLessThanOrEqual(5);
    // What is left of the BTC delta is the wBTC deposit: 0.02679895 × $104,966.77 = $2,813.00.
    expect(plan.before.delta!.BTC).toBeCloseTo((0.3 + WBTC) * BTC_PRICE, 1);
    expect(plan.after.delta!.BTC).toBeCloseTo(WBTC * BTC_PRICE, 1);
    const health = /Health \| (\d+)\/100 \| (\d+)\/100/.exec(text);
    expect(health).not.toBeNull();
    expect(Number(health![2])).toBeGreaterThan(Number(health![1]));
  }, 60_000);
});

describe('planHedge on an over-levered paper book', () => {
  const BOOK_C = {
    spot: [{ asset: 'USDC' as const, amount: '100' }, { asset: 'SOL' as const, amount: '1' }],
    perps: [{ market: 'SOL-PERP', size: '20', entryPrice: 100 }],
  };
  const noCross = (): null => null;

  it('caps a leg that crosses zero at the size held when the short past it would break the leverage limit', async () => {
    const b = await bookOf(BOOK_C);
    expect(netDeltas(b.model).SOL).toBeCloseTo(2100, 6);
    expect(bookMetrics(b.model).leverage).toBeCloseTo(10.5, 6);
    const plan = planHedge({ model: b.model, markets: b.markets, asset: 'SOL', target: { kind: 'usd', usd: 0 }, crossHedge: noCross, maxLeverage: 0.9 });
    expect(plan.legs.map((l) => [l.market, l.side, l.size.raw, l.reduceOnly])).toEqual([['SOL-PERP', 'sell', 20_000_000_000n, true]]);
    expect(plan.notes).toContain('SOL-PERP: capped at the 20 SOL-PERP held (reduce-only); going short past it would exceed the 0.9x leverage limit.');
    expect(plan.scale).toBeCloseTo(2000 / 2100, 6);
    const after = applyLegs(b.model, plan.legs, b.markets);
    expect(netDeltas(after).SOL).toBeCloseTo(100, 6); // the spot SOL
    expect(bookMetrics(after).health!).toBeGreaterThan(bookMetrics(b.model).health!);
  });

  it('sends the whole crossing order when the short past zero fits', async () => {
    const b = await bookOf(BOOK_C);
    const plan = planHedge({ model: b.model, markets: b.markets, asset: 'SOL', target: { kind: 'usd', usd: 0 }, crossHedge: noCross, maxLeverage: 5 });
    expect(plan.legs.map((l) => [l.market, l.side, l.size.raw, l.reduceOnly])).toEqual([['SOL-PERP', 'sell', 21_000_000_000n, false]]);
    expect(plan.scale).toBe(1);
    expect(plan.notes.join('\n')).not.toMatch(/capped|Scaled/);
  });

  it('keeps the reduce-only part whole and scales only what opens a position on another market', async () => {
    // + 1 ETH spot ($2,000): equity $2,200, gross $4,100 (1.86x). Hedging both: sell 21 SOL-PERP (20 reduce-only, 1
    // opens) and sell 1 ETH-PERP (opens). After the SOL-PERP close, gross $2,100 → 0.95x; with a 1x limit the opening
    // parts have ~$99 of room (fees aside): the SOL short is capped, and the ETH-PERP short is scaled down to 0.049
    // ETH ($98, on its 0.001 step) — (2,000 + 98) / 4,100 = 51% of the full hedge's delta.
    const b = await bookOf({ ...BOOK_C, spot: [...BOOK_C.spot, { asset: 'ETH' as const, amount: '1' }] });
    const plan = planHedge({ model: b.model, markets: b.markets, target: { kind: 'usd', usd: 0 }, crossHedge: noCross, maxLeverage: 1 });
    const sol = plan.legs.find((l) => l.market === 'SOL-PERP');
    const eth = plan.legs.find((l) => l.market === 'ETH-PERP');
    expect(sol).toMatchObject({ side: 'sell', size: { raw: 20_000_000_000n }, reduceOnly: true });
    expect(eth).toMatchObject({ side: 'sell', size: { raw: 49_000_000n }, reduceOnly: false });
    expect(plan.notes).toContain('SOL-PERP: capped at the 20 SOL-PERP held (reduce-only); going short past it would exceed the 1x leverage limit.');
    expect(plan.notes.join('\n')).toContain('Scaled to 51% of the full hedge');
    expect(plan.scale).toBeCloseTo(2098 / 4100, 6);
    const after = applyLegs(b.model, plan.legs, b.markets);
    expect(bookMetrics(after).leverage!).toBeLessThanOrEqual(1 + 1e-9);
  });
});
