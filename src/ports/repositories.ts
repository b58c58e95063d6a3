import type { ChatRef, PortfolioSnapshot, Role } from '../domain/index.ts';

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
}

export interface ActionRepo {
  put(action: StoredAction): Promise<void>;
  get(id: string): Promise<StoredAction | undefined>;
  delete(id: string): Promise<void>;
  /** Drops actions expired before `now`; returns how many. */
  prune(now: number): Promise<number>;
}

export interface Repositories {
  readonly settings: SettingsRepo;
  readonly snapshots: SnapshotRepo;
  readonly audit: AuditRepo;
  readonly actions: ActionRepo;
  /** Flushes pending writes. */
  close(): Promise<void>;
}
