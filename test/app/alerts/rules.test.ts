/** The alert rules: each rule on a hand-built portfolio with the numbers of its text checked, and hysteresis. */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_THRESHOLDS, alertKey, evaluateRules, levelWithHysteresis, type LevelOrOk, type Observation, type Tier,
} from '../../../src/app/alerts/index.ts';
import { aggregatePortfolio } from '../../../src/app/portfolio.ts';
import { healthView } from '../../../src/app/views.ts';
import { fmtPrice } from '../../../src/shared/format.ts';
import { ROUND_PRICES, testApp } from '../../helpers/app.ts';
import { book, input, lp, margin, perp, spot, T0, usd, venue } from './fixtures.ts';

function byKey(obs: readonly Observation[]): Map<string, Observation> {
  return new Map(obs.map((o) => [o.key, o]));
}

function get(obs: readonly Observation[], key: string): Observation {
  const o = obs.find((x) => x.key === key);
  if (!o) throw new Error(`no observation ${key} in ${obs.map((x) => x.key).join(', ')}`);
  return o;
}

/** Active bin of price 100 with 1% bins: 1.01^462 ≈ 99.19, 1.01^463 ≈ 100.18 … the range 440–455 is below it. */
const LP_OUT = lp('SOL/USDC', { value: 2_000, mark: 100, lower: 440, upper: 455, active: 462 });

/** A book on which every rule fires. */
function everything(): ReturnType<typeof input> {
  const positions = [
    spot('USDC', { amount: 20_000, mark: 1 }),
    perp('SOL-PERP', 'SOL', { base: 100, mark: 100, liq: 94 }),
    perp('ETH-PERP', 'ETH', { base: -2, mark: 2_000, liq: 2_260 }),
    spot('BTC', { amount: 0.1, mark: 50_000, liq: 40_000 }),
    LP_OUT,
  ];
  return input(book({
    positions, margin: [margin(42)], leverage: 6,
    venues: [venue({ ok: false, error: 'RPC timeout', asOf: T0 - 45_000 })],
  }), {
    var1d: 0.08, drawdown: 0.2, correlationExposure: 0.85, valueWindow: { fromUsd: 100_000, toUsd: 93_000, minutes: 60 },
  });
}

describe('levelWithHysteresis', () => {
  const falling: Tier[] = [
    { level: 'warning', enter: 50, leave: 55 }, { level: 'critical', enter: 25, leave: 30 }, { level: 'emergency', enter: 10, leave: 15 },
  ];
  const cases: [number, LevelOrOk, LevelOrOk][] = [
    [49, 'ok', 'warning'], [50, 'ok', 'ok'], [51, 'ok', 'ok'], [51, 'warning', 'warning'], [54.9, 'warning', 'warning'],
    [55, 'warning', 'warning'], [55.01, 'warning', 'ok'], [24, 'warning', 'critical'], [28, 'critical', 'critical'],
    [30, 'critical', 'critical'], [30.5, 'critical', 'warning'],
    [56, 'critical', 'ok'], [5, 'ok', 'emergency'], [14, 'emergency', 'emergency'], [16, 'emergency', 'critical'],
    [12, 'critical', 'critical'], [NaN, 'warning', 'ok'],
  ];
  it.each(cases)('health %d after %s is %s', (value, previous, expected) => {
    expect(levelWithHysteresis(value, falling, 'falling', previous).level).toBe(expected);
  });

  it('rising tiers enter above the threshold and leave below threshold × (1 − margin)', () => {
    const rising: Tier[] = [{ level: 'warning', enter: 0.05, leave: 0.045 }, { level: 'critical', enter: 0.075, leave: 0.0675 }];
    expect(levelWithHysteresis(0.05, rising, 'rising', 'ok').level).toBe('ok');
    expect(levelWithHysteresis(0.051, rising, 'rising', 'ok').level).toBe('warning');
    expect(levelWithHysteresis(0.046, rising, 'rising', 'warning').level).toBe('warning');
    expect(levelWithHysteresis(0.045, rising, 'rising', 'warning').level).toBe('warning');
    expect(levelWithHysteresis(0.0449, rising, 'rising', 'warning').level).toBe('ok');
    expect(levelWithHysteresis(0.07, rising, 'rising', 'critical').level).toBe('critical');
    expect(levelWithHysteresis(0.07, rising, 'rising', 'warning').level).toBe('warning');
    expect(levelWithHysteresis(Infinity, rising, 'rising', 'ok').level).toBe('critical');
  });
});

