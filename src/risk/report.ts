/**
 * The full risk report of the current portfolio (seed 003 RiskMetrics), computed from aligned daily closes:
 * historical simulation on overlapping h-day returns applied to today's positions (LPs revalued in full), delta-normal
 * parametric VaR/ES, Monte Carlo on the measured covariance (LPs revalued per path), a backtest of today's exposures
 * for volatility, ratios, drawdowns and betas, the correlation matrix, tail (ES) contributions per position, and
 * GARCH(1,1) / EWMA volatility per asset.
 */
import { betaStats } from './beta.ts';
import { correlationFromCovariance, pairwiseCompleteCorrelation } from './correlation.ts';
import { covarianceMatrix } from './covariance.ts';
import { drawdowns } from './drawdown.ts';
import { RiskInputError } from './errors.ts';
import { historicalESSorted, parametricES } from './es.ts';
import { fitGarch, garchForecast } from './garch.ts';
import { monteCarloPortfolio, type McDistribution } from './montecarlo.ts';
import { deltaUsd, instrumentValue, lpInstrumentValue, type Instrument, type LpInstrument } from './portfolio-model.ts';
import { calmar, sharpe, sortino } from './ratios.ts';
import type { TimedSeries } from './returns.ts';
import { historicalVaRSorted, parametricVaR } from './var.ts';
import { annualizedVolatility, ewmaVolatility } from './volatility.ts';

export interface ReportInput {
  readonly instruments: readonly Instrument[];
  readonly prices: Readonly<Record<string, number>>;
  /** Equity the fractions are measured against, USD. */
  readonly equityUsd: number;
  /** Assets with aligned daily closes (held assets plus benchmarks), oldest first, same length, no gaps. */
  readonly assets: readonly string[];
  readonly closes: readonly (readonly number[])[];
  readonly confidence: number;
  /** Days. */
  readonly horizon: number;
  readonly periodsPerYear: number;
  readonly monteCarlo: { readonly paths: number; readonly seed: number; readonly dist: McDistribution };
  readonly benchmarks?: readonly string[];
  /** Fit GARCH per held asset (the slowest part; default true). */
  readonly garch?: boolean;
  /**
   * Optional: each asset's dated daily closes BEFORE alignment (same order as `assets`; t = epoch ms of the UTC day).
   * When given, the correlation shown is pairwise-complete over their returns — each pair over the days both have, as
   * pandas' DataFrame.corr() — instead of the common window (NaN where a pair shares < 2 days). VaR, ES and the
   * covariance always use the aligned `closes` (common dates, positive semi-definite).
   */
  readonly datedCloses?: readonly TimedSeries[];
}

export interface VarEs {
  /** Positive loss, fraction of equity over the horizon. */
  readonly var: number;
  readonly es: number;
}

export interface AssetRisk {
  readonly asset: string;
  readonly exposureUsd: number;
  readonly volAnnual: number;
  readonly ewmaVolAnnual: number;
  /** GARCH(1,1) one-day-ahead volatility, annualised; null when the fit failed (reason in garchError). */
  readonly garchVolAnnual: number | null;
  readonly garchPersistence: number | null;
  readonly garchError?: string;
}

export interface RiskReport {
  readonly equityUsd: number;
  readonly confidence: number;
  readonly horizon: number;
  /** Daily observations used (closes − 1). */
  readonly days: number;
  readonly historical: VarEs;
  readonly parametric: VarEs;
  readonly monteCarlo: VarEs & { readonly paths: number };
  /** Historical VaR/ES at the report's confidence for 1 and 7 days (seed 003 var_1d, var_7d). */
  readonly var1d: VarEs;
  readonly var7d: VarEs;
  readonly volAnnual: number;
  readonly sharpe: number;
  readonly sortino: number;
  readonly calmar: number;
  readonly maxDrawdown: number;
  readonly currentDrawdown: number;
  /** Beta of the portfolio's daily returns to each benchmark present in `assets`. */
  readonly betas: Readonly<Record<string, number>>;
  readonly correlation: { readonly assets: readonly string[]; readonly matrix: readonly (readonly number[])[] };
  /** Tail contributions to historical ES per instrument, USD (they sum to ES × equity). */
  readonly contributions: readonly { readonly id: string; readonly label: string; readonly esUsd: number; readonly share: number }[];
  readonly perAsset: readonly AssetRisk[];
  /** Daily portfolio returns of today's exposures over the window (for charts and performance). */
  readonly backtestReturns: readonly number[];
}

