/**
 * The risk benchmark's seeded synthetic market (test/bench/risk.bench.ts), shared with the GARCH regression data it
 * produced (test/risk/reference/garch_boundary_series.ts) so both read the same numbers from one generator.
 */
import normal from '@stdlib/random-base-normal';
import type { LinearInstrument } from '../../src/risk/portfolio-model.ts';
import type { ReportInput } from '../../src/risk/report.ts';

export const CONFIDENCE = 0.99;
export const HORIZON = 1;
export const PATHS = 10_000;
export const MC_SEED = 42;
export const PERIODS_PER_YEAR = 365;

export interface Synthetic {
  readonly input: ReportInput;
  /** USD exposure per asset exactly as the report computes it (units × price). */
  readonly exposures: Float64Array;
}

/** Seeded one-factor market with GARCH(1,1) factor and idiosyncratic shocks; `days` daily returns (days + 1 closes). */
export function synthetic(n: number, days: number, seed = 7): Synthetic {
  const z = normal.factory(0, 1, { seed });
  const u = (): number => 0.5 * (1 + Math.tanh(z()));
  const factor = new Float64Array(days);
  const fVar = 0.0004;
  let v = fVar;
  for (let t = 0; t < days; t++) {
    const e = Math.sqrt(v) * z();
    factor[t] = e;
    v = fVar * 0.06 + 0.1 * e * e + 0.84 * v;
  }
  const assets: string[] = [];
  const closes: number[][] = [];
  const prices: Record<string, number> = {};
  const instruments: LinearInstrument[] = [];
  const exposures = new Float64Array(n);
  let gross = 0;
  for (let i = 0; i < n; i++) {
    const asset = `A${String(i).padStart(4, '0')}`;
    const vol = 0.03 + 0.05 * u();
    const beta = 0.5 + u();
    const persistence = 0.85 + 0.12 * u();
    const alpha = 0.03 + 0.1 * u();
    const idio = Math.max(1e-6, vol * vol - beta * beta * fVar);
    let h = idio;
    const c = new Array<number>(days + 1);
    c[0] = 10 + 90 * u();
    for (let t = 0; t < days; t++) {
      const e = Math.sqrt(h) * z();
      h = idio * (1 - persistence) + alpha * e * e + (persistence - alpha) * h;
      c[t + 1] = c[t]! * Math.exp(beta * factor[t]! + e);
    }
    const usd = (u() < 0.65 ? 1 : -1) * (1000 + 99_000 * u());
    const price = c[days]!;
    assets.push(asset);
    closes.push(c);
    prices[asset] = price;
    const units = usd / price;
    instruments.push({ kind: 'linear', id: `pos-${asset}`, label: asset, asset, units });
    exposures[i] = units * price;
    gross += Math.abs(exposures[i]!);
  }
  return {
    input: {
      instruments, prices, equityUsd: 0.4 * gross, assets, closes, confidence: CONFIDENCE, horizon: HORIZON,
      periodsPerYear: PERIODS_PER_YEAR, monteCarlo: { paths: PATHS, seed: MC_SEED, dist: 'normal' }, benchmarks: [assets[0]!],
    },
    exposures,
  };
}