describe('evaluateRules: every rule fires on a crafted book', () => {
  const obs = evaluateRules(everything(), DEFAULT_THRESHOLDS, new Map());

  it('health tiers per margin account, with the margin behind it', () => {
    const o = get(obs, 'main:health:paper');
    expect(o).toMatchObject({ rule: 'health', market: 'paper', level: 'warning', value: 42, threshold: 50, action: 'reduce' });
    expect(o.title).toBe('Health warning: 42 on Paper');
    expect(o.detail).toBe('Health 42/100 is below 50 (warning); maintenance margin $5,800.00 against $10,000.00 maintenance collateral, free collateral $8,000.00.');
  });

  it('distance to liquidation per market: price now, liquidation price and distance', () => {
    const sol = get(obs, 'main:liquidation_distance:SOL-PERP');
    expect(sol).toMatchObject({ level: 'critical', threshold: 0.08, action: 'reduce' });
    expect(sol.value).toBeCloseTo(0.06, 12);
    expect(sol.detail).toBe('SOL-PERP: price $100.00 vs liquidation $94.00, 6% away (critical below 8%); a 6% fall of SOL liquidates.');
    const eth = get(obs, 'main:liquidation_distance:ETH-PERP');
    expect(eth).toMatchObject({ level: 'warning', threshold: 0.15 });
    expect(eth.detail).toBe('ETH-PERP: price $2,000.00 vs liquidation $2,260.00, 13% away (warning below 15%); a 13% rise of ETH liquidates.');
    // Collateral with its own liquidation price counts too; 20% away is fine.
    const btc = get(obs, 'main:liquidation_distance:BTC');
    expect(btc.level).toBe('ok');
    expect(btc.detail).toBe('BTC: price $50,000.00 vs liquidation $40,000.00, 20% away; a 20% fall of BTC liquidates.');
    // Cash has no liquidation price to watch.
    expect(obs.some((o) => o.key === 'main:liquidation_distance:USDC')).toBe(false);
  });

  it('VaR over its RiskLimits limit, with the USD amount', () => {
    const o = get(obs, 'main:var:*');
    expect(o).toMatchObject({ level: 'critical', value: 0.08, action: 'hedge' });
    expect(o.threshold).toBeCloseTo(0.075, 12);
    expect(o.detail).toBe('1-day VaR 8% of equity ($2,160.00) is above the 5% limit (critical above 7.5%).');
  });

  it('drawdown and leverage over their limits', () => {
    expect(get(obs, 'main:drawdown:*')).toMatchObject({ level: 'warning', threshold: 0.15, action: 'reduce', detail: 'Drawdown 20% from peak is above the 15% limit.' });
    expect(get(obs, 'main:leverage:*')).toMatchObject({
      level: 'warning', value: 6, threshold: 5, action: 'reduce', detail: 'Leverage 6.00x on $27,000.00 equity is above the 5.00x limit.',
    });
  });

  it('concentration per position: above 25%, of total value when cash leaves gross below it', () => {
    const o = get(obs, 'main:concentration:SOL-PERP');
    expect(o).toMatchObject({ level: 'warning', threshold: 0.25, action: 'rebalance' });
    expect(o.detail).toBe('SOL-PERP is 37.04% of total value ($10,000.00 of $27,000.00), above 25%.');
    expect(get(obs, 'main:concentration:ETH-PERP').level).toBe('ok');
    expect(get(obs, 'main:concentration:BTC').detail).toBe('BTC is 18.52% of total value ($5,000.00 of $27,000.00).');
    expect(obs.some((x) => x.key === 'main:concentration:USDC')).toBe(false);
  });

  it('concentration is the share of gross exposure on a leveraged book, diluted by cash below 1x', () => {
    // Gross 10,000 + 630 = 10,630 > equity 2,000: SOL-PERP 10,000 / 10,630 = 94.07%; the small ETH short 630 / 10,630 =
    // 5.93% is not concentrated (as a share of equity it would have read 31.5%).
    const levered = evaluateRules(input(book({
      positions: [perp('SOL-PERP', 'SOL', { base: 100, mark: 100, liq: null }), perp('ETH-PERP', 'ETH', { base: -0.3, mark: 2100, liq: null }), spot('USDC', { amount: 2000, mark: 1 })],
      totalValueUsd: usd(2000),
    })));
    expect(get(levered, 'main:concentration:SOL-PERP')).toMatchObject({ level: 'warning', detail: 'SOL-PERP is 94.07% of gross exposure ($10,000.00 of $10,630.00), above 25%.' });
    expect(get(levered, 'main:concentration:ETH-PERP')).toMatchObject({ level: 'ok', detail: 'ETH-PERP is 5.93% of gross exposure ($630.00 of $10,630.00).' });
    // Mostly cash: gross 1,000 < equity 11,000, so SOL is 1,000 / 11,000 = 9.09% — not 100% of a one-position book.
    const cash = evaluateRules(input(book({ positions: [spot('USDC', { amount: 10_000, mark: 1 }), spot('SOL', { amount: 10, mark: 100 })] })));
    expect(get(cash, 'main:concentration:SOL')).toMatchObject({ level: 'ok', detail: 'SOL is 9.09% of total value ($1,000.00 of $11,000.00).' });
  });

  it('correlation exposure above 0.7', () => {
    expect(get(obs, 'main:correlation:*')).toMatchObject({
      level: 'warning', value: 0.85, threshold: 0.7,
      detail: 'Exposure-weighted average correlation of the assets held is 0.85, above 0.70: the positions move as one.',
    });
  });

  it('LP out of range per position, with its price range and bins', () => {
    const o = get(obs, 'main:lp_out_of_range:SOL/USDC');
    // Out of range offers Re-center on this very position (lp-rules.test.ts presses it).
    expect(o).toMatchObject({ level: 'warning', value: 7, action: 'recenter', positionId: 'paper:lp:SOL/USDC', title: 'SOL/USDC LP out of range' });
    expect(o.detail).toBe(`SOL/USDC LP: price $100.00 is above its range ${fmtPrice(1.01 ** 440)}–${fmtPrice(1.01 ** 456)} (active bin 462, range 440–455); it earns no fees and holds only USDC.`);
    expect(o.detail).toContain('$79.');
  });

  it('large PnL move in the window', () => {
    const o = get(obs, 'main:pnl_move:*');
    expect(o).toMatchObject({ level: 'warning', threshold: 0.05 });
    expect(o.value).toBeCloseTo(0.07, 12);
    expect(o.detail).toBe('Portfolio value fell 7% in 60 min: $100,000.00 → $93,000.00 (alert at 5%).');
    expect(o.action).toBeUndefined();
  });

  it('stale data and venue errors per venue', () => {
    expect(get(obs, 'main:stale_data:paper')).toMatchObject({
      level: 'warning', value: 45_000, threshold: 30_000,
      detail: 'No fresh prices or positions from Paper for 45s (alert after 30s = 3 × the 10s refresh).',
    });
    expect(get(obs, 'main:venue_error:paper')).toMatchObject({ level: 'warning', detail: 'Paper: RPC timeout; last data 45s old.' });
  });

  it('one observation per key, every key in the `${account}:${rule}:${market}` shape', () => {
    expect(byKey(obs).size).toBe(obs.length);
    for (const o of obs) expect(o.key).toBe(alertKey('main', o.rule, o.market));
    const levels = Object.fromEntries(obs.filter((o) => o.level !== 'ok').map((o) => [o.key, o.level]));
    expect(levels).toEqual({
      'main:health:paper': 'warning', 'main:liquidation_distance:SOL-PERP': 'critical', 'main:liquidation_distance:ETH-PERP': 'warning',
      'main:var:*': 'critical', 'main:drawdown:*': 'warning', 'main:leverage:*': 'warning', 'main:concentration:SOL-PERP': 'warning',
      'main:correlation:*': 'warning', 'main:lp_out_of_range:SOL/USDC': 'warning', 'main:pnl_move:*': 'warning',
      'main:stale_data:paper': 'warning', 'main:venue_error:paper': 'warning',
    });
  });
});