/** Overlapping h-period simple returns of one close series. */
function horizonReturns(closes: readonly number[], h: number): Float64Array {
  const n = closes.length - h;
  const out = new Float64Array(Math.max(0, n));
  for (let d = 0; d < n; d++) out[d] = (closes[d + h] as number) / (closes[d] as number) - 1;
  return out;
}

interface Book {
  /** Linear exposure per asset index, USD. */
  readonly linear: Float64Array;
  readonly lps: readonly { readonly inst: LpInstrument; readonly base: number; readonly quote: number; readonly value0: number }[];
}

function book(input: ReportInput, index: ReadonlyMap<string, number>): Book {
  const linear = new Float64Array(input.assets.length);
  const lps: { inst: LpInstrument; base: number; quote: number; value0: number }[] = [];
  for (const inst of input.instruments) {
    const k = index.get(inst.asset);
    if (k === undefined) throw new RiskInputError(`no price history for ${inst.asset}`);
    if (inst.kind === 'linear') {
      linear[k] = (linear[k] as number) + inst.units * (input.prices[inst.asset] ?? 0);
    } else {
      const q = index.get(inst.quoteAsset);
      if (q === undefined) throw new RiskInputError(`no price history for ${inst.quoteAsset}`);
      lps.push({ inst, base: k, quote: q, value0: instrumentValue(inst, input.prices) });
    }
  }
  return { linear, lps };
}

/** LP PnL when its base and quote move by rb and rq. */
function lpPnl(lp: Book['lps'][number], prices: Readonly<Record<string, number>>, rb: number, rq: number): number {
  const p = (prices[lp.inst.asset] ?? 0) * (1 + rb);
  const q = (prices[lp.inst.quoteAsset] ?? 1) * (1 + rq);
  return lpInstrumentValue(lp.inst, p, q) - lp.value0;
}

/** Portfolio PnL per scenario from per-asset returns (assets × scenarios), USD. */
function scenarioPnl(b: Book, returns: readonly Float64Array[], scenarios: number, prices: Readonly<Record<string, number>>): Float64Array {
  const pnl = new Float64Array(scenarios);
  for (let k = 0; k < b.linear.length; k++) {
    const e = b.linear[k] as number;
    if (e === 0) continue;
    const r = returns[k] as Float64Array;
    for (let s = 0; s < scenarios; s++) pnl[s] = (pnl[s] as number) + e * (r[s] as number);
  }
  for (const lp of b.lps) {
    const rb = returns[lp.base] as Float64Array;
    const rq = returns[lp.quote] as Float64Array;
    for (let s = 0; s < scenarios; s++) pnl[s] = (pnl[s] as number) + lpPnl(lp, prices, rb[s] as number, rq[s] as number);
  }
  return pnl;
}

function varEs(pnl: Float64Array, equity: number, confidence: number): VarEs {
  const fractions = Float64Array.from(pnl, (x) => x / equity).sort();
  return { var: historicalVaRSorted(fractions, confidence), es: historicalESSorted(fractions, confidence) };
}

