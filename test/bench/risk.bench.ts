/**
 * `npm run bench`: the full risk report (src/risk/report.ts — historical, parametric, Monte Carlo 10,000 paths,
 * correlation, tail contributions, vol/EWMA/GARCH per asset) over 10, 100 and 1,000 positions × 365 and 1,095 days,
 * against a numpy/scipy twin (test/bench/reference/risk_report.py) run in the same benchmark on the same data.
 *
 * Data: seeded synthetic closes from a one-factor model with GARCH(1,1) shocks (assets correlated through the factor,
 * daily vol 3–8%, prices the cumulative product of e^r), one linear position per asset with mixed-sign exposures,
 * equity 40% of gross. The same closes and exposures are written to a temp dir as float64 for python3.
 *
 * Printed: one table (N, D, JS median ms, numpy median ms, JS/numpy, numpy with its naive full Monte Carlo), the
 * JS breakdown by part (timed separately from the same library calls the report makes), and an agreement check of
 * the JS report against numpy's numbers on the same data (PASS/FAIL). Medians of several runs; nothing here asserts
 * a speed, but a failed agreement fails the benchmark, since a ratio of two different computations means nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { correlationFromCovariance } from '../../src/risk/correlation.ts';
import { covarianceMatrix } from '../../src/risk/covariance.ts';
import { historicalESSorted, parametricES } from '../../src/risk/es.ts';
import { fitGarch, garchForecast } from '../../src/risk/garch.ts';
import { monteCarloPortfolio } from '../../src/risk/montecarlo.ts';
import { riskReport, type RiskReport } from '../../src/risk/report.ts';
import { historicalVaRSorted, parametricVaR } from '../../src/risk/var.ts';
import { annualizedVolatility, ewmaVolatility } from '../../src/risk/volatility.ts';
import { CONFIDENCE, HORIZON, MC_SEED, PATHS, PERIODS_PER_YEAR, synthetic, type Synthetic } from './synthetic-market.ts';

const PYTHON_SCRIPT = join(import.meta.dirname, 'reference', 'risk_report.py');

/** [positions, days of history, JS runs, numpy runs]: fewer runs where one report takes seconds. */
const SIZES: readonly (readonly [number, number, number, number])[] = [
  [10, 365, 15, 7], [10, 1095, 15, 7], [100, 365, 9, 5], [100, 1095, 9, 5], [1000, 365, 5, 3], [1000, 1095, 3, 3],
];


function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Overlapping h-day simple returns (as report.ts). */
function horizonReturns(c: readonly number[], h: number): Float64Array {
  const out = new Float64Array(c.length - h);
  for (let d = 0; d < out.length; d++) out[d] = c[d + h]! / c[d]! - 1;
  return out;
}

function bookPnl(exposures: Float64Array, r: readonly Float64Array[], scenarios: number): Float64Array {
  const pnl = new Float64Array(scenarios);
  for (let k = 0; k < exposures.length; k++) {
    const e = exposures[k]!;
    const rk = r[k]!;
    for (let s = 0; s < scenarios; s++) pnl[s] = pnl[s]! + e * rk[s]!;
  }
  return pnl;
}

function varEs(pnl: Float64Array, equity: number): { var: number; es: number } {
  const x = Float64Array.from(pnl, (p) => p / equity).sort();
  return { var: historicalVaRSorted(x, CONFIDENCE), es: historicalESSorted(x, CONFIDENCE) };
}

type Part = 'historical' | 'parametric' | 'monteCarlo' | 'correlation' | 'contributions' | 'perAsset';
const PARTS: readonly Part[] = ['historical', 'parametric', 'monteCarlo', 'correlation', 'contributions', 'perAsset'];

/**
 * The report's parts timed one by one, with the library calls report.ts makes (historical and contributions are its
 * loops, restated here because they are internal to it). `perAsset` is vol + EWMA + GARCH fit and forecast.
 */
