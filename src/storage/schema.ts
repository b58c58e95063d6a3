/** The persisted document: one JSON file, versioned. Bigints are stored as decimal strings. */
import type { AlertKeyState, AuditEntry, Json, LpBaselineRecord, PaperBookRecord, StoredAction } from '../ports/index.ts';

export const SCHEMA_VERSION = 7;
/** Plans kept at most; the oldest resolved go first, pending and executing ones are never dropped. */
export const MAX_APPROVALS = 5_000;
/** Snapshots kept at most (the monitor downsamples older ones before this bites). */
export const MAX_SNAPSHOTS = 20_000;
/** Audit entries kept at most; older ones are dropped oldest-first. */
export const MAX_AUDIT = 50_000;
/** Cached candle closes kept at most per asset and interval (≈ 2.3 years of hourly, 55 of daily); oldest dropped. */
export const MAX_CANDLES = 20_000;
/**
 * Button actions kept at most (≈ 250 replies' worth, ≈ 190 KB of the file), enforced on every put: the oldest go first,
 * but the newest card of each chat and kind and the buttons of a pending or executing plan are never dropped for it.
 */
export const MAX_ACTIONS = 500;

const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;

/**
 * Downsampling of portfolio snapshots, by age relative to the newest: one per 5 minutes for 7 days, one per hour up to
 * 90 days, one per day beyond. The last snapshot of each bucket is kept (it is the bucket's close). Records must be in
 * time order; the result is too.
 */
export function downsampleSnapshots<T extends { readonly at: number }>(records: readonly T[]): T[] {
  const newest = records[records.length - 1]?.at;
  if (newest === undefined) return [];
  const bucketOf = (at: number): string => {
    const age = newest - at;
    const width = age <= 7 * DAY ? 5 * MINUTE : age <= 90 * DAY ? 60 * MINUTE : DAY;
    return `${width}:${Math.floor(at / width)}`;
  };
  const out: T[] = [];
  let lastBucket = '';
  for (const r of records) {
    const b = bucketOf(r.at);
    if (b === lastBucket) out[out.length - 1] = r;
    else out.push(r);
    lastBucket = b;
  }
  return out;
}

export interface SnapshotRecord {
  readonly at: number;
  readonly totalValueUsd: string;
  readonly unrealizedPnlUsd: string;
  readonly realizedPnlUsd: string;
  readonly health: number;
  readonly leverage: number;
  readonly prices: Readonly<Record<string, number>>;
}

/** The price-history cache of one asset and interval (see CandleSeries in src/ports/repositories.ts). */
export interface CandleRecord {
  t: number[];
  close: number[];
  coveredFrom: number;
  coveredTo: number;
}

/** Alert engine state (see AlertStateRepo in src/ports/repositories.ts). */
export interface AlertsRecord {
  /** Per dedupe key. */
  keys: Record<string, AlertKeyState>;
  /** Rule → muted until (epoch ms). */
  mutes: Record<string, number>;
  /** Global snooze until (epoch ms), null when none. */
  snoozeUntil: number | null;
}

export function emptyAlerts(): AlertsRecord {
  return { keys: {}, mutes: {}, snoozeUntil: null };
}

export interface StoreData {
  schemaVersion: number;
  settings: Record<string, Json>;
  snapshots: SnapshotRecord[];
  audit: AuditEntry[];
  actions: Record<string, StoredAction>;
  /** Keyed `${asset}:${interval}`, e.g. "SOL:1h". Added in v2. */
  candles: Record<string, CandleRecord>;
  /** Added in v3. */
  alerts: AlertsRecord;
  /** Plans and their approvals by plan id, bigints tagged (see document-repos). Added in v4. */
  approvals: Record<string, Json>;
  /** The paper venue's book (positions, cash, fills, signatures); null until it first trades. Added in v5. */
  paper: PaperBookRecord | null;
  /** Liquidity positions' baselines (fee and HODL estimates), by position id. Added in v7. */
  lpBaselines: Record<string, LpBaselineRecord>;
}

export function emptyData(): StoreData {
  return { schemaVersion: SCHEMA_VERSION, settings: {}, snapshots: [], audit: [], actions: {}, candles: {}, alerts: emptyAlerts(), approvals: {}, paper: null, lpBaselines: {} };
}

/** Brings a document read from disk up to SCHEMA_VERSION; refuses one written by a newer version. */
export function migrate(raw: unknown): StoreData {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return emptyData();
  const doc = raw as Partial<StoreData>;
  const version = typeof doc.schemaVersion === 'number' ? doc.schemaVersion : 0;
  if (version > SCHEMA_VERSION) {
    throw new Error(`the data file has schemaVersion ${version}, newer than this Vigil understands (${SCHEMA_VERSION}); upgrade Vigil`);
  }
  // v0 → v1: the first versioned layout; fill missing collections.
  const v1 = {
    settings: doc.settings ?? {},
    snapshots: doc.snapshots ?? [],
    audit: doc.audit ?? [],
    actions: doc.actions ?? {},
  };
  // v1 → v2: adds the price-history cache, empty (an older file never had one).
  const candles = version >= 2 ? doc.candles ?? {} : {};
  // v2 → v3: adds the alert engine's state, empty (no alert was ever persisted before).
  const alerts = version >= 3 ? { ...emptyAlerts(), ...doc.alerts } : emptyAlerts();
  // v3 → v4: adds plans and approvals, empty (nothing could be confirmed before).
  const approvals = version >= 4 ? doc.approvals ?? {} : {};
  // v4 → v5: adds the paper book, none yet (paper fills did not survive a restart before).
  const paper = version >= 5 ? doc.paper ?? null : null;
  // v5 → v6: plans may hold liquidity legs (re-centers); nothing to convert, but a v5 Vigil must not read them.
  // v6 → v7: adds liquidity positions' baselines, none yet (fees are estimated from when Vigil first sees a bin).
  const lpBaselines = version >= 7 ? doc.lpBaselines ?? {} : {};
  return { schemaVersion: SCHEMA_VERSION, ...v1, candles, alerts, approvals, paper, lpBaselines };
}
