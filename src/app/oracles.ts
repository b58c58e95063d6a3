/**
 * OracleService: what a weight oracle (seed 001) proposes for the book, next to today's weights. Read-only: nothing
 * here trades.
 *
 * - Universe of the computed oracles (equal, inverse-vol, risk-parity, optimisers): the risky assets held (not
 *   USDC/USDT), or every risky asset the price history knows when fewer than two are held, like /optimize.
 * - Returns: aligned daily simple returns over the risk window (`alignedDaily`, src/app/history.ts).
 * - Bounds: with a LimitsService, risk parity and the optimisers cap each weight at the concentration limit,
 *   unless that would make Σw = 1 impossible (as /optimize does).
 * - Known assets (validation; signals drop the rest): every asset the history or the venues price, plus those held.
 * - Current weights: each asset's share of gross exposure (perp notional, spot value, LP value) over the risky
 *   assets held, plus any stablecoin the oracle proposes (so a static file with 30% USDC is compared with the USDC
 *   actually held). Long-short: signed weights over the same assets (net exposure / the book's, src/app/views.ts).
 * - Long-short (`propose(name, { longShort: true, gross })`): each weight within ±the concentration limit (or ±1),
 *   Σw = 1, gross Σ|w| ≤ `gross` (default 150%); cash (USDC, USDT) cannot be short.
 * - Files (static:, signals:) are read inside `baseDir`, the weights directory (WEIGHTS_DIR; default ./weights, as
 *   in config), never the working directory: that holds .env, the data directory and perhaps a keypair.
 * - URLs (signals:): public https only, unless `signals.urlAllow` (WEIGHTS_URL_ALLOW) lists the host.
 */
import { resolve } from 'node:path';
import type { Portfolio } from '../domain/index.ts';
import { checkedGross, createOracle, type OracleDeps } from '../oracles/index.ts';
import { UserError } from '../shared/errors.ts';
import type { Clock, PriceHistory, Weights } from '../ports/index.ts';
import { alignedDaily } from './history.ts';
import type { LimitsService } from './limits.ts';
import type { PortfolioService } from './portfolio.ts';
import { userFacing } from './user-facing.ts';
import { assetExposures, CASH_ASSETS, grossWeights, signedExposures, signedWeights } from './views.ts';

const STABLES = CASH_ASSETS;
export const DEFAULT_ORACLE = 'equal';
/** WEIGHTS_DIR's default, relative to the working directory (src/config.ts uses the same). */
export const DEFAULT_WEIGHTS_DIR = 'weights';

export interface WeightRow {
  readonly asset: string;
  /** Today's share of the book (see the module comment). */
  readonly current: number;
  readonly proposed: number;
  /** proposed − current. */
  readonly delta: number;
}

export interface WeightsProposal {
  readonly oracle: { readonly name: string; readonly description: string };
  /** Epoch ms the weights are for. */
  readonly at: number;
  /** Validated: finite, known assets, Σ = 1 within 1e-6; ≥ 0 unless long-short (then Σ|w| ≤ grossCap). */
  readonly weights: Weights;
  readonly current: Weights;
  /** Every asset in either, largest proposed first (then largest current, then by name). */
  readonly rows: readonly WeightRow[];
  /** A caveat from the oracle (assets dropped, optimiser target missed …). */
  readonly note?: string;
  /** How the weights were computed. */
  readonly detail?: string;
  /** Long-short: the gross cap Σ|w| ≤ grossCap, a fraction of capital (1.5 = 150%); null long-only. */
  readonly grossCap: number | null;
}

/** Long-only (the default), or long-short with a gross cap (fraction of capital; default 150%). */
export interface BookOptions {
  readonly longShort?: boolean;
  readonly gross?: number;
}

export interface OracleServiceDeps {
  readonly portfolio: PortfolioService;
  readonly history: PriceHistory;
  readonly clock: Clock;
  readonly settings: { readonly lookbackDays: number; readonly periodsPerYear: number };
  readonly limits?: LimitsService;
  /** The weights directory static: and signals: files must be inside; default ./weights of the working directory. */
  readonly baseDir?: string;
  /** Signals mapping and URL options, e.g. urlAllow from WEIGHTS_URL_ALLOW (see src/oracles/signals.ts). */
  readonly signals?: OracleDeps['signals'];
}

export class OracleService {
  private readonly deps: OracleServiceDeps;

  constructor(deps: OracleServiceDeps) {
    this.deps = deps;
  }

  /** Risky assets held, or every risky asset with history when fewer than two are held. */
  universe(p: Portfolio): string[] {
    const held = [...exposures(p).keys()].filter((a) => !STABLES.has(a)).sort();
    return held.length >= 2 ? held : this.deps.history.assets().filter((a) => !STABLES.has(a)).slice().sort();
  }