function timeParts(s: Synthetic): Record<Part, number> {
  const { closes, equityUsd } = s.input;
  const n = closes.length;
  const days = closes[0]!.length - 1;
  const t: Partial<Record<Part, number>> = {};
  let t0 = performance.now();
  const daily = closes.map((c) => horizonReturns(c, 1));
  varEs(bookPnl(s.exposures, daily, days), equityUsd);
  const week = closes.map((c) => horizonReturns(c, 7));
  varEs(bookPnl(s.exposures, week, days - 6), equityUsd);
  t.historical = performance.now() - t0;
  t0 = performance.now();
  const dailyArrays = daily.map((r) => Array.from(r));
  const cov = covarianceMatrix(dailyArrays);
  let variance = 0;
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < n; j++) acc += cov[i]![j]! * s.exposures[j]!;
    variance += s.exposures[i]! * acc;
  }
  const sd = Math.sqrt(variance) / equityUsd;
  parametricVaR({ mean: 0, sd }, CONFIDENCE, HORIZON);
  parametricES({ mean: 0, sd }, CONFIDENCE, HORIZON);
  t.parametric = performance.now() - t0;
  t0 = performance.now();
  const mc = monteCarloPortfolio({ mean: new Array<number>(n).fill(0), cov, paths: PATHS, horizon: HORIZON, seed: MC_SEED }, Array.from(s.exposures));
  varEs(mc.linearPnl, equityUsd);
  t.monteCarlo = performance.now() - t0;
  t0 = performance.now();
  correlationFromCovariance(cov.map((row) => row.slice()));
  t.correlation = performance.now() - t0;
  t0 = performance.now();
  const pnl = bookPnl(s.exposures, daily, days);
  const cutoff = -historicalVaRSorted(Float64Array.from(pnl).sort(), CONFIDENCE);
  const tail: number[] = [];
  for (let d = 0; d < days; d++) if (pnl[d]! <= cutoff) tail.push(d);
  for (let k = 0; k < n; k++) {
    let sum = 0;
    for (const d of tail) sum += s.exposures[k]! * daily[k]![d]!;
    if (!Number.isFinite(sum)) throw new Error('contribution');
  }
  t.contributions = performance.now() - t0;
  t0 = performance.now();
  for (const r of dailyArrays) {
    annualizedVolatility(r, PERIODS_PER_YEAR);
    ewmaVolatility(r);
    const logs = r.map((x) => Math.log1p(x));
    const fit = fitGarch(logs);
    garchForecast(fit, logs.at(-1)!, fit.conditionalVariance.at(-1)!, 1);
  }
  t.perAsset = performance.now() - t0;
  return t as Record<Part, number>;
}

interface NumpyTimings extends Record<Part, number> {
  readonly total: number;
  readonly monteCarloNaive: number;
}

interface NumpyResults {
  readonly historical: { var: number; es: number };
  readonly var1d: { var: number; es: number };
  readonly var7d: { var: number; es: number };
  readonly parametric: { var: number; es: number };
  readonly monteCarlo: { var: number; es: number };
  readonly monteCarloNaive: { var: number; es: number };
  readonly volAnnual: number;
  readonly maxDrawdown: number;
  readonly beta: number;
  readonly contributions: number[];
  /** vol, EWMA and GARCH one-step vol annualised (√365); GARCH μ, ω (fraction, fraction² per day) and log L of log returns. */
  readonly perAsset: { vol: number; ewma: number; mu: number; omega: number; alpha: number; beta: number; ll: number; garchVol: number }[];
}