describe('evaluateRules: quiet book, options and edge cases', () => {
  it('a healthy book is ok everywhere and offers no action', () => {
    const obs = evaluateRules(input(book({
      positions: [spot('USDC', { amount: 50_000, mark: 1 }), perp('SOL-PERP', 'SOL', { base: 10, mark: 100, liq: 50 })],
      margin: [margin(90)], leverage: 0.02,
    }), { var1d: 0.01, drawdown: 0.02, correlationExposure: 0.3, valueWindow: { fromUsd: 50_000, toUsd: 50_500, minutes: 60 } }));
    expect(obs.filter((o) => o.level !== 'ok')).toEqual([]);
    expect(obs.every((o) => o.action === undefined)).toBe(true);
    expect(get(obs, 'main:health:paper').detail).toContain('Health 90/100 is at or above 50');
    expect(get(obs, 'main:pnl_move:*').detail).toBe('Portfolio value rose 1% in 60 min: $50,000.00 → $50,500.00.');
  });

  it('unknown measures (null) produce no observation at all', () => {
    const keys = evaluateRules(input(book())).map((o) => o.key);
    for (const rule of ['var', 'drawdown', 'correlation', 'pnl_move']) expect(keys).not.toContain(`main:${rule}:*`);
  });

  it('keys carry the account', () => {
    const obs = evaluateRules(input(book({ margin: [margin(40)] }), { account: 'desk-2' }));
    expect(get(obs, 'desk-2:health:paper').level).toBe('warning');
  });

  it('every number is configurable', () => {
    const th = {
      ...DEFAULT_THRESHOLDS,
      health: { warning: 70, critical: 50, emergency: 45, margin: 2 },
      concentration: { ...DEFAULT_THRESHOLDS.concentration, warning: 0.5 },
      var: { ...DEFAULT_THRESHOLDS.var, critical: null },
      staleData: { warningIntervals: 5, criticalIntervals: 10, recoverIntervals: 2 },
      venueError: { level: 'critical' as const },
    };
    const obs = evaluateRules(everything(), th, new Map());
    expect(get(obs, 'main:health:paper')).toMatchObject({ level: 'emergency', threshold: 45 });
    expect(get(obs, 'main:concentration:SOL-PERP').level).toBe('ok');
    expect(get(obs, 'main:var:*')).toMatchObject({ level: 'warning', threshold: 0.05, detail: '1-day VaR 8% of equity ($2,160.00) is above the 5% limit.' });
    expect(get(obs, 'main:stale_data:paper').level).toBe('ok');
    expect(get(obs, 'main:venue_error:paper').level).toBe('critical');
    const later = evaluateRules({ ...everything(), now: T0 + 60_000 }, th, new Map());
    expect(get(later, 'main:stale_data:paper')).toMatchObject({ level: 'critical', threshold: 100_000 });
  });

  it('limits come from RiskLimits', () => {
    const base = everything();
    const obs = evaluateRules({ ...base, limits: { ...base.limits, maxVar1dPercent: 0.1, maxPortfolioLeverage: 4.5 } });
    expect(get(obs, 'main:var:*').level).toBe('ok');
    expect(get(obs, 'main:leverage:*')).toMatchObject({ level: 'warning', threshold: 4.5 });
    const worse = evaluateRules({ ...base, limits: { ...base.limits, maxPortfolioLeverage: 3.9 } });
    expect(get(worse, 'main:leverage:*')).toMatchObject({ level: 'critical', detail: 'Leverage 6.00x on $27,000.00 equity is above the 3.90x limit (critical above 5.85x).' });
  });

  it('infinite leverage (no equity) is the worst leverage level', () => {
    const obs = evaluateRules(input(book({ positions: [perp('SOL-PERP', 'SOL', { base: 1, mark: 100, liq: null })], totalValueUsd: 0n, leverage: Infinity })));
    expect(get(obs, 'main:leverage:*')).toMatchObject({ level: 'critical', value: Infinity });
    expect(get(obs, 'main:leverage:*').detail).toContain('Leverage ∞');
    // No equity: no concentration share to speak of.
    expect(obs.some((o) => o.rule === 'concentration')).toBe(false);
  });

  it('a position without a liquidation price is ok; spot sharing a perp\'s asset, or outside the margin account, is not watched twice', () => {
    const obs = evaluateRules(input(book({
      positions: [
        perp('SOL-PERP', 'SOL', { base: 10, mark: 100, liq: 90 }), spot('SOL', { amount: 5, mark: 100, liq: 90 }),
        spot('JUP', { amount: 100, mark: 1, liq: 0.99, wallet: true }), perp('BTC-PERP', 'BTC', { base: 0.1, mark: 50_000, liq: null }),
      ],
    })));
    const liq = obs.filter((o) => o.rule === 'liquidation_distance').map((o) => [o.market, o.level]);
    expect(liq).toEqual([['SOL-PERP', 'warning'], ['BTC-PERP', 'ok']]);
    expect(get(obs, 'main:liquidation_distance:BTC-PERP').detail).toBe('BTC-PERP: price $50,000.00, no liquidation price.');
  });

  it('per-market keys: SOL-PERP and ETH-PERP keep their own hysteresis', () => {
    const positions = [perp('SOL-PERP', 'SOL', { base: 10, mark: 100, liq: 84 }), perp('ETH-PERP', 'ETH', { base: 1, mark: 2_000, liq: 1_680 })];
    // Both 16% away; SOL-PERP was in warning (held until 17%), ETH-PERP was not (enters below 15%).
    const prev = new Map<string, LevelOrOk>([['main:liquidation_distance:SOL-PERP', 'warning']]);
    const obs = evaluateRules(input(book({ positions })), DEFAULT_THRESHOLDS, prev);
    expect(get(obs, 'main:liquidation_distance:SOL-PERP').level).toBe('warning');
    expect(get(obs, 'main:liquidation_distance:ETH-PERP').level).toBe('ok');
  });

  it('LP back in range stays out until one bin inside the edge; two LPs in one pool get their own keys', () => {
    const edge = lp('SOL/USDC', { value: 1_000, mark: 100, lower: 440, upper: 455, active: 455 });
    const prevOut = new Map<string, LevelOrOk>([['main:lp_out_of_range:SOL/USDC', 'warning']]);
    expect(get(evaluateRules(input(book({ positions: [edge] })), DEFAULT_THRESHOLDS, prevOut), 'main:lp_out_of_range:SOL/USDC').level).toBe('warning');
    const inside = lp('SOL/USDC', { value: 1_000, mark: 100, lower: 440, upper: 455, active: 454 });
    const back = get(evaluateRules(input(book({ positions: [inside] })), DEFAULT_THRESHOLDS, prevOut), 'main:lp_out_of_range:SOL/USDC');
    expect(back.level).toBe('ok');
    expect(back.detail).toContain('is inside its range');
    const below = lp('SOL/USDC', { id: 'b', value: 1_000, mark: 100, lower: 470, upper: 480, active: 462 });
    const obs = evaluateRules(input(book({ positions: [LP_OUT, below] })));
    expect(get(obs, 'main:lp_out_of_range:paper:lp:SOL/USDC').level).toBe('warning');
    expect(get(obs, 'main:lp_out_of_range:paper:lp:b').detail).toContain('is below its range');
    expect(get(obs, 'main:lp_out_of_range:paper:lp:b').detail).toContain('holds only SOL');
  });

  it('stale data recovers only below the recovery age', () => {
    const at = (age: number, prev: LevelOrOk): LevelOrOk => {
      const obs = evaluateRules(input(book({ venues: [venue({ asOf: T0 - age })] })), DEFAULT_THRESHOLDS, new Map([['main:stale_data:paper', prev]]));
      return get(obs, 'main:stale_data:paper').level;
    };
    expect(at(30_000, 'ok')).toBe('ok');
    expect(at(30_001, 'ok')).toBe('warning');
    expect(at(25_000, 'warning')).toBe('warning');
    expect(at(20_000, 'warning')).toBe('warning');
    expect(at(19_999, 'warning')).toBe('ok');
  });

  it('closes an active per-position alert whose position is gone, but not while data is missing', () => {
    const prev = new Map<string, LevelOrOk>([
      ['main:liquidation_distance:JUP-PERP', 'critical'], ['main:var:*', 'warning'], ['other:health:paper', 'warning'],
      ['main:concentration:WIF', 'ok'],
    ]);
    const obs = evaluateRules(input(book()), DEFAULT_THRESHOLDS, prev);
    expect(get(obs, 'main:liquidation_distance:JUP-PERP')).toMatchObject({ level: 'ok', market: 'JUP-PERP', detail: 'JUP-PERP is no longer in the portfolio; its liquidation distance alert is closed.' });
    // A measure that is merely unknown this time, another account's key and an ok key are left alone.
    expect(obs.map((o) => o.key)).not.toContain('main:var:*');
    expect(obs.map((o) => o.key)).not.toContain('other:health:paper');
    expect(obs.map((o) => o.key)).not.toContain('main:concentration:WIF');
    const down = evaluateRules(input(book({ venues: [venue({ ok: false, error: 'x' })] })), DEFAULT_THRESHOLDS, prev);
    expect(down.map((o) => o.key)).not.toContain('main:liquidation_distance:JUP-PERP');
  });
});

