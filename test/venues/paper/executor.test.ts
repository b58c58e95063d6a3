/**
 * PaperExecutor: the paper venue seen through the TradeExecutor port. Book: 100,000 USDC, 10 SOL, SOL-PERP long 5 @ $100;
 * prices ROUND_PRICES (SOL $100, BTC $50,000, ETH $2,000, the rest $1) on a clock that does not move, so every fill can
 * be worked out by hand: avg price = mark × (1 ± impact), impact bps = impactBpsPerMillion × notional / 1e6, fee =
 * filled notional × feeBps / 1e4, truncated to the micro-USD.
 */
import { describe, expect, it } from 'vitest';
import type { ActionPlan, MarketInfo, PlanLeg } from '../../../src/domain/index.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { PaperExecutor } from '../../../src/venues/paper/executor.ts';
import type { Ledger } from '../../../src/venues/paper/ledger.ts';
import { PERP_SPECS, SPOT_SPECS } from '../../../src/venues/paper/markets.ts';
import type { PaperAsset } from '../../../src/venues/paper/simulator.ts';
import { PaperVenue } from '../../../src/venues/paper/venue.ts';
import { ROUND_PRICES, T0 } from '../../helpers/app.ts';

const SOL = 1_000_000_000n;
const USD = 1_000_000n;

function world() {
  const clock = new ManualClock(T0);
  const venue = new PaperVenue({
    clock, seed: 5, startPrices: ROUND_PRICES, historyDays: 2, historyHours: 2,
    portfolio: { spot: [{ asset: 'USDC', amount: '100000' }, { asset: 'SOL', amount: '10' }], perps: [{ market: 'SOL-PERP', size: '5', entryPrice: 100 }], lp: [] },
  });
  let changes = 0;
  venue.onChange(() => { changes++; });
  const executor = new PaperExecutor(venue);
  return { clock, venue, executor, changes: () => changes };
}