/** Writes the data, runs the numpy twin, returns its timings, results and correlation matrix (null without python). */
function runNumpy(s: Synthetic, reps: number): { timings: NumpyTimings; results: NumpyResults; correlation: Float64Array } | { error: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-risk-bench-'));
  try {
    const { closes } = s.input;
    const n = closes.length;
    const days = closes[0]!.length - 1;
    const flat = new Float64Array(n * (days + 1));
    closes.forEach((c, i) => flat.set(c, i * (days + 1)));
    writeFileSync(join(dir, 'closes.f64'), new Uint8Array(flat.buffer));
    writeFileSync(join(dir, 'exposures.f64'), new Uint8Array(s.exposures.buffer.slice(0)));
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({
      n, days, confidence: CONFIDENCE, horizon: HORIZON, periodsPerYear: PERIODS_PER_YEAR, paths: PATHS, seed: MC_SEED,
      equity: s.input.equityUsd, reps,
    }));
    const out = execFileSync('python3', [PYTHON_SCRIPT, dir], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const timings = JSON.parse(out.trim().split('\n').at(-1)!) as NumpyTimings;
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as NumpyResults;
    const bytes = readFileSync(join(dir, 'correlation.f64'));
    const correlation = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    return { timings, results, correlation };
  } catch (err) {
    // The last line python wrote to stderr says why (e.g. arch not installed), else the first line of the error.
    const raw = (err as { stderr?: string | Buffer }).stderr;
    const stderr = raw === undefined ? '' : raw.toString().trim().split('\n').at(-1);
    return { error: stderr || (err instanceof Error ? err.message.split('\n')[0]! : String(err)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Relative difference, against max(|b|, floor). */
function rel(a: number, b: number, floor = 1e-300): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), floor);
}

interface Check {
  readonly pass: boolean;
  readonly lines: string[];
}

/**
 * The JS report against numpy on the same data: historical, parametric, contributions, vol and EWMA to 1e-9
 * relative; correlation to 1e-12 absolute; GARCH (arch's own fit in the twin): Vigil's log-likelihood at least arch's
 * − 1e-3 and, where both reach the same maximum, one-step vol within 1e-3 relative per asset; Monte Carlo (different
 * generators) within 4 standard errors of each other. SE of a 99% quantile from m paths ≈ σ·√(p(1−p)/m)/φ(z) — 1.6%
 * of VaR at 10,000 paths — and about the same for ES, so two independent runs may differ by ~9% (4·√2·1.6%).
 */
function agreement(r: RiskReport, s: Synthetic, np: NumpyResults, corr: Float64Array): Check {
  const lines: string[] = [];
  let pass = true;
  const need = (label: string, value: number, limit: number, unit = 'rel'): void => {
    const ok = value <= limit;
    pass &&= ok;
    lines.push(`${ok ? 'ok  ' : 'FAIL'} ${label}: max ${unit} diff ${value.toExponential(2)} (limit ${limit.toExponential(0)})`);
  };
  const ve = (a: { var: number; es: number }, b: { var: number; es: number }): number => Math.max(rel(a.var, b.var), rel(a.es, b.es));
  need('historical VaR/ES (h, 1d, 7d)', Math.max(ve(r.historical, np.historical), ve(r.var1d, np.var1d), ve(r.var7d, np.var7d)), 1e-9);
  need('parametric VaR/ES', ve(r.parametric, np.parametric), 1e-9);
  need('backtest vol, max drawdown, beta', Math.max(rel(r.volAnnual, np.volAnnual), rel(r.maxDrawdown, np.maxDrawdown), rel(r.betas[s.input.assets[0]!]!, np.beta)), 1e-9);
  const n = r.correlation.matrix.length;
  let corrDiff = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) corrDiff = Math.max(corrDiff, Math.abs(r.correlation.matrix[i]![j]! - corr[i * n + j]!));
  need('correlation matrix', corrDiff, 1e-12, 'abs');
  const scale = r.contributions.reduce((m, c) => Math.max(m, Math.abs(c.esUsd)), 0);
  need('ES contributions (rel. to the largest)', r.contributions.reduce((m, c, i) => Math.max(m, Math.abs(c.esUsd - np.contributions[i]!) / scale), 0), 1e-9);
  need('vol per asset', r.perAsset.reduce((m, a, i) => Math.max(m, rel(a.volAnnual, np.perAsset[i]!.vol)), 0), 1e-9);
  // EWMA is the same closed recursion on both sides (arch's backcast seed, λ = 0.94): to rounding, like vol.
  need('EWMA vol per asset', r.perAsset.reduce((m, a, i) => Math.max(m, rel(a.ewmaVolAnnual, np.perAsset[i]!.ewma)), 0), 1e-9);
  // GARCH: both maximise arch's likelihood (same μ, backcast and recursion), so only the optimisers differ — garch.ts's
  // projected Newton against arch's SLSQP (ftol 1e-12, best of 3 starts, see risk_report.py). Neither finds the global
  // maximum of every flat likelihood, so: gated, Vigil's log L may not fall short of arch's by more than 1e-3 (about
  // 1e-6 of |log L|); where the two reach the same maximum (|Δ log L| ≤ 1e-3) the one-step vol must agree within 1e-3
  // relative; series where arch stops short (Vigil's log L higher) are counted, not gated.
  const fits = r.perAsset.map((a, i) => {
    const fit = fitGarch(s.input.closes[i]!.slice(1).map((c, t) => Math.log1p(c / s.input.closes[i]![t]! - 1)));
    return { dll: fit.logLikelihood - np.perAsset[i]!.ll, vol: rel(a.garchVolAnnual ?? Number.NaN, np.perAsset[i]!.garchVol) };
  });
  const worst = (xs: number[]): number => xs.reduce((m, x) => (Number.isNaN(x) ? Number.POSITIVE_INFINITY : Math.max(m, x)), 0);
  need('GARCH log-likelihood per asset, arch minus Vigil', worst(fits.map((x) => -x.dll)), 1e-3, 'abs');
  const same = fits.filter((x) => Math.abs(x.dll) <= 1e-3);
  const volDiff = same.map((x) => x.vol).sort((a, b) => a - b);
  need(`GARCH one-step vol per asset vs arch, same maximum (${same.length}/${fits.length}; median ${median(volDiff).toExponential(1)})`, worst(volDiff), 1e-3);
  const archShort = fits.filter((x) => x.dll > 1e-3).map((x) => x.dll);
  lines.push(`info GARCH: arch stopped short of Vigil's maximum on ${archShort.length}/${fits.length} series${archShort.length ? ` (log L up to ${Math.max(...archShort).toExponential(1)} lower)` : ''}`);
  const se = 0.016;
  need('Monte Carlo VaR/ES vs numpy (independent draws)', ve(r.monteCarlo, np.monteCarlo) / (se * Math.SQRT2), 4, 'SE');
  need('Monte Carlo VaR/ES vs parametric (its limit)', ve(r.monteCarlo, r.parametric) / se, 4, 'SE');
  need('numpy: folded vs naive Monte Carlo (same draws)', ve(np.monteCarlo, np.monteCarloNaive), 1e-9);
  return { pass, lines };
}

