import type { ActionPlan, AlertLevel, AlertRule, Approval, ApprovalState, ChatRef, PortfolioSnapshot, Role } from '../domain/index.ts';
import type { Interval } from './price-history.ts';

/** A JSON-safe value (what storage can hold). */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** Key/value settings (risk limits, thresholds, subscriptions …). */
export interface SettingsRepo {
  get(key: string): Promise<Json | undefined>;
  set(key: string, value: Json): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface SnapshotRepo {
  append(snapshot: PortfolioSnapshot): Promise<void>;
  /** Snapshots with from ≤ at ≤ to, oldest first, at most `limit` of the most recent. */
  list(query?: { from?: number; to?: number; limit?: number }): Promise<PortfolioSnapshot[]>;
  latest(): Promise<PortfolioSnapshot | undefined>;
  /** Downsamples history (5-minute for 7 days, hourly to 90 days, daily beyond); returns how many were dropped. */
  compact(): Promise<number>;
}

export interface AuditEntry {
  readonly at: number;
  /** "telegram:123" or "system". */
  readonly actor: string;
  readonly action: string;
  readonly detail: Readonly<Record<string, Json>>;
}

/** Append-only. */
export interface AuditRepo {
  append(entry: AuditEntry): Promise<void>;
  /** Most recent last, at most `limit`. */
  list(limit?: number): Promise<AuditEntry[]>;
}

/** What a button press refers to; the button itself only carries `id`. */
export interface StoredAction {
  readonly id: string;
  /** Which handler runs it: "rerun", "approval", "alert" … */
  readonly kind: string;
  readonly payload: Json;
  /** Least role allowed to press it. */
  readonly role: Role;
  /** "platform:userId" of the person the button was made for. */
  readonly createdBy: string;
  readonly chat: ChatRef;
  readonly createdAt: number;
  readonly expiresAt: number;
  /**
   * The reply (message) the button belongs to: every button made for one reply or card shares it. Absent in files
   * written before it existed, and for a button made alone: such an action is a group of its own.
   */
  readonly group?: string;
}

export interface ActionRepo {
  /**
   * Stores `action`, replacing one with the same id. Keeps at most MAX_ACTIONS (src/storage/schema.ts), decided in the
   * same write: past it the oldest (createdAt, then order of puts) are dropped, except the newest group of each chat
   * and kind (the buttons on the newest card of each kind in each chat) and the buttons of a plan still pending or
   * executing (kind "approval", payload `{ planId }`). Those only go by expiry, so the store may exceed the bound by them.
   */
  put(action: StoredAction): Promise<void>;
  get(id: string): Promise<StoredAction | undefined>;
  delete(id: string): Promise<void>;
  /** Drops actions expired before `now`; returns how many. */
  prune(now: number): Promise<number>;
}

/**
 * A cached run of candle closes for one asset and interval (t = epoch ms of the close, ascending), and the span it is
 * complete for: every close the source has with coveredFrom ≤ t ≤ coveredTo is in it, so a missing candle inside that
 * span is a real gap in the source, not something still to fetch.
 */
export interface CandleSeries {
  readonly t: readonly number[];
  readonly close: readonly number[];
  readonly coveredFrom: number;
  readonly coveredTo: number;
}

/** Closed candles kept for good (a past close never changes), per asset and interval; bounded in size. */
export interface CandleCacheRepo {
  get(asset: string, interval: Interval): Promise<CandleSeries | undefined>;
  /**
   * Adds `update`'s points (a point at an existing t replaces it) and its covered span. A span that overlaps or
   * touches the cached one widens it; a disjoint one replaces it, and with it the points outside. Only the most recent
   * points are kept once the series is full; the covered span then starts at the oldest one kept.
   */
  merge(asset: string, interval: Interval, update: CandleSeries): Promise<void>;
}

/** What a rule measured when an alert key was last evaluated (JSON-safe: a non-finite number is stored as null). */
export interface StoredAlertObservation {
  readonly rule: AlertRule;
  readonly market?: string;
  readonly level: AlertLevel | 'ok';
  readonly value: number | null;
  readonly threshold: number | null;
  readonly title: string;
  readonly detail: string;
  readonly action?: 'hedge' | 'reduce' | 'rebalance' | 'recenter';
  /** The position the action acts on ('recenter': the LP position to re-center). */
  readonly positionId?: string;
}

/** The last notification the alert engine produced for a key. */
export interface StoredAlertEvent {
  readonly id: string;
  readonly kind: 'raised' | 'escalated' | 'repeat' | 'recovered';
  /** The level notified; for 'recovered', the level that cleared. */
  readonly level: AlertLevel;
  readonly at: number;
  readonly observation: StoredAlertObservation;
}

/** Persisted state of one alert key (`${account}:${rule}:${market ?? '*'}`). */
export interface AlertKeyState {
  readonly key: string;
  readonly rule: AlertRule;
  /** Level after hysteresis at the last evaluation. */
  readonly level: AlertLevel | 'ok';
  /** When `level` was entered. */
  readonly since: number;
  /** Last notification of any kind (raised, escalated, repeat, recovered); null if none yet. */
  readonly lastSentAt: number | null;
  /** Level of that notification; 'ok' once a recovery was sent (the episode is closed). */
  readonly lastSentLevel: AlertLevel | 'ok' | null;
  /** Last raised/escalated/repeat notification and its level: the base of the cooldown. */
  readonly lastAlertAt: number | null;
  readonly lastAlertLevel: AlertLevel | null;
  readonly acknowledgedAt?: number;
  readonly ackedBy?: string;
  readonly snoozedUntil?: number;
  /** Whether `lastEvent` was confirmed delivered (markDelivered); true when there is none. */
  readonly delivered: boolean;
  readonly lastEvent?: StoredAlertEvent;
  /** The most recent observation of the key. */
  readonly observation: StoredAlertObservation;
}

/** Alert engine state: per-key state, per-rule mutes and a global snooze. Times are epoch ms. */
export interface AlertStateRepo {
  get(key: string): Promise<AlertKeyState | undefined>;
  getAll(): Promise<AlertKeyState[]>;
  put(state: AlertKeyState): Promise<void>;
  /** Puts several states in one write. */
  putMany(states: readonly AlertKeyState[]): Promise<void>;
  delete(key: string): Promise<void>;
  /** Rule → muted until (epoch ms). */
  getMutes(): Promise<Partial<Record<AlertRule, number>>>;
  /** Mutes `rule` until `until`; null unmutes. */
  setMute(rule: AlertRule, until: number | null): Promise<void>;
  /** Every key snoozed until this time; null when there is no global snooze. */
  getSnooze(): Promise<number | null>;
  setSnooze(until: number | null): Promise<void>;
}

/** A plan and where its approval stands. */
export interface ApprovalRecord {
  readonly plan: ActionPlan;
  readonly approval: Approval;
}

/** Plans waiting for (or past) a Confirm. Every write is persisted before the promise resolves. */
export interface ApprovalRepo {
  /** Stores a new plan with its first approval state; refuses an id that exists. */
  create(record: ApprovalRecord): Promise<void>;
  get(planId: string): Promise<ApprovalRecord | undefined>;
  /**
   * Compare-and-set: replaces the approval only if its state is still `from` and `next.state` is a legal transition
   * from it. True if it was applied; false if someone else moved it first (or it does not exist).
   */
  transition(planId: string, from: ApprovalState, next: Approval): Promise<boolean>;
  /**
   * Adds signatures to an executing plan (called before they are broadcast), with the last block height at which they
   * can land where the chain has one. False unless it is executing.
   */
  recordSignatures(planId: string, signatures: readonly string[], validUntil?: number): Promise<boolean>;
  /** Newest first; `states` filters; at most `limit`. */
  list(query?: { states?: readonly ApprovalState[]; limit?: number; since?: number }): Promise<ApprovalRecord[]>;
}

/** One fill on the paper ledger, as persisted. Amounts are exact integers as decimal strings. */
export interface PaperFillRecord {
  readonly at: number;
  readonly signature: string;
  readonly planId: string;
  readonly kind: 'perp' | 'spot';
  readonly market: string;
  readonly side: 'buy' | 'sell';
  /** Base units (perp: 1e9 contracts; spot: mint base units). */
  readonly sizeRaw: string;
  /** Average price in the paper venue's price precision (1e12 per USD). */
  readonly priceRaw: string;
  /** Micro-USD. */
  readonly feeUsd: string;
  readonly realizedPnlUsd: string;
}

/**
 * The paper venue's book: what a chain would hold for a real venue (balances, positions, LP bins, every signature it
 * received and whether it landed). Amounts are exact integers as decimal strings.
 */
export interface PaperBookRecord {
  /** Fingerprint of the starting portfolio this book grew from. */
  readonly origin: string;
  readonly savedAt: number;
  /** Micro-USD. */
  readonly realizedPnlUsd: string;
  readonly spot: readonly { readonly asset: string; readonly balance: string; readonly costBasis: string }[];
  readonly perps: readonly { readonly market: string; readonly base: string; readonly quoteEntry: string; readonly fundingPnl: string; readonly realizedPnl: string }[];
  readonly lps: readonly {
    readonly id: string; readonly pool: string; readonly feesQuote: string; readonly depositedUsd: string;
    readonly bins: readonly { readonly binId: number; readonly base: string; readonly quote: string }[];
  }[];
  /** Newest last, bounded. */
  readonly fills: readonly PaperFillRecord[];
  /** Signature → whether that transaction landed. */
  readonly signatures: Readonly<Record<string, 'confirmed' | 'failed'>>;
}

/** The persisted paper book (one record; every put is one atomic write of the state file). */
export interface PaperBookRepo {
  get(): Promise<PaperBookRecord | undefined>;
  put(book: PaperBookRecord): Promise<void>;
}

/**
 * What a liquidity position's bins held when Vigil first saw each of them: the base of its fee and HODL estimates.
 * Per bin the whole bin's reserves and share supply (so value per share then), and the tokens' USD prices then.
 * Exact integers as decimal strings.
 */
export interface LpBaselineRecord {
  /** Position id as LpPosition.id ("saros:<address>"). */
  readonly id: string;
  /** Epoch ms the first bin was recorded. */
  readonly since: number;
  /** USD per token of the pair's base (X) and quote (Y) when first recorded. */
  readonly priceX: number;
  readonly priceY: number;
  /** Program bin ids. */
  readonly bins: readonly { readonly binId: number; readonly reserveX: string; readonly reserveY: string; readonly totalSupply: string }[];
}

/** Baselines of liquidity positions, bounded (the oldest of positions no longer held go first). */
export interface LpBaselineRepo {
  get(id: string): Promise<LpBaselineRecord | undefined>;
  put(record: LpBaselineRecord): Promise<void>;
  /** Forgets the baselines of positions of `venue` not in `held` (closed): a re-opened id starts afresh. */
  prune(venue: string, held: readonly string[]): Promise<void>;
}

export interface Repositories {
  readonly paperBook: PaperBookRepo;
  readonly lpBaselines: LpBaselineRepo;
  readonly settings: SettingsRepo;
  readonly snapshots: SnapshotRepo;
  readonly audit: AuditRepo;
  readonly actions: ActionRepo;
  readonly candles: CandleCacheRepo;
  readonly alerts: AlertStateRepo;
  readonly approvals: ApprovalRepo;
  /** Flushes pending writes. */
  close(): Promise<void>;
}
