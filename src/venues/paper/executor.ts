/**
 * The paper venue's TradeExecutor: plans fill on the paper ledger. A plan is one "transaction" (all legs fill or none
 * does, like one Solana transaction), identified by a signature made before it is sent. The venue remembers every
 * signature it received, so start-up reconciliation can ask what happened to one.
 */
import { randomBytes } from 'node:crypto';
import type { ActionPlan, MarketInfo, PlanLeg } from '../../domain/index.ts';
import type { ExecutionResult, LegFill, PaperBookRecord, PaperBookRepo, PaperFillRecord, SignatureStatus, SimulationResult, TradeExecutor } from '../../ports/index.ts';
import { VenueError } from '../../shared/errors.ts';
import { toNumber } from '../../shared/money.ts';
import { bookOf, MAX_BOOK_FILLS, restoreBook } from './book.ts';
import type { Fill, TradeRequest } from './ledger.ts';
import { PERP_SPECS, PRICE_DECIMALS, SPOT_SPECS, WEIGHT_PRECISION } from './markets.ts';
import type { PaperVenue } from './venue.ts';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** A random 88-character base58 string shaped like a Solana transaction signature (prefixed so nobody mistakes it). */
function paperSignature(): string {
  let out = 'paper';
  for (const b of randomBytes(83)) out += BASE58[b % 58];
  return out;
}

/** What the venue received: one entry per plan sent (dry-run sends none). */
export interface PaperSubmission {
  readonly signature: string;
  readonly planId: string;
  readonly at: number;
  readonly ok: boolean;
  readonly error?: string;
}

const ratio = (x: bigint): number => Number(x) / Number(WEIGHT_PRECISION);

function request(leg: PlanLeg): TradeRequest {
  if (leg.kind === 'lp') throw new VenueError('Paper', `${leg.market}: the paper venue does not move liquidity positions`);
  const decimals = leg.kind === 'perp' ? 9 : SPOT_SPECS[leg.asset as keyof typeof SPOT_SPECS]?.decimals;
  if (leg.size.decimals !== decimals) {
    throw new VenueError('Paper', `order size for ${leg.market} has ${leg.size.decimals} decimals, the market uses ${String(decimals)}`, { programError: 'InvalidOrderSize' });
  }
  return { kind: leg.kind, market: leg.market, side: leg.side, sizeRaw: leg.size.raw, limitPrice: leg.limitPrice, reduceOnly: leg.reduceOnly };
}

function legFill(leg: PlanLeg, f: Fill): LegFill {
  return { leg, filledRaw: f.sizeRaw, avgPrice: toNumber(f.priceRaw, PRICE_DECIMALS), feeUsd: f.feeUsd, realizedPnlUsd: f.realizedPnlUsd };
}

function reason(err: unknown): string {
  if (err instanceof VenueError) return err.programError ? `${err.programError}: ${err.message}` : err.message;
  throw err;
}

export interface PaperExecutorOptions {
  /** Where the book is kept; without it fills live in memory only (tests, benchmarks). */
  readonly book?: PaperBookRepo;
  /** Fingerprint of the starting portfolio (see portfolioOrigin); a stored book of another origin is not restored. */
  readonly origin?: string;
}

/** What `restore` found in storage. */
export type RestoreOutcome =
  | { readonly kind: 'none' }
  | { readonly kind: 'restored'; readonly fills: number; readonly savedAt: number }
  /** A book of another starting portfolio: left in storage until the next save replaces it. */
  | { readonly kind: 'other-origin'; readonly fills: number; readonly savedAt: number };

export class PaperExecutor implements TradeExecutor {
  readonly venue = 'paper' as const;
  private readonly paper: PaperVenue;
  private readonly sent: PaperSubmission[] = [];
  private readonly status = new Map<string, 'confirmed' | 'failed'>();
  private fills: PaperFillRecord[] = [];
  private readonly opts: PaperExecutorOptions;

  constructor(venue: PaperVenue, opts: PaperExecutorOptions = {}) {
    this.paper = venue;
    this.opts = opts;
  }

  /**
   * Loads the stored book into the ledger (positions, cash, LP bins, realised PnL) and the signatures it received, so
   * a restart shows the trades that landed and reconciliation can tell which did. Call once, before anything trades.
   */
  async restore(): Promise<RestoreOutcome> {
    const stored = await this.opts.book?.get();
    if (!stored) return { kind: 'none' };
    if (stored.origin !== (this.opts.origin ?? '')) return { kind: 'other-origin', fills: stored.fills.length, savedAt: stored.savedAt };
    restoreBook(this.paper.ledger, stored);
    this.fills = [...stored.fills];
    this.status.clear();
    for (const [sig, st] of Object.entries(stored.signatures)) this.status.set(sig, st);
    return { kind: 'restored', fills: stored.fills.length, savedAt: stored.savedAt };
  }

  /** Every fill this book has made, oldest first (bounded). */
  get fillHistory(): readonly PaperFillRecord[] {
    return this.fills;
  }