interface Row {
  readonly n: number;
  readonly days: number;
  readonly js: number;
  /** riskReport with garch: false and no per-asset vol/EWMA (JS total minus the perAsset part). */
  readonly jsNoGarch: number;
  readonly parts: Record<Part, number>;
  readonly numpy?: NumpyTimings;
  readonly numpyError?: string;
  readonly check?: Check;
}

const rows: Row[] = [];

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

afterAll(() => {
  const out: string[] = [''];
  out.push('Full risk report: median ms (JS = riskReport; numpy = test/bench/reference/risk_report.py on the same data)');
  out.push('    N     D │   JS ms  numpy ms  JS/numpy │ numpy, naive MC  JS/that │ without vol/EWMA/GARCH: JS  numpy  JS/numpy │ JS parts: hist  param     MC   corr  contrib  vol+EWMA+GARCH');
  for (const r of rows) {
    const np = r.numpy;
    const naive = np ? np.total - np.monteCarlo + np.monteCarloNaive : Number.NaN;
    const p = r.parts;
    out.push(
      `${String(r.n).padStart(5)} ${String(r.days).padStart(5)} │ ${fmt(r.js).padStart(7)} ${np ? fmt(np.total).padStart(9) : '        –'} ${np ? (r.js / np.total).toFixed(2).padStart(9) : '        –'} │ `
      + `${np ? fmt(naive).padStart(15) : '              –'} ${np ? (r.js / naive).toFixed(2).padStart(8) : '       –'} │ `
      + `${fmt(r.jsNoGarch).padStart(26)} ${np ? fmt(np.total - np.perAsset).padStart(6) : '     –'} ${np ? (r.jsNoGarch / (np.total - np.perAsset)).toFixed(2).padStart(9) : '        –'} │ `
      + `${' '.repeat(10)}${fmt(p.historical).padStart(5)} ${fmt(p.parametric).padStart(6)} ${fmt(p.monteCarlo).padStart(6)} ${fmt(p.correlation).padStart(6)} ${fmt(p.contributions).padStart(8)} ${fmt(p.perAsset).padStart(15)}`,
    );
  }
  const withNumpy = rows.filter((r) => r.numpy);
  if (withNumpy.length > 0) {
    out.push('numpy parts (ms):');
    for (const r of withNumpy) {
      const np = r.numpy!;
      out.push(`  ${String(r.n).padStart(5)} × ${String(r.days).padStart(4)}: ${PARTS.map((k) => `${k} ${fmt(np[k])}`).join(', ')}; naive MC ${fmt(np.monteCarloNaive)}`);
    }
  }
  for (const r of rows) if (r.numpyError) out.push(`  ${r.n} × ${r.days}: numpy not run (${r.numpyError})`);
  const checked = rows.filter((r) => r.check);
  if (checked.length > 0) {
    const failed = checked.filter((r) => !r.check!.pass);
    out.push(`Agreement JS vs numpy on the same data: ${failed.length === 0 ? 'PASS' : 'FAIL'} (${checked.length - failed.length}/${checked.length} sizes)`);
    for (const r of failed) out.push(`  ${r.n} × ${r.days}:`, ...r.check!.lines.map((l) => `    ${l}`));
  }
  process.stdout.write(`${out.join('\n')}\n`);
});