  /** Daily simple returns of `assets` up to `at` over the risk window, aligned: assets × days. */
  async returns(assets: readonly string[], at: number): Promise<number[][]> {
    const h = await alignedDaily(this.deps.history, assets, at, this.deps.settings.lookbackDays);
    return h.closes.map((c) => c.slice(1).map((x, i) => x / (c[i] as number) - 1));
  }

  /** What oracle `name` proposes now, validated, beside today's weights; `book` may allow shorts (see the module comment). */
  async propose(name: string = DEFAULT_ORACLE, book: BookOptions = {}): Promise<WeightsProposal> {
    if (book.gross !== undefined && !book.longShort) throw new UserError('bad_argument', 'gross only applies to long-short.');
    const grossCap = book.longShort ? checkedGross(book.gross) : null;
    return userFacing(async () => {
      const at = this.deps.clock.now();
      const p = await this.deps.portfolio.refresh();
      const universe = this.universe(p);
      const known = new Set([...this.deps.history.assets(), ...Object.keys(p.prices), ...exposures(p).keys()]);
      const bounds = await this.bounds(universe.length, grossCap !== null);
      const oracle = createOracle(name, {
        universe,
        returns: (assets, t) => this.returns(assets, t),
        periodsPerYear: this.deps.settings.periodsPerYear,
        knownAssets: known,
        baseDir: this.deps.baseDir ?? resolve(process.cwd(), DEFAULT_WEIGHTS_DIR),
        ...(bounds ? { bounds } : {}),
        ...(this.deps.signals ? { signals: this.deps.signals } : {}),
        ...(grossCap !== null ? { gross: grossCap } : {}),
      });
      const proposal = await oracle.propose(at);
      const shortCash = Object.entries(proposal.weights).filter(([a, w]) => STABLES.has(a) && w < 0).map(([a]) => a);
      if (shortCash.length > 0) throw new UserError('bad_argument', `${oracle.name}: ${shortCash.join(', ')} cannot be short: cash is not an exposure.`, 'Short risky assets only (through their perps).');
      const current = grossCap === null ? currentWeights(p, Object.keys(proposal.weights)) : currentSigned(p, Object.keys(proposal.weights));
      return {
        oracle: { name: oracle.name, description: oracle.description },
        at,
        weights: proposal.weights,
        current,
        rows: compare(current, proposal.weights),
        ...(proposal.note ? { note: proposal.note } : {}),
        ...(proposal.detail ? { detail: proposal.detail } : {}),
        grossCap,
      };
    });
  }

  /** Each |weight| ≤ the concentration limit, unless that makes Σw = 1 impossible (as /optimize); long-short, ±1 without it. */
  private async bounds(n: number, longShort: boolean): Promise<readonly [number, number] | undefined> {
    const cap = this.deps.limits ? (await this.deps.limits.get()).maxPositionSizePercent : 1;
    const upper = cap * n >= 1 && cap < 1 ? cap : 1;
    if (longShort) return [-upper, upper];
    return upper < 1 ? [0, upper] : undefined;
  }
}

/** Gross exposure per asset, USD, cash included (currentWeights may weigh a stablecoin an oracle names). */
function exposures(p: Portfolio): Map<string, number> {
  return assetExposures(p.positions, true);
}

/** Shares of gross exposure over the risky assets held plus the stablecoins in `alsoStables`. */
export function currentWeights(p: Portfolio, alsoStables: readonly string[]): Weights {
  const include = new Set(alsoStables.filter((a) => STABLES.has(a)));
  const ex = exposures(p);
  const assets = [...ex.keys()].filter((a) => !STABLES.has(a) || include.has(a));
  const w = grossWeights(ex, assets);
  return Object.freeze(Object.fromEntries(w.some((x) => x > 0) ? assets.map((a, i) => [a, w[i] ?? 0]) : []));
}

/** Signed weights (net exposure / the book's, src/app/views.ts) over the risky assets held plus those in `also`. */
function currentSigned(p: Portfolio, also: readonly string[]): Weights {
  const assets = [...new Set([...[...exposures(p).keys()].filter((a) => !STABLES.has(a)), ...also])].sort();
  const w = signedWeights(signedExposures(p.positions), assets);
  return Object.freeze(Object.fromEntries(assets.map((a, i) => [a, w[i] ?? Number.NaN])));
}

function compare(current: Weights, proposed: Weights): WeightRow[] {
  const assets = [...new Set([...Object.keys(proposed), ...Object.keys(current)])];
  return assets
    .map((asset) => {
      const c = current[asset] ?? 0;
      const w = proposed[asset] ?? 0;
      return { asset, current: c, proposed: w, delta: w - c };
    })
    .sort((a, b) => b.proposed - a.proposed || b.current - a.current || (a.asset < b.asset ? -1 : 1));
}