/** Everything the ledger holds, as one comparable string. */
const book = (l: Ledger): string => JSON.stringify(
  { spot: [...l.spot], perps: [...l.perps], lps: [...l.lps].map(([k, v]) => [k, { ...v, bins: [...v.bins] }]), r: l.realizedPnl },
  (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
);

/** A leg with a generous limit unless told otherwise (plans carry estimates the executor ignores). */
function leg(market: string, side: 'buy' | 'sell', raw: bigint, over: Partial<PlanLeg> = {}): PlanLeg {
  const perp = market.endsWith('-PERP');
  const asset = perp ? (PERP_SPECS[market]?.asset ?? market) : market;
  return {
    venue: 'paper', market, kind: perp ? 'perp' : 'spot', asset, side, size: { raw, decimals: perp ? 9 : SPOT_SPECS[market as PaperAsset].decimals },
    refPrice: 0, limitPrice: side === 'buy' ? 1e12 : 1e-12, notionalUsd: 0n, estFeeUsd: 0n, estSlippageUsd: 0n, reduceOnly: false, ...over,
  };
}

function planOf(legs: readonly PlanLeg[], id = 'plan-1'): ActionPlan {
  return {
    id, kind: 'hedge', title: 'test', request: { kind: 'hedge', args: {} }, legs, before: {}, after: {}, notes: [], estimatedFeesUsd: 0n,
    estimatedSlippageUsd: 0n, notionalUsd: 0n, requestedBy: 'console:u1', requestedByName: 'Tess', chat: { platform: 'console', chatId: 't' },
    createdAt: T0, expiresAt: T0 + 60_000, planHash: 'h', mode: 'paper',
  };
}

const noHook = { beforeBroadcast: () => Promise.resolve() };
const SIGNATURE = /^paper[1-9A-HJ-NP-Za-km-z]{83}$/;

describe('PaperExecutor.markets', () => {
  const markets = new PaperExecutor(world().venue).markets();
  const find = (market: string, kind: 'perp' | 'spot'): MarketInfo | undefined => markets.find((m) => m.market === market && m.kind === kind);

  it('lists SOL-PERP with its 0.01 SOL step and minimum, fee, impact and margin ratios', () => {
    expect(find('SOL-PERP', 'perp')).toEqual({
      venue: 'paper', market: 'SOL-PERP', kind: 'perp', asset: 'SOL', baseDecimals: 9, stepRaw: 10_000_000n, minSizeRaw: 10_000_000n,
      contractSize: 1, takerFeeBps: 3.5, impactBpsPerMillion: 5, marginRatios: { initial: 0.05, maintenance: 0.03 },
    });
  });

  it('lists 1MBONK-PERP in contracts of a million BONK', () => {
    expect(find('1MBONK-PERP', 'perp')).toMatchObject({
      asset: 'BONK', contractSize: 1_000_000, baseDecimals: 9, stepRaw: 1_000_000_000n, marginRatios: { initial: 0.1, maintenance: 0.05 },
    });
  });

  it('lists spot SOL against USDC with the mint decimals, a 0.01 SOL minimum and its weights; no USDC market', () => {
    expect(find('SOL', 'spot')).toEqual({
      venue: 'paper', market: 'SOL', kind: 'spot', asset: 'SOL', baseDecimals: 9, stepRaw: 1n, minSizeRaw: 10_000_000n, contractSize: 1,
      takerFeeBps: 5, impactBpsPerMillion: 8,
      spotWeights: { initialAsset: 0.8, maintenanceAsset: 0.9, initialLiability: 1.2, maintenanceLiability: 1.1 },
    });
    expect(find('BONK', 'spot')).toMatchObject({ baseDecimals: 5, minSizeRaw: 100_000_000n, spotWeights: { initialAsset: 0.5, maintenanceLiability: 1.4 } });
    expect(markets.filter((m) => m.asset === 'USDC' || m.market === 'USDC')).toEqual([]);
  });

  it('lists every perp and every non-USDC spot market of markets.ts once, with ratios as fractions of its 1e4 units', () => {
    expect(markets.filter((m) => m.kind === 'perp').map((m) => m.market).sort()).toEqual(Object.keys(PERP_SPECS).sort());
    expect(markets.filter((m) => m.kind === 'spot').map((m) => m.market).sort()).toEqual(Object.keys(SPOT_SPECS).filter((a) => a !== 'USDC').sort());
    for (const m of markets) {
      expect(m.venue).toBe('paper');
      expect(m.minSizeRaw % m.stepRaw).toBe(0n);
      if (m.kind === 'perp') {
        const s = PERP_SPECS[m.market];
        expect(m.marginRatios).toEqual({ initial: Number(s?.initialMarginRatio) / 1e4, maintenance: Number(s?.maintenanceMarginRatio) / 1e4 });
        expect(m.spotWeights).toBeUndefined();
      } else {
        const s = SPOT_SPECS[m.asset as PaperAsset];
        expect(m.spotWeights).toEqual({
          initialAsset: Number(s.initialAssetWeight) / 1e4, maintenanceAsset: Number(s.maintenanceAssetWeight) / 1e4,
          initialLiability: Number(s.initialLiabilityWeight) / 1e4, maintenanceLiability: Number(s.maintenanceLiabilityWeight) / 1e4,
        });
        expect(m.marginRatios).toBeUndefined();
      }
    }
  });
});

describe('PaperExecutor.simulate', () => {
  it('fills at mark ± size-linear impact with the fee on the filled notional, and changes nothing', async () => {
    const w = world();
    // The simulator keeps log prices, so exp(log(p)) is p within float rounding (1e-11 at BTC's size): below a µUSD here.
    expect(w.venue.prices().SOL).toBeCloseTo(100, 9);
    expect(w.venue.prices().BTC).toBeCloseTo(50_000, 9);
    const before = book(w.venue.ledger);
    const btc = leg('BTC-PERP', 'buy', 2n * SOL);
    const sol = leg('SOL', 'sell', SOL);
    const r = await w.executor.simulate(planOf([btc, sol]));
    expect(r.ok).toBe(true);
    expect(r.authoritative).toBe(true);
    expect(r.error).toBeUndefined();
    // BTC-PERP buy 2 @ $50,000: notional $100,000, impact 3 × 100,000 / 1e6 = 0.3 bps → 50,000 × 1.00003 = 50,001.50;
    // fee 3.5 bps of 2 × 50,001.50 = $100,003 → $35.00105.
    const [f1, f2] = r.fills;
    expect(f1?.leg).toBe(btc);
    expect(f1?.filledRaw).toBe(2n * SOL);
    expect(f1?.avgPrice).toBeCloseTo(50_001.5, 9);
    expect(f1?.feeUsd).toBe(35_001_050n);
    // Spot SOL sell 1 @ $100: notional $100, impact 8 × 100 / 1e6 = 0.0008 bps → 100 × (1 − 8e-8) = 99.999992;
    // fee 5 bps of $99.999992 = $0.0499999960 → 49,999 µUSD (truncated).
    expect(f2?.leg).toBe(sol);
    expect(f2?.filledRaw).toBe(SOL);
    expect(f2?.avgPrice).toBeCloseTo(99.999992, 9);
    expect(f2?.feeUsd).toBe(49_999n);
    expect(r.fills).toHaveLength(2);
    expect(book(w.venue.ledger)).toBe(before);
    expect(w.executor.submissions).toEqual([]);
    expect(w.changes()).toBe(0);
  });

  it('prices a perp per contract: 1MBONK-PERP trades a million BONK', async () => {
    const w = world();
    w.venue.setPrices({ BONK: 0.00002 });
    // 1 contract = 1,000,000 BONK × $0.00002 = $20; impact 30 × 20 / 1e6 = 0.0006 bps → 20 × 1.00000006 = 20.0000012.
    const r = await w.executor.simulate(planOf([leg('1MBONK-PERP', 'buy', SOL)]));
    expect(r.ok).toBe(true);
    expect(r.fills[0]?.avgPrice).toBeCloseTo(20.0000012, 12);
    // Fee 3.5 bps of $20.0000012 = $0.00700000042 → 7,000 µUSD.
    expect(r.fills[0]?.feeUsd).toBe(7_000n);
  });

  it('ignores legs for other venues', async () => {
    const w = world();
    const r = await w.executor.simulate(planOf([leg('SOL-PERP', 'sell', SOL, { venue: 'drift' }), leg('SOL-PERP', 'sell', 2n * SOL)]));
    expect(r.ok).toBe(true);
    expect(r.fills.map((f) => f.filledRaw)).toEqual([2n * SOL]);
  });

  it.each([
    ['OrderNotStepSizeMultiple', leg('SOL-PERP', 'buy', 15_000_000n), 'OrderNotStepSizeMultiple: order size is not a multiple of the step'],
    ['OrderAmountTooSmall (perp)', leg('SOL-PERP', 'buy', 5_000_000n), 'OrderAmountTooSmall: order is below the minimum size'],
    ['OrderAmountTooSmall (spot)', leg('SOL', 'buy', 9_999_999n), 'OrderAmountTooSmall: order is below the minimum size'],
    // 100 BTC-PERP = $5M notional needs $250k of initial margin; the book has ≈ $100.8k.
    ['InsufficientCollateral', leg('BTC-PERP', 'buy', 100n * SOL), 'InsufficientCollateral: not enough free collateral for this order'],
    // Buying with a limit below the mark: the fill (≥ mark) is on the wrong side of it.
    ['SlippageOutsideLimit (buy)', leg('SOL-PERP', 'buy', SOL, { limitPrice: 99.99 }), 'SlippageOutsideLimit: fill price would be beyond the limit 99.99'],
    ['SlippageOutsideLimit (sell)', leg('SOL', 'sell', SOL, { limitPrice: 100.01 }), 'SlippageOutsideLimit: fill price would be beyond the limit 100.01'],
    // The SOL-PERP position is long: a reduce-only buy would grow it, a reduce-only sell of 6 would flip it.
    ['InvalidOrderNotRiskReducing (grow)', leg('SOL-PERP', 'buy', SOL, { reduceOnly: true }), 'InvalidOrderNotRiskReducing: reduce-only order would increase or flip the position'],
    ['InvalidOrderNotRiskReducing (flip)', leg('SOL-PERP', 'sell', 6n * SOL, { reduceOnly: true }), 'InvalidOrderNotRiskReducing: reduce-only order would increase or flip the position'],
  ])('fails with the decoded program error: %s', async (_name, bad, error) => {
    const w = world();
    const before = book(w.venue.ledger);
    const r = await w.executor.simulate(planOf([bad]));
    expect(r).toEqual({ ok: false, authoritative: true, error, fills: [] });
    expect(book(w.venue.ledger)).toBe(before);
  });

  it('a reduce-only sell within the position passes, even when it alone is all there is', async () => {
    const w = world();
    const r = await w.executor.simulate(planOf([leg('SOL-PERP', 'sell', 5n * SOL, { reduceOnly: true })]));
    expect(r.ok).toBe(true);
    expect(r.fills[0]?.filledRaw).toBe(5n * SOL);
  });

  it('runs legs in order on one copy: a later leg sees the earlier ones, and one failing leg fails the plan with no fills', async () => {
    const w = world();
    // Selling 5 then reduce-only selling 1 more: after the first leg the position is flat, so the second is refused.
    const r = await w.executor.simulate(planOf([leg('SOL-PERP', 'sell', 5n * SOL), leg('SOL-PERP', 'sell', SOL, { reduceOnly: true })]));
    expect(r).toEqual({ ok: false, authoritative: true, error: 'InvalidOrderNotRiskReducing: reduce-only order would increase or flip the position', fills: [] });
    // Selling 11 spot SOL of 10 fails only because of the first leg's 2.
    const spot = await w.executor.simulate(planOf([leg('SOL', 'sell', 2n * SOL), leg('SOL', 'sell', 9n * SOL)]));
    expect(spot.ok).toBe(false);
    expect(spot.error).toMatch(/^InsufficientDeposit: /);
  });

  it('simulates at the prices of the moment (catches up with the clock first)', async () => {
    const w = world();
    w.venue.setPrices({ SOL: 120 });
    const r = await w.executor.simulate(planOf([leg('SOL-PERP', 'sell', SOL)]));
    // $120 notional, impact 5 × 120 / 1e6 = 0.0006 bps.
    expect(r.fills[0]?.avgPrice).toBeCloseTo(120 * (1 - 0.0006 / 10_000), 9);
  });
});

describe('PaperExecutor.execute', () => {
  it('persists the signature first, then fills every leg as simulated, records the submission and notifies once', async () => {
    const w = world();
    const plan = planOf([leg('BTC-PERP', 'buy', 2n * SOL), leg('SOL', 'sell', SOL)]);
    const simulated = await w.executor.simulate(plan);
    const seen: string[][] = [];
    const r = await w.executor.execute(plan, {
      beforeBroadcast: async (sigs) => {
        // Nothing has moved yet when the hook runs.
        expect(w.venue.ledger.perps.get('BTC-PERP')).toBeUndefined();
        await Promise.resolve();
        seen.push([...sigs]);
      },
    });
    expect(r.ok).toBe(true);
    expect(r.error).toBeUndefined();
    expect(seen).toEqual([r.signatures]);
    expect(r.signatures).toHaveLength(1);
    expect(r.fills).toEqual(simulated.fills);
    expect(w.venue.ledger.perps.get('BTC-PERP')?.base).toBe(2n * SOL);
    expect(w.venue.ledger.spot.get('SOL')?.balance).toBe(9n * SOL);
    // USDC: −35.00105 (BTC fee) + 99.999992 − 0.049999 (SOL sale) = 100,064.949893.
    expect(w.venue.ledger.spot.get('USDC')?.balance).toBe(100_000n * USD - 35_001_050n + 99_999_992n - 49_999n);
    expect(w.executor.submissions).toEqual([{ signature: r.signatures[0], planId: 'plan-1', at: T0, ok: true }]);
    expect(w.changes()).toBe(1);
    expect(await w.executor.signatureStatus(r.signatures)).toEqual(['confirmed']);
  });

  it('is all-or-nothing across legs: a failing second leg leaves the first unapplied; the failure is recorded', async () => {
    const w = world();
    const before = book(w.venue.ledger);
    const plan = planOf([leg('SOL-PERP', 'buy', SOL), leg('BTC-PERP', 'buy', 150_000n)], 'plan-bad');
    const persisted: string[] = [];
    const r = await w.executor.execute(plan, { beforeBroadcast: (sigs) => { persisted.push(...sigs); return Promise.resolve(); } });
    const error = 'OrderNotStepSizeMultiple: order size is not a multiple of the step';
    expect(r).toEqual({ ok: false, signatures: persisted, fills: [], error });
    expect(book(w.venue.ledger)).toBe(before);
    expect(w.venue.ledger.perps.get('SOL-PERP')?.base).toBe(5n * SOL);
    expect(w.executor.submissions).toEqual([{ signature: persisted[0], planId: 'plan-bad', at: T0, ok: false, error }]);
    expect(w.changes()).toBe(0);
    expect(await w.executor.signatureStatus(persisted)).toEqual(['failed']);
  });

  it('sends nothing when beforeBroadcast throws: no submission, no status, the ledger unchanged', async () => {
    const w = world();
    const before = book(w.venue.ledger);
    const plan = planOf([leg('SOL-PERP', 'buy', SOL)]);
    let offered: readonly string[] = [];
    await expect(w.executor.execute(plan, {
      beforeBroadcast: (sigs) => { offered = sigs; return Promise.reject(new Error('disk full')); },
    })).rejects.toThrow('disk full');
    expect(offered).toHaveLength(1);
    expect(book(w.venue.ledger)).toBe(before);
    expect(w.executor.submissions).toEqual([]);
    expect(w.changes()).toBe(0);
    // Reconciliation: a signature that was never sent never landed.
    expect(await w.executor.signatureStatus(offered)).toEqual(['failed']);
    // The venue still works.
    expect((await w.executor.execute(plan, noHook)).ok).toBe(true);
    expect(w.venue.ledger.perps.get('SOL-PERP')?.base).toBe(6n * SOL);
  });

  it('fills at the prices of the moment it is sent, not those the plan saw', async () => {
    const w = world();
    const plan = planOf([leg('SOL-PERP', 'sell', SOL, { refPrice: 100, limitPrice: 99.5 })]);
    w.venue.setPrices({ SOL: 99 });
    const r = await w.executor.execute(plan, noHook);
    expect(r.ok).toBe(false);
    expect(r.error).toBe('SlippageOutsideLimit: fill price would be beyond the limit 99.5');
    expect(w.venue.ledger.perps.get('SOL-PERP')?.base).toBe(5n * SOL);
  });
});

describe('PaperExecutor signatures', () => {
  it('are paper-prefixed, 88 base58 characters, different every time', async () => {
    const w = world();
    const sigs: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await w.executor.execute(planOf([leg('SOL-PERP', i % 2 === 0 ? 'buy' : 'sell', SOL)], `p${i}`), noHook);
      sigs.push(...r.signatures);
    }
    for (const s of sigs) {
      expect(s).toMatch(SIGNATURE);
      expect(s).toHaveLength(88);
    }
    expect(new Set(sigs).size).toBe(20);
    expect(w.executor.submissions.map((s) => s.planId)).toEqual(Array.from({ length: 20 }, (_, i) => `p${i}`));
  });

  it('status: executed → confirmed, failed → failed, never seen → failed (it cannot have landed), in the order asked', async () => {
    const w = world();
    const good = (await w.executor.execute(planOf([leg('SOL-PERP', 'buy', SOL)]), noHook)).signatures[0] ?? '';
    const bad = (await w.executor.execute(planOf([leg('SOL-PERP', 'buy', 1n)]), noHook)).signatures[0] ?? '';
    const unknown = `paper${'1'.repeat(83)}`;
    expect(await w.executor.signatureStatus([unknown, good, bad, good])).toEqual(['failed', 'confirmed', 'failed', 'confirmed']);
    expect(await w.executor.signatureStatus([])).toEqual([]);
    // Another executor over the same venue never received them.
    expect(await new PaperExecutor(w.venue).signatureStatus([good])).toEqual(['failed']);
  });
});