/** Builds the full report. Throws RiskInputError when the history is too short or misaligned. */
export function riskReport(input: ReportInput): RiskReport {
  const { assets, closes, confidence, horizon, equityUsd, prices } = input;
  if (!(equityUsd > 0)) throw new RiskInputError('the portfolio has no positive equity to measure risk against');
  if (closes.length !== assets.length) throw new RiskInputError('one close series per asset is required');
  const n = closes[0]?.length ?? 0;
  if (n < Math.max(30, horizon + 20)) throw new RiskInputError(`need at least ${Math.max(30, horizon + 20)} daily closes, got ${n}`);
  for (const c of closes) if (c.length !== n) throw new RiskInputError('close series must be aligned (same length)');
  const index = new Map(assets.map((a, k) => [a, k]));
  const b = book(input, index);

  // Historical simulation: overlapping h-day returns applied to today's book.
  const daily = closes.map((c) => horizonReturns(c, 1));
  const historicalFor = (h: number): VarEs => {
    const r = h === 1 ? daily : closes.map((c) => horizonReturns(c, h));
    return varEs(scenarioPnl(b, r, n - h, prices), equityUsd, confidence);
  };
  const historical = historicalFor(horizon);
  const var1d = horizon === 1 ? historical : historicalFor(1);
  const var7d = horizon === 7 ? historical : historicalFor(7);

  // Backtest of today's exposures: the 1-day historical PnL in time order, as returns on equity.
  const dailyPnl = scenarioPnl(b, daily, n - 1, prices);
  // An account cannot lose more than its equity in a day: a worse move is a wipe-out (−100%).
  const backtest = Array.from(dailyPnl, (x) => Math.max(-1, x / equityUsd));

  // Delta-normal: USD deltas per asset (LP delta local) and the daily covariance.
  const dailyArrays = daily.map((r) => Array.from(r));
  const cov = covarianceMatrix(dailyArrays);
  const delta = new Float64Array(assets.length);
  for (const inst of input.instruments) {
    const k = index.get(inst.asset) as number;
    delta[k] = (delta[k] as number) + deltaUsd(inst, prices);
  }
  let variance = 0;
  for (let i = 0; i < assets.length; i++) {
    const row = cov[i] as number[];
    let acc = 0;
    for (let j = 0; j < assets.length; j++) acc += (row[j] as number) * (delta[j] as number);
    variance += (delta[i] as number) * acc;
  }
  const sd = Math.sqrt(Math.max(0, variance)) / equityUsd;
  const parametric: VarEs = {
    var: parametricVaR({ mean: 0, sd }, confidence, horizon),
    es: parametricES({ mean: 0, sd }, confidence, horizon),
  };

  // Monte Carlo on the same covariance; LP assets are simulated explicitly so LPs are revalued per path.
  const lpAssets = [...new Set(b.lps.flatMap((lp) => [lp.base, lp.quote]))];
  const mc = monteCarloPortfolio({
    mean: new Array<number>(assets.length).fill(0), cov, paths: input.monteCarlo.paths, horizon, dist: input.monteCarlo.dist,
    seed: input.monteCarlo.seed,
  }, Array.from(b.linear), lpAssets);
  const mcPnl = mc.linearPnl;
  if (b.lps.length > 0) {
    const col = new Map(lpAssets.map((a, i) => [a, i]));
    for (let p = 0; p < mc.paths; p++) {
      for (const lp of b.lps) {
        const rb = mc.kept[p * lpAssets.length + (col.get(lp.base) as number)] as number;
        const rq = mc.kept[p * lpAssets.length + (col.get(lp.quote) as number)] as number;
        mcPnl[p] = (mcPnl[p] as number) + lpPnl(lp, prices, rb, rq);
      }
    }
  }
  const monteCarlo = { ...varEs(mcPnl, equityUsd, confidence), paths: mc.paths };

  // Tail contributions to historical ES: −mean PnL of each instrument over the scenarios at or below the VaR cutoff.
  const hr = horizon === 1 ? daily : closes.map((c) => horizonReturns(c, horizon));
  const scenarios = n - horizon;
  const pnl = scenarioPnl(b, hr, scenarios, prices);
  const sorted = Float64Array.from(pnl).sort();
  const cutoff = -historicalVaRSorted(sorted, confidence);
  const tail: number[] = [];
  for (let s = 0; s < scenarios; s++) if ((pnl[s] as number) <= cutoff) tail.push(s);
  const contributions = input.instruments.map((inst) => {
    let sum = 0;
    const k = index.get(inst.asset) as number;
    if (inst.kind === 'linear') {
      const e = inst.units * (prices[inst.asset] ?? 0);
      for (const s of tail) sum += e * ((hr[k] as Float64Array)[s] as number);
    } else {
      const lp = b.lps.find((x) => x.inst === inst);
      if (lp) for (const s of tail) sum += lpPnl(lp, prices, (hr[lp.base] as Float64Array)[s] as number, (hr[lp.quote] as Float64Array)[s] as number);
    }
    const esUsd = tail.length === 0 ? 0 : -sum / tail.length;
    return { id: inst.id, label: inst.label, esUsd, share: 0 };
  });
  const totalEs = contributions.reduce((s, c) => s + c.esUsd, 0);
  const withShares = contributions.map((c) => ({ ...c, share: totalEs === 0 ? 0 : c.esUsd / totalEs }));

  // A day that loses more than the equity wipes the account out: the path stops at 0 (a 100% drawdown), never below.
  const dd = drawdowns(backtest.reduce<number[]>((acc, r) => { acc.push(Math.max(0, (acc[acc.length - 1] as number) * (1 + r))); return acc; }, [1]));
  const betas: Record<string, number> = {};
  for (const bench of input.benchmarks ?? ['SOL', 'BTC']) {
    const k = index.get(bench);
    if (k !== undefined) betas[bench] = betaStats(backtest, dailyArrays[k] as number[]).beta;
  }
  const held = assets.filter((_a, k) => (delta[k] as number) !== 0);
  const heldIdx = held.map((a) => index.get(a) as number);
  // A constant series (a stablecoin held at $1 when its history is missing) has no correlation: leave it out.
  const corrAssets = held.filter((_a, h) => ((cov[heldIdx[h] as number] as number[])[heldIdx[h] as number] as number) > 0);
  const corrIdx = corrAssets.map((a) => index.get(a) as number);
  const corrCov = corrIdx.map((i) => corrIdx.map((j) => (cov[i] as number[])[j] as number));
  const perAsset = held.map((asset, h): AssetRisk => {
    const k = heldIdx[h] as number;
    const r = dailyArrays[k] as number[];
    const vol = annualizedVolatility(r, input.periodsPerYear);
    const ewma = ewmaVolatility(r).latest * Math.sqrt(input.periodsPerYear);
    let garchVolAnnual: number | null = null;
    let garchPersistence: number | null = null;
    let garchError: string | undefined;
    if (input.garch !== false) {
      try {
        const logs = r.map((x) => Math.log1p(x));
        const fit = fitGarch(logs);
        const f = garchForecast(fit, logs[logs.length - 1] as number, fit.conditionalVariance[fit.conditionalVariance.length - 1] as number, 1);
        garchVolAnnual = Math.sqrt(f.oneStep * input.periodsPerYear);
        garchPersistence = fit.persistence;
      } catch (err) {
        garchError = err instanceof Error ? err.message : String(err);
      }
    }
    return { asset, exposureUsd: delta[k] as number, volAnnual: vol, ewmaVolAnnual: ewma, garchVolAnnual, garchPersistence, ...(garchError ? { garchError } : {}) };
  });
  return {
    equityUsd, confidence, horizon, days: n - 1, historical, parametric, monteCarlo, var1d, var7d,
    volAnnual: annualizedVolatility(backtest, input.periodsPerYear),
    sharpe: sharpe(backtest, input.periodsPerYear), sortino: sortino(backtest, input.periodsPerYear), calmar: calmar(backtest, input.periodsPerYear),
    maxDrawdown: dd.maxDrawdown, currentDrawdown: dd.currentDrawdown, betas,
    correlation: { assets: corrAssets, matrix: corrAssets.length === 0 ? [] : input.datedCloses === undefined ? correlationFromCovariance(corrCov)
      : pairwiseCompleteCorrelation(corrIdx.map((k) => datedReturns(input.datedCloses![k]!))).matrix },
    contributions: withShares, perAsset, backtestReturns: backtest,
  };
}

const DAY_MS = 86_400_000;

/** Simple returns of dated daily closes, each dated by its later close; only between consecutive days with positive closes (a gap drops the returns touching it). */
function datedReturns(s: TimedSeries): TimedSeries {
  const t: number[] = [];
  const v: number[] = [];
  for (let i = 1; i < s.t.length; i++) {
    const a = s.v[i - 1]!;
    const b = s.v[i]!;
    if (s.t[i]! - s.t[i - 1]! === DAY_MS && a > 0 && b > 0) {
      t.push(s.t[i]!);
      v.push(b / a - 1);
    }
  }
  return { t, v };
}