  /** Writes the book as it is now (funding, LP fees and bin conversions move it between trades). */
  async save(): Promise<void> {
    if (!this.opts.book) return;
    await this.opts.book.put(this.record());
  }

  private record(): PaperBookRecord {
    return bookOf(this.paper.ledger, { origin: this.opts.origin ?? '', savedAt: Date.now(), fills: this.fills, signatures: this.status });
  }

  /** Every plan this venue received, oldest first. */
  get submissions(): readonly PaperSubmission[] {
    return this.sent;
  }

  markets(): readonly MarketInfo[] {
    const perps: MarketInfo[] = Object.values(PERP_SPECS).map((s) => ({
      venue: 'paper', market: s.market, kind: 'perp', asset: s.asset, baseDecimals: s.baseDecimals, stepRaw: s.stepRaw,
      minSizeRaw: s.stepRaw, contractSize: s.contractSize, takerFeeBps: s.takerFeeBps, impactBpsPerMillion: s.impactBpsPerMillion,
      marginRatios: { initial: ratio(s.initialMarginRatio), maintenance: ratio(s.maintenanceMarginRatio) },
    }));
    const spots: MarketInfo[] = Object.values(SPOT_SPECS).filter((s) => s.asset !== 'USDC').map((s) => ({
      venue: 'paper', market: s.asset, kind: 'spot', asset: s.asset, baseDecimals: s.decimals, stepRaw: 1n,
      minSizeRaw: s.minOrderRaw, contractSize: 1, takerFeeBps: s.feeBps, impactBpsPerMillion: s.impactBpsPerMillion,
      spotWeights: {
        initialAsset: ratio(s.initialAssetWeight), maintenanceAsset: ratio(s.maintenanceAssetWeight),
        initialLiability: ratio(s.initialLiabilityWeight), maintenanceLiability: ratio(s.maintenanceLiabilityWeight),
      },
    }));
    return [...perps, ...spots];
  }

  /** Runs the legs in order on a copy of the ledger at current prices. */
  async simulate(plan: ActionPlan): Promise<SimulationResult> {
    await Promise.resolve();
    this.paper.sync();
    const legs = plan.legs.filter((l) => l.venue === 'paper');
    try {
      const fills = this.paper.ledger.clone().tradeAll(legs.map(request));
      return { ok: true, authoritative: true, fills: fills.map((f, i) => legFill(legs[i] as PlanLeg, f)) };
    } catch (err) {
      return { ok: false, authoritative: true, error: reason(err), fills: [] };
    }
  }

  /**
   * Fills the plan as one transaction. The new book and the signature's outcome are written together in one atomic
   * write of the state file before this returns, the way a chain holds a landed transaction: a crash before that write
   * means the trade never happened (and reconciliation says so), a crash after it means it did.
   */
  async execute(plan: ActionPlan, hooks: { beforeBroadcast(signatures: readonly string[]): Promise<void> }): Promise<ExecutionResult> {
    const legs = plan.legs.filter((l) => l.venue === 'paper');
    const signature = paperSignature();
    await hooks.beforeBroadcast([signature]);
    const before = this.paper.ledger.clone();
    const fillsBefore = this.fills;
    const at = this.paper.clock.now();
    let fills: Fill[];
    try {
      fills = this.paper.execute(legs.map(request));
    } catch (err) {
      const error = reason(err);
      this.sent.push({ signature, planId: plan.id, at, ok: false, error });
      this.status.set(signature, 'failed');
      await this.save().catch(() => undefined); // unreceived signatures read as failed anyway
      return { ok: false, signatures: [signature], fills: [], error };
    }
    this.status.set(signature, 'confirmed');
    this.fills = [...this.fills, ...fills.map((f): PaperFillRecord => ({
      at, signature, planId: plan.id, kind: f.kind, market: f.market, side: f.side, sizeRaw: f.sizeRaw.toString(),
      priceRaw: f.priceRaw.toString(), feeUsd: f.feeUsd.toString(), realizedPnlUsd: f.realizedPnlUsd.toString(),
    }))].slice(-MAX_BOOK_FILLS);
    try {
      await this.save();
    } catch (err) {
      // The book could not be written: the trade must not exist only in memory. Undo it; it did not land.
      this.paper.ledger.adopt(before);
      this.fills = fillsBefore;
      this.status.set(signature, 'failed');
      const error = `not recorded: the state file could not be written (${err instanceof Error ? err.message : String(err)})`;
      this.sent.push({ signature, planId: plan.id, at, ok: false, error });
      return { ok: false, signatures: [signature], fills: [], error };
    }
    this.sent.push({ signature, planId: plan.id, at, ok: true });
    return { ok: true, signatures: [signature], fills: fills.map((f, i) => legFill(legs[i] as PlanLeg, f)) };
  }

  /**
   * The paper ledger is in this process, so it knows for sure: a signature it never received never landed ("failed"),
   * which is what a Solana node says once the transaction's blockhash has expired.
   */
  signatureStatus(signatures: readonly string[]): Promise<readonly SignatureStatus[]> {
    return Promise.resolve(signatures.map((s) => this.status.get(s) ?? 'failed'));
  }
}
