import { describe, expect, it } from 'vitest';
import { aggregatePortfolio, PortfolioService } from '../../src/app/portfolio.ts';
import type { MarginSummary } from '../../src/domain/index.ts';
import type { PositionSource, VenueSnapshot } from '../../src/ports/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { captureLogger } from '../helpers/logger.ts';

const margin = (venue: 'paper' | 'drift', health: number, im: bigint, free: bigint): MarginSummary => ({
  venue, totalCollateralUsd: 0n, maintenanceCollateralUsd: 0n, initialMarginUsd: im, maintenanceMarginUsd: 0n, freeCollateralUsd: free, health, leverage: 1,
});

const snap = (venue: 'paper' | 'drift', valueUsd: bigint, m: MarginSummary | null, asOf: number): VenueSnapshot => ({
  venue, margin: m, asOf, realizedPnlUsd: 5n, prices: { SOL: venue === 'paper' ? 100 : 101 },
  positions: [{
    kind: 'spot', id: `${venue}:spot:SOL`, venue, market: 'SOL', asset: 'SOL', markPrice: 100, valueUsd, exposureUsd: valueUsd,
    amount: { raw: 1n, decimals: 0 }, isCollateral: true, entryPrice: null, unrealizedPnlUsd: null, liquidationPrice: null, weights: null,
  }],
});

describe('aggregatePortfolio', () => {
  it('sums values across venues, takes the worst health and the oldest data time', () => {
    const p = aggregatePortfolio([snap('paper', 100n, margin('paper', 80, 10n, 50n), 2000), snap('drift', 300n, margin('drift', 40, 20n, 5n), 1000)], []);
    expect(p.totalValueUsd).toBe(400n);
    expect(p.health).toBe(40);
    expect(p.marginUsedUsd).toBe(30n);
    expect(p.marginAvailableUsd).toBe(55n);
    expect(p.realizedPnlUsd).toBe(10n);
    expect(p.asOf).toBe(1000);
    expect(p.leverage).toBe(1);
    expect(p.prices.SOL).toBe(101);
  });

  it('is healthy (100) with no margin account and zero-safe when empty', () => {
    const p = aggregatePortfolio([], []);
    expect(p.health).toBe(100);
    expect(p.totalValueUsd).toBe(0n);
    expect(p.leverage).toBe(0);
  });
});

describe('PortfolioService', () => {
  it('keeps the last good data of a failing venue and marks it not ok', async () => {
    let fail = false;
    const src: PositionSource = {
      venue: 'drift', label: 'Drift',
      snapshot: () => (fail ? Promise.reject(new Error('RPC timeout')) : Promise.resolve(snap('drift', 7n, null, 500))),
    };
    const clock = new ManualClock(1500);
    const { logger, records } = captureLogger();
    const svc = new PortfolioService([src], clock, logger);
    expect(svc.dataAgeMs()).toBe(Infinity);
    expect((await svc.refresh()).venues[0]).toEqual({ venue: 'drift', label: 'Drift', ok: true, asOf: 500 });
    fail = true;
    const p = await svc.refresh();
    expect(p.totalValueUsd).toBe(7n);
    expect(p.venues[0]).toEqual({ venue: 'drift', label: 'Drift', ok: false, asOf: 500, error: 'RPC timeout' });
    expect(svc.dataAgeMs()).toBe(1000);
    expect(records.some((r) => r.msg === 'venue snapshot failed')).toBe(true);
  });
});
