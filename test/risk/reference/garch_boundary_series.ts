/**
 * Writes garch_boundary_series.json: the daily log returns of eight assets of the risk benchmark's synthetic market
 * (test/bench/risk.bench.ts, synthetic(1000, 365), seed 7) on which fitGarch once stopped short of arch's maximum.
 * Their arch fits are in garch_boundary.json (garch_boundary.py); test/risk/garch.test.ts reads both.
 *
 * The market, the benchmark's own generator (test/bench/synthetic-market.ts):
 *   z ~ N(0, 1) seeded 7, u = ½(1 + tanh z);  factor f_t = √v_t·z, v_{t+1} = 0.0004·0.06 + 0.1 f²_t + 0.84 v_t, v_1 = 0.0004;
 *   per asset: vol 0.03 + 0.05u, loading 0.5 + u, persistence 0.85 + 0.12u, α 0.03 + 0.1u, idio = max(1e-6, vol² − loading²·0.0004),
 *   first close 10 + 90u, then e_t = √h_t·z, h_{t+1} = idio(1 − persistence) + αe²_t + (persistence − α)h_t, h_1 = idio,
 *   close_{t+1} = close_t·exp(loading·f_t + e_t); two more draws (the position's side and size) close each asset.
 * The returns are the benchmark's: log1p(close_{t+1}/close_t − 1), 365 per asset.
 *
 * The assets: 611 (the one the benchmark's GARCH gate failed on: log L 1.2e-3 below its twin's arch fit there, 1.2e-2
 * below arch's best maximum, at α = 0 with α + β → 1) and the seven where arch from more starting points
 * (garch_boundary.py) beat the former fitGarch by 0.01–0.07 (994, 957, 114, 243, 322, 700, 123), all with the maximum
 * on the α = 0 face. Run: node test/risk/reference/garch_boundary_series.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthetic } from '../../bench/synthetic-market.ts';

const ASSETS = [611, 994, 957, 114, 243, 322, 700, 123];
const N = 1000;
const DAYS = 365;
const SEED = 7;

const all = synthetic(N, DAYS, SEED).input.closes;
const series = Object.fromEntries(ASSETS.map((i) => {
  const c = all[i]!;
  return [`bench-${i}`, c.slice(1).map((x, t) => Math.log1p(x / c[t]! - 1))];
}));
writeFileSync(join(import.meta.dirname, 'garch_boundary_series.json'), `${JSON.stringify({
  generator: 'test/risk/reference/garch_boundary_series.ts: synthetic(1000, 365), seed 7, of test/bench/risk.bench.ts; log1p(c_{t+1}/c_t - 1)',
  series,
})}\n`);