for (const [n, days, jsRuns, numpyRuns] of SIZES) {
  test(`full risk report, ${n} positions × ${days} days, vs numpy`, { timeout: 900_000 }, async ({ bench }) => {
    const s = synthetic(n, days);
    let report: RiskReport | undefined;
    const result = await bench(`riskReport ${n} × ${days}`, () => { report = riskReport(s.input); })
      .run({ iterations: jsRuns, time: 0, warmupIterations: 1, warmupTime: 0 });
    const partRuns = Array.from({ length: jsRuns }, () => timeParts(s));
    const parts = Object.fromEntries(PARTS.map((k) => [k, median(partRuns.map((p) => p[k]))])) as Record<Part, number>;
    const numpy = runNumpy(s, numpyRuns);
    if ('error' in numpy) {
      rows.push({ n, days, js: result.latency.p50, jsNoGarch: result.latency.p50 - parts.perAsset, parts, numpyError: numpy.error });
      return;
    }
    const check = agreement(report!, s, numpy.results, numpy.correlation);
    process.stdout.write(`${n} × ${days}: agreement with numpy ${check.pass ? 'PASS' : 'FAIL'}\n${check.lines.map((l) => `  ${l}`).join('\n')}\n`);
    rows.push({ n, days, js: result.latency.p50, jsNoGarch: result.latency.p50 - parts.perAsset, parts, numpy: numpy.timings, check });
    expect(check.pass, check.lines.join('\n')).toBe(true);
  });
}
