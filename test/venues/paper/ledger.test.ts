/**
 * Paper ledger margin math against hand-computed cases (Drift's formulas, worked out on paper in the comments).
 */
import { describe, expect, it } from 'vitest';
import { VenueError } from '../../../src/shared/errors.ts';
import { Ledger, driftHealth } from '../../../src/venues/paper/ledger.ts';
import { PAPER_ASSETS, type PaperAsset } from '../../../src/venues/paper/simulator.ts';

const USD = 1_000_000n;
const SOL = 1_000_000_000n;

function prices(over: Partial<Record<PaperAsset, number>> = {}): Record<PaperAsset, number> {
  const p = Object.fromEntries(PAPER_ASSETS.map((a) => [a, 1])) as Record<PaperAsset, number>;
  return { ...p, SOL: 100, BTC: 50_000, ETH: 2_000, ...over };
}

/** 1000 USDC + 10 SOL deposited, SOL-PERP long 50 @ 100, SOL at 100. */
function book(): Ledger {
  const l = new Ledger(prices());
  l.deposit('USDC', 1000n * USD);
  l.deposit('SOL', 10n * SOL);
  l.openPerpAt('SOL-PERP', 50n * SOL, 100);
  return l;
}

const snapshot = (l: Ledger): string => JSON.stringify({ spot: [...l.spot], perps: [...l.perps], lps: [...l.lps].map(([k, v]) => [k, { ...v, bins: [...v.bins] }]), r: l.realizedPnl }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

describe('paper ledger margin (Drift rules)', () => {
  it('computes collateral, requirements, health, free collateral and leverage', () => {
    const m = book().margin();
    // Initial collateral: 1000 USDC × 1.0 + 10 SOL × $100 × 0.8 = 1800; maintenance: 1000 + 1000 × 0.9 = 1900.
    expect(m.totalCollateral).toBe(1800n * USD);
    expect(m.maintenanceCollateral).toBe(1900n * USD);
    // Perp notional 50 × $100 = 5000; initial 5% = 250, maintenance 3% = 150.
    expect(m.perpNotional).toBe(5000n * USD);
    expect(m.initialRequirement).toBe(250n * USD);
    expect(m.maintenanceRequirement).toBe(150n * USD);
    // Health = 100 × (1 − 150/1900) = 92.105… → 92.
    expect(m.health).toBe(92);
    expect(m.freeCollateral).toBe(1550n * USD);
    // Leverage = (perp notional + borrows) / net value = 5000 / 2000.
    expect(m.leverage).toBe(2.5);
  });

  it('finds the liquidation price where maintenance collateral meets the requirement', () => {
    const l = book();
    // FC = 1900 − 150 = 1750; dFC/dP = 10 × 0.9 (spot) + 50 × (1 − 0.03) (perp) = 57.5; liq = 100 − 1750/57.5.
    const liq = l.liquidationPrice('SOL');
    expect(liq).toBeCloseTo(100 - 1750 / 57.5, 9); // 69.5652173913
    // At that price the account sits on the liquidation boundary: collateral ≈ requirement, health 0.
    l.setPrices(prices({ SOL: liq! }));
    const m = l.margin();
    expect(Number(m.maintenanceCollateral - m.maintenanceRequirement)).toBeLessThan(2); // within 2 µUSD (truncation)
    expect(m.health).toBe(0);
    // A cent above it the account is still alive.
    l.setPrices(prices({ SOL: liq! + 0.01 }));
    expect(l.margin().maintenanceCollateral).toBeGreaterThan(l.margin().maintenanceRequirement);
  });

  it('reports no liquidation price for an asset whose move cannot liquidate', () => {
    const l = book();
    expect(l.liquidationPrice('BTC')).toBeNull(); // no BTC exposure
    // A short's liquidation price is above the mark.
    const s = new Ledger(prices());
    s.deposit('USDC', 1000n * USD);
    s.openPerpAt('ETH-PERP', -2n * SOL, 2000);
    // FC = 1000 − 4000 × 3% = 880; dFC/dP = −2 − 2 × 0.03 = −2.06; liq = 2000 + 880/2.06.
    expect(s.liquidationPrice('ETH')).toBeCloseTo(2000 + 880 / 2.06, 9);
  });

  it('matches Drift health edge cases', () => {
    expect(driftHealth(0n, 0n)).toBe(100);
    expect(driftHealth(0n, 5n)).toBe(100);
    expect(driftHealth(5n, 0n)).toBe(0);
    expect(driftHealth(5n, -1n)).toBe(0);
    expect(driftHealth(10n, 5n)).toBe(0); // requirement above collateral clamps to 0
    expect(driftHealth(1n, 4n)).toBe(75);
  });

  it('counts spot borrows as liabilities at their weight', () => {
    const l = new Ledger(prices());
    l.deposit('SOL', 10n * SOL);
    l.deposit('USDC', -300n * USD); // borrow 300 USDC
    const m = l.margin();
    expect(m.maintenanceCollateral).toBe(900n * USD);
    expect(m.maintenanceRequirement).toBe(300n * USD); // USDC liability weight 1.0
    expect(m.health).toBe(67); // 100 × (1 − 300/900) = 66.7
    expect(m.leverage).toBeCloseTo(300 / 700, 12);
  });
});

describe('paper fills', () => {
  it('fills a perp buy with slippage and the taker fee, exactly', () => {
    const l = book();
    const fill = l.trade({ kind: 'perp', market: 'SOL-PERP', side: 'buy', sizeRaw: 10n * SOL });
    // Notional $1000 → impact 5 bps per $1M × 0.001 = 0.005 bps → price 100 × (1 + 5e-7) = 100.00005.
    expect(fill.priceRaw).toBe(100_000_050_000_000n);
    // Fee 3.5 bps of $1000.0005 = $0.350000175 → 350000 µUSD (truncated).
    expect(fill.feeUsd).toBe(350_000n);
    expect(l.perps.get('SOL-PERP')!.base).toBe(60n * SOL);
    expect(l.spot.get('USDC')!.balance).toBe(1000n * USD - 350_000n);
  });

  it('realises PnL on a reduction and settles it into USDC', () => {
    const l = book();
    l.setPrices(prices({ SOL: 110 }));
    const fill = l.trade({ kind: 'perp', market: 'SOL-PERP', side: 'sell', sizeRaw: 20n * SOL, reduceOnly: true });
    // Sell 20 at 110 × (1 − 5 bps/M × $2200) = 110 × (1 − 1.1e-6) = 109.999879; realised = 20 × 9.999879 = 199.99758.
    expect(fill.realizedPnlUsd).toBe(199_997_580n);
    // Fee = 3.5 bps × $2199.99758 = $0.76999915 → 769999 µUSD.
    expect(fill.feeUsd).toBe(769_999n);
    const p = l.perps.get('SOL-PERP')!;
    expect(p.base).toBe(30n * SOL);
    expect(p.quoteEntry).toBe(-3000n * USD); // remaining 30 keep the $100 entry
    expect(l.spot.get('USDC')!.balance).toBe(1000n * USD + 199_997_580n - 769_999n);
    expect(l.realizedPnl).toBe(199_997_580n);
  });

  it('flips a position through zero', () => {
    const l = book();
    l.trade({ kind: 'perp', market: 'SOL-PERP', side: 'sell', sizeRaw: 60n * SOL });
    const p = l.perps.get('SOL-PERP')!;
    expect(p.base).toBe(-10n * SOL);
    // The new short's entry is the fill price (just under 100).
    expect(Number(-p.quoteEntry) / 1e6 / -10).toBeGreaterThan(99.99);
  });

  it('rejects risk-increasing orders beyond initial margin and leaves the ledger untouched', () => {
    const l = book();
    const before = snapshot(l);
    let err: unknown;
    try {
      l.trade({ kind: 'perp', market: 'SOL-PERP', side: 'buy', sizeRaw: 1000n * SOL });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VenueError);
    expect((err as VenueError).programError).toBe('InsufficientCollateral');
    expect(snapshot(l)).toBe(before);
  });

  it('validates size, step, limit and reduce-only', () => {
    const l = book();
    const before = snapshot(l);
    const code = (f: () => unknown): string | undefined => {
      try { f(); } catch (e) { return (e as VenueError).programError; }
      return undefined;
    };
    expect(code(() => l.trade({ kind: 'perp', market: 'SOL-PERP', side: 'buy', sizeRaw: 1n }))).toBe('OrderAmountTooSmall');
    expect(code(() => l.trade({ kind: 'perp', market: 'SOL-PERP', side: 'buy', sizeRaw: 15_000_000n }))).toBe('OrderNotStepSizeMultiple');
    expect(code(() => l.trade({ kind: 'perp', market: 'SOL-PERP', side: 'buy', sizeRaw: SOL, limitPrice: 99.9 }))).toBe('SlippageOutsideLimit');
    expect(code(() => l.trade({ kind: 'perp', market: 'SOL-PERP', side: 'buy', sizeRaw: SOL, reduceOnly: true }))).toBe('InvalidOrderNotRiskReducing');
    expect(code(() => l.trade({ kind: 'perp', market: 'NOPE-PERP', side: 'buy', sizeRaw: SOL }))).toBe('MarketNotFound');
    expect(code(() => l.trade({ kind: 'spot', market: 'SOL', side: 'sell', sizeRaw: 11n * SOL }))).toBe('InsufficientDeposit');
    expect(snapshot(l)).toBe(before);
  });

  it('swaps spot against USDC with cost basis and realised PnL', () => {
    const l = book();
    l.trade({ kind: 'spot', market: 'SOL', side: 'buy', sizeRaw: 5n * SOL });
    expect(l.spot.get('SOL')!.balance).toBe(15n * SOL);
    l.setPrices(prices({ SOL: 120 }));
    const fill = l.trade({ kind: 'spot', market: 'SOL', side: 'sell', sizeRaw: 15n * SOL });
    // Basis: 10 SOL at $100 (deposit) + 5 SOL at ≈$100.000004 → ≈ $1500; proceeds ≈ 15 × 120 = 1800 → ≈ +$300.
    expect(Number(fill.realizedPnlUsd) / 1e6).toBeCloseTo(300, 1);
    // trade() swaps in the updated state atomically, so state is re-read after it.
    expect(l.spot.get('SOL')!.balance).toBe(0n);
    expect(l.spot.get('SOL')!.costBasis).toBe(0n);
  });
});

describe('paper funding', () => {
  it('longs pay shorts hourly rate × notional', () => {
    const l = book();
    l.accrueFunding(3_600_000);
    // 0.001%/h × $5000 = $0.05.
    expect(l.perps.get('SOL-PERP')!.fundingPnl).toBe(-50_000n);
    expect(l.spot.get('USDC')!.balance).toBe(1000n * USD - 50_000n);
  });
});

describe('paper LP (DLMM bins)', () => {
  it('deposits the stated value across the range and converts base to quote as price rises', () => {
    const l = new Ledger(prices());
    const lp = l.addLp('lp1', 'SOL/USDC', 5000n * USD, 0.1);
    const v0 = l.lpValue(lp);
    expect(Number(v0.value) / 1e6).toBeCloseTo(5000, 0); // within $0.50 of the deposit (per-bin rounding)
    expect(lp.depositedUsd).toBe(v0.value);
    // Above the whole range the position is all quote, below it all base.
    l.setPrices(prices({ SOL: 130 }));
    const up = l.lpValue(lp);
    expect(up.base).toBe(0n);
    expect(up.fees).toBeGreaterThan(0n);
    l.setPrices(prices({ SOL: 70 }));
    const down = l.lpValue(lp);
    expect(down.quote).toBe(0n);
    // Round trip: value back at the start price is below the deposit only by rounding; fees accrued on both crossings.
    l.setPrices(prices({ SOL: 100 }));
    const back = l.lpValue(lp);
    expect(Math.abs(Number(back.value - v0.value)) / 1e6).toBeLessThan(1);
    expect(back.fees).toBeGreaterThan(up.fees);
  });
});

describe('contract sizes', () => {
  it('quotes 1MBONK-PERP per million BONK: entry and PnL in the market’s own price', () => {
    const l = new Ledger(prices({ BONK: 0.00002 }));
    l.deposit('USDC', 1000n * USD);
    // 5 contracts = 5M BONK at $20 per contract (= $0.00002 per BONK); mark is also $20 → PnL 0, notional $100.
    l.openPerpAt('1MBONK-PERP', 5n * SOL, 20);
    const m = l.margin();
    expect(m.perpNotional).toBe(100n * USD);
    expect(m.unrealizedPnl).toBe(0n);
    l.setPrices(prices({ BONK: 0.000022 }));
    expect(l.margin().unrealizedPnl).toBe(10n * USD); // 5M × $0.000002
  });
});
