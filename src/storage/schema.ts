/** The persisted document: one JSON file, versioned. Bigints are stored as decimal strings. */
import type { AuditEntry, Json, StoredAction } from '../ports/index.ts';

export const SCHEMA_VERSION = 1;
/** Snapshots kept at most (the monitor downsamples older ones before this bites). */
export const MAX_SNAPSHOTS = 20_000;
/** Audit entries kept at most; older ones are dropped oldest-first. */
export const MAX_AUDIT = 50_000;

export interface SnapshotRecord {
  readonly at: number;
  readonly totalValueUsd: string;
  readonly unrealizedPnlUsd: string;
  readonly realizedPnlUsd: string;
  readonly health: number;
  readonly leverage: number;
  readonly prices: Readonly<Record<string, number>>;
}

export interface StoreData {
  schemaVersion: number;
  settings: Record<string, Json>;
  snapshots: SnapshotRecord[];
  audit: AuditEntry[];
  actions: Record<string, StoredAction>;
}

export function emptyData(): StoreData {
  return { schemaVersion: SCHEMA_VERSION, settings: {}, snapshots: [], audit: [], actions: {} };
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
  return {
    schemaVersion: SCHEMA_VERSION,
    settings: doc.settings ?? {},
    snapshots: doc.snapshots ?? [],
    audit: doc.audit ?? [],
    actions: doc.actions ?? {},
  };
}