describe('evaluateRules on the paper venue', () => {
  it('liquidation and health figures agree with the /health view', async () => {
    const { venue: paper } = testApp({
      portfolio: { spot: [{ asset: 'USDC', amount: '1500' }], perps: [{ market: 'SOL-PERP', size: '100', entryPrice: 100 }], lp: [] },
      prices: ROUND_PRICES,
    });
    const snap = await paper.snapshot();
    const portfolio = aggregatePortfolio([snap], [{ venue: 'paper', label: paper.label, ok: true, asOf: snap.asOf }]);
    const view = healthView(portfolio);
    const liq = view.liquidations.find((l) => l.market === 'SOL-PERP');
    if (!liq || liq.liquidationPrice === null || liq.distance === null) throw new Error('SOL-PERP has no liquidation price');
    const obs = evaluateRules(input(portfolio, { now: snap.asOf }));
    const o = get(obs, 'main:liquidation_distance:SOL-PERP');
    const d = Math.abs(liq.distance);
    expect(o.value).toBeCloseTo(d, 12);
    const expected = d < 0.04 ? 'emergency' : d < 0.08 ? 'critical' : d < 0.15 ? 'warning' : 'ok';
    expect(o.level).toBe(expected);
    expect(o.detail).toContain(`price ${fmtPrice(liq.mark)} vs liquidation ${fmtPrice(liq.liquidationPrice)}, ${Number((d * 100).toFixed(2))}% away`);
    expect(fmtPrice(liq.mark)).toBe('$100.00');
    const h = get(obs, 'main:health:paper');
    expect(h.value).toBe(portfolio.health);
    expect(h.detail).toContain(`Health ${Number(portfolio.health.toFixed(1))}/100`);
    expect(get(obs, 'main:stale_data:paper').level).toBe('ok');
    // Gross $10,000 is above equity (~$1,500): concentration is the share of gross exposure.
    expect(get(obs, 'main:concentration:SOL-PERP').detail).toContain('SOL-PERP is 100% of gross exposure ($10,000.00 of $10,000.00), above 25%.');
    expect(usd(1)).toBe(1_000_000n);
  });
});
