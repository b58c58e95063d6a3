/** Repositories over one JSON document; the lowdb and in-memory backends differ only in how they persist it. */
import { settingsProblem } from '../ports/settings.ts';
import type { AlertRule, ApprovalState, PortfolioSnapshot } from '../domain/index.ts';
import { APPROVAL_TRANSITIONS } from '../domain/index.ts';
import type { ApprovalRecord, CandleSeries, Json, Repositories, StoredAction } from '../ports/index.ts';
import { type CandleRecord, downsampleSnapshots, MAX_ACTIONS, MAX_APPROVALS, MAX_AUDIT, MAX_CANDLES, MAX_SNAPSHOTS, type SnapshotRecord, type StoreData } from './schema.ts';

/**
 * A document with serialised updates: `update` mutates and persists before resolving. With `keepOnWriteError`, a
 * change whose write fails stays in memory (saved by the next write that works) instead of failing the caller.
 */
export interface DocumentStore {
  readonly data: StoreData;
  update(mutate: (data: StoreData) => void, opts?: { keepOnWriteError?: boolean }): Promise<void>;
  close(): Promise<void>;
}

function toRecord(s: PortfolioSnapshot): SnapshotRecord {
  return {
    at: s.at, totalValueUsd: s.totalValueUsd.toString(), unrealizedPnlUsd: s.unrealizedPnlUsd.toString(),
    realizedPnlUsd: s.realizedPnlUsd.toString(), health: s.health, leverage: Number.isFinite(s.leverage) ? s.leverage : -1,
    prices: { ...s.prices },
  };
}

function fromRecord(r: SnapshotRecord): PortfolioSnapshot {
  return {
    at: r.at, totalValueUsd: BigInt(r.totalValueUsd), unrealizedPnlUsd: BigInt(r.unrealizedPnlUsd),
    realizedPnlUsd: BigInt(r.realizedPnlUsd), health: r.health, leverage: r.leverage < 0 ? Infinity : r.leverage,
    prices: { ...r.prices },
  };
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Sets an own property, even for keys such as "__proto__" that plain assignment would treat specially. */
function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function checkCandles(u: CandleSeries): void {
  const ok = u.t.length === u.close.length && Number.isFinite(u.coveredFrom) && Number.isFinite(u.coveredTo)
    && u.coveredFrom <= u.coveredTo && u.t.every((t, i) => Number.isFinite(t) && (i === 0 || t > (u.t[i - 1] ?? t)))
    && u.close.every((c) => Number.isFinite(c));
  if (!ok) throw new RangeError('candles: expected ascending finite times, one finite close each, and coveredFrom ≤ coveredTo');
}

/** `old` and `update` merged by time (update wins on equal t), kept within the resulting covered span, bounded. */
function mergeCandles(old: CandleRecord | undefined, u: CandleSeries): CandleRecord {
  const joins = old !== undefined && u.coveredFrom <= old.coveredTo + 1 && u.coveredTo >= old.coveredFrom - 1;
  const coveredFrom = joins ? Math.min(old.coveredFrom, u.coveredFrom) : u.coveredFrom;
  const coveredTo = joins ? Math.max(old.coveredTo, u.coveredTo) : u.coveredTo;
  const t: number[] = [];
  const close: number[] = [];
  const push = (time: number, c: number): void => {
    if (time >= coveredFrom && time <= coveredTo) {
      t.push(time);
      close.push(c);
    }
  };
  const a = joins ? old : { t: [], close: [] };
  let i = 0;
  let j = 0;
  while (i < a.t.length || j < u.t.length) {
    const ta = a.t[i] ?? Infinity;
    const tu = u.t[j] ?? Infinity;
    if (tu <= ta) {
      push(tu, u.close[j] ?? NaN);
      j++;
      if (tu === ta) i++;
    } else {
      push(ta, a.close[i] ?? NaN);
      i++;
    }
  }
  const drop = t.length - MAX_CANDLES;
  if (drop > 0) {
    t.splice(0, drop);
    close.splice(0, drop);
    return { t, close, coveredFrom: t[0] ?? coveredFrom, coveredTo };
  }
  return { t, close, coveredFrom, coveredTo };
}

/**
 * JSON-safe copy of a value holding bigints and non-finite numbers: a bigint becomes `{ "$bigint": "123" }`, ±Infinity
 * and NaN become `{ "$number": "Infinity" }` (JSON would turn them into null).
 */
function encodeBig(value: unknown): Json {
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
  if (Array.isArray(value)) return value.map(encodeBig);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) setOwn(out, k, encodeBig(v));
    return out;
  }
  return value as Json;
}

function decodeBig(value: Json): unknown {
  if (Array.isArray(value)) return value.map(decodeBig);
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const big = (value as { $bigint?: unknown }).$bigint;
      if (typeof big === 'string') return BigInt(big);
      const num = (value as { $number?: unknown }).$number;
      if (typeof num === 'string') return Number(num);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) setOwn(out, k, decodeBig(v));
    return out;
  }
  return value;
}

function approvalOf(doc: Json | undefined): ApprovalRecord | undefined {
  return doc === undefined ? undefined : (decodeBig(doc) as ApprovalRecord);
}

/** The fields lists sort and filter on, read from the stored JSON without decoding it (they are never tagged). */
function rawHead(doc: Json | undefined): { id: string; createdAt: number; state: string } {
  const d = doc as { plan?: { id?: string; createdAt?: number }; approval?: { state?: string } } | undefined;
  return { id: d?.plan?.id ?? '', createdAt: d?.plan?.createdAt ?? 0, state: d?.approval?.state ?? '' };
}

/**
 * Keeps at most MAX_APPROVALS plans: when over, the oldest resolved ones go first; pending and executing plans are
 * never dropped (so the store may exceed the bound while that many are live).
 */
function boundApprovals(all: Record<string, Json>): void {
  const total = Object.keys(all).length;
  if (total <= MAX_APPROVALS) return;
  const resolved = Object.entries(all)
    .map(([key, doc]) => ({ key, head: rawHead(doc) }))
    .filter(({ head }) => head.state !== 'pending' && head.state !== 'executing')
    .sort((a, b) => a.head.createdAt - b.head.createdAt);
  for (const { key } of resolved.slice(0, Math.min(resolved.length, total - MAX_APPROVALS))) delete all[key];
}

/** The kind of a plan's Confirm/Cancel buttons (ActionService); their payload is `{ planId }`. */
const APPROVAL_KIND = 'approval';

/** Whether `a` is a Confirm/Cancel button of a plan still pending or executing. */
function ofLivePlan(a: StoredAction, approvals: Readonly<Record<string, Json>>): boolean {
  if (a.kind !== APPROVAL_KIND) return false;
  const planId = (a.payload as { planId?: unknown } | null)?.planId;
  if (typeof planId !== 'string' || !Object.hasOwn(approvals, planId)) return false;
  const state = rawHead(approvals[planId]).state;
  return state === 'pending' || state === 'executing';
}

/**
 * Keeps at most MAX_ACTIONS button actions: when over, the oldest (createdAt, then order of puts) go first, except the
 * newest group of each (chat, kind) — the buttons on the newest card of each kind in each chat — and the buttons of a
 * live plan. Those only go by expiry, so the store may exceed the bound while there are that many.
 */
function boundActions(all: Record<string, StoredAction>, approvals: Readonly<Record<string, Json>>): void {
  const entries = Object.entries(all);
  if (entries.length <= MAX_ACTIONS) return;
  const slot = (a: StoredAction): string => `${a.chat.platform}\u0000${a.chat.chatId}\u0000${a.kind}`;
  // An action without a group (older files, a button made alone) is a group of its own; the prefix keeps its id
  // from ever equalling a real group id.
  const group = (a: StoredAction): string => a.group ?? `\u0000${a.id}`;
  const newest = new Map<string, { at: number; group: string }>();
  for (const [, a] of entries) {
    const s = slot(a);
    const n = newest.get(s);
    if (!n || a.createdAt >= n.at) newest.set(s, { at: a.createdAt, group: group(a) });
  }
  const droppable = entries
    .map(([key, a], order) => ({ key, a, order }))
    .filter(({ a }) => newest.get(slot(a))?.group !== group(a) && !ofLivePlan(a, approvals))
    .sort((x, y) => x.a.createdAt - y.a.createdAt || x.order - y.order);
  for (const { key } of droppable.slice(0, entries.length - MAX_ACTIONS)) delete all[key];
}

/** Most LP baselines kept: beyond it the oldest go (a baseline is re-made, from then on, if its position is seen again). */
export const MAX_LP_BASELINES = 500;

export function documentRepositories(store: DocumentStore): Repositories {
  return {
    lpBaselines: {
      get: (id) => Promise.resolve(Object.hasOwn(store.data.lpBaselines, id) ? clone(store.data.lpBaselines[id]) : undefined),
      put: async (record) => {
        const copy = clone(record);
        await store.update((d) => {
          setOwn(d.lpBaselines, record.id, copy);
          const all = Object.values(d.lpBaselines).sort((a, b) => a.since - b.since);
          for (const old of all.slice(0, Math.max(0, all.length - MAX_LP_BASELINES))) delete d.lpBaselines[old.id];
        });
      },
      prune: async (venue, held) => {
        const keep = new Set(held);
        const gone = Object.keys(store.data.lpBaselines).filter((id) => id.startsWith(`${venue}:`) && !keep.has(id));
        if (gone.length > 0) await store.update((d) => { for (const id of gone) delete d.lpBaselines[id]; });
      },
    },
    paperBook: {
      get: () => Promise.resolve(store.data.paper === null ? undefined : clone(store.data.paper)),
      put: async (book) => {
        const copy = clone(book);
        await store.update((d) => { d.paper = copy; });
      },
    },
    settings: {
      get: (key) => Promise.resolve(Object.hasOwn(store.data.settings, key) ? clone(store.data.settings[key]) : undefined),
      // Copy at call time: the update may run later, after the caller has changed `value`.
      set: async (key, value) => {
        // The allow-list and the file's own schema: what is written is always what the next start can load.
        const problem = settingsProblem(key, value);
        if (problem) throw new RangeError(`refused to store setting: ${problem}`);
        const copy = clone(value);
        await store.update((d) => { setOwn(d.settings, key, copy); });
      },
      delete: (key) => store.update((d) => { if (Object.hasOwn(d.settings, key)) delete d.settings[key]; }),
    },
    snapshots: {
      append: async (snapshot) => {
        const rec = toRecord(snapshot);
        await store.update((d) => {
          // Keep time order even if a late snapshot arrives.
          let i = d.snapshots.length;
          while (i > 0 && (d.snapshots[i - 1]?.at ?? 0) > rec.at) i--;
          d.snapshots.splice(i, 0, rec);
          if (d.snapshots.length > MAX_SNAPSHOTS) d.snapshots.splice(0, d.snapshots.length - MAX_SNAPSHOTS);
        });
      },
      list: (q = {}) => {
        let rows = store.data.snapshots.filter((s) => (q.from === undefined || s.at >= q.from) && (q.to === undefined || s.at <= q.to));
        if (q.limit !== undefined) rows = rows.slice(Math.max(0, rows.length - q.limit));
        return Promise.resolve(rows.map(fromRecord));
      },
      latest: () => {
        const last = store.data.snapshots[store.data.snapshots.length - 1];
        return Promise.resolve(last ? fromRecord(last) : undefined);
      },
      compact: async () => {
        let dropped = 0;
        await store.update((d) => {
          const kept = downsampleSnapshots(d.snapshots);
          dropped = d.snapshots.length - kept.length;
          d.snapshots = kept;
        });
        return dropped;
      },
    },
    audit: {
      append: async (entry) => {
        const copy = clone(entry);
        await store.update((d) => {
          d.audit.push(copy);
          if (d.audit.length > MAX_AUDIT) d.audit.splice(0, d.audit.length - MAX_AUDIT);
        });
      },
      // slice(-0) would return everything.
      list: (limit = 100) => Promise.resolve(limit > 0 ? clone(store.data.audit.slice(-limit)) : []),
    },
    actions: {
      put: async (action: StoredAction) => {
        const copy = clone(action);
        await store.update((d) => {
          // Re-inserted, so the document's key order stays the order of puts (the bound's tie-break).
          delete d.actions[copy.id];
          setOwn(d.actions, copy.id, copy);
          boundActions(d.actions, d.approvals);
          // A button is worth more than its persistence: on a full disk the reply still gets it (live in this process).
        }, { keepOnWriteError: true });
      },
      get: (id) => Promise.resolve(Object.hasOwn(store.data.actions, id) ? clone(store.data.actions[id]) : undefined),
      delete: (id) => store.update((d) => { delete d.actions[id]; }),
      // Decided inside the update, so writes still queued when prune is called are seen and counted.
      prune: async (now) => {
        let pruned = 0;
        await store.update((d) => {
          for (const a of Object.values(d.actions)) {
            if (a.expiresAt < now) {
              delete d.actions[a.id];
              pruned++;
            }
          }
        });
        return pruned;
      },
    },
    candles: {
      get: (asset, interval) => {
        const key = `${asset}:${interval}`;
        return Promise.resolve(Object.hasOwn(store.data.candles, key) ? clone(store.data.candles[key]) : undefined);
      },
      merge: async (asset, interval, update) => {
        checkCandles(update);
        // Copy at call time, like the other repos.
        const copy = { t: [...update.t], close: [...update.close], coveredFrom: update.coveredFrom, coveredTo: update.coveredTo };
        const key = `${asset}:${interval}`;
        await store.update((d) => {
          setOwn(d.candles, key, mergeCandles(Object.hasOwn(d.candles, key) ? d.candles[key] : undefined, copy));
        });
      },
    },
    alerts: {
      get: (key) => Promise.resolve(Object.hasOwn(store.data.alerts.keys, key) ? clone(store.data.alerts.keys[key]) : undefined),
      getAll: () => Promise.resolve(Object.values(store.data.alerts.keys).map((s) => clone(s))),
      put: async (state) => {
        const copy = clone(state);
        await store.update((d) => { setOwn(d.alerts.keys, copy.key, copy); });
      },
      putMany: async (states) => {
        if (states.length === 0) return;
        const copies = states.map((s) => clone(s));
        await store.update((d) => { for (const c of copies) setOwn(d.alerts.keys, c.key, c); });
      },
      delete: (key) => store.update((d) => { delete d.alerts.keys[key]; }),
      getMutes: () => {
        const out: Partial<Record<AlertRule, number>> = {};
        for (const [rule, until] of Object.entries(store.data.alerts.mutes)) setOwn(out, rule, until);
        return Promise.resolve(out);
      },
      setMute: (rule, until) => store.update((d) => {
        if (until === null) delete d.alerts.mutes[rule];
        else setOwn(d.alerts.mutes, rule, until);
      }),
      getSnooze: () => Promise.resolve(store.data.alerts.snoozeUntil),
      setSnooze: (until) => store.update((d) => { d.alerts.snoozeUntil = until; }),
    },
    approvals: {
      create: async (record) => {
        const doc = encodeBig(record);
        await store.update((d) => {
          if (Object.hasOwn(d.approvals, record.plan.id)) throw new Error(`plan ${record.plan.id} already exists`);
          setOwn(d.approvals, record.plan.id, doc);
          boundApprovals(d.approvals);
        });
      },
      get: (planId) => Promise.resolve(Object.hasOwn(store.data.approvals, planId) ? approvalOf(clone(store.data.approvals[planId])) : undefined),
      transition: async (planId, from, next) => {
        if (!APPROVAL_TRANSITIONS[from].includes(next.state)) throw new RangeError(`illegal approval transition ${from} → ${next.state}`);
        // The file would no longer load (its schema ties each approval to its plan): refuse before writing.
        if (next.planId !== planId) throw new RangeError(`approval for ${next.planId} stored under plan ${planId}`);
        let applied = false;
        const approval = encodeBig(next);
        await store.update((d) => {
          const cur = approvalOf(Object.hasOwn(d.approvals, planId) ? d.approvals[planId] : undefined);
          if (!cur || cur.approval.state !== from) return;
          setOwn(d.approvals, planId, { ...(d.approvals[planId] as Record<string, Json>), approval });
          applied = true;
        });
        return applied;
      },
      recordSignatures: async (planId, signatures, validUntil) => {
        let applied = false;
        await store.update((d) => {
          const cur = approvalOf(Object.hasOwn(d.approvals, planId) ? d.approvals[planId] : undefined);
          if (!cur || cur.approval.state !== 'executing') return;
          const approval = {
            ...cur.approval, signatures: [...cur.approval.signatures, ...signatures],
            ...(validUntil === undefined ? {} : { validUntil: { ...cur.approval.validUntil, ...Object.fromEntries(signatures.map((s) => [s, validUntil])) } }),
          };
          setOwn(d.approvals, planId, encodeBig({ plan: cur.plan, approval }));
          applied = true;
        });
        return applied;
      },
      list: (q = {}) => {
        const heads = Object.values(store.data.approvals)
          .map((doc) => ({ doc, head: rawHead(doc) }))
          .filter(({ head }) => (!q.states || q.states.includes(head.state as ApprovalState)) && (q.since === undefined || head.createdAt >= q.since))
          .sort((a, b) => b.head.createdAt - a.head.createdAt || (a.head.id < b.head.id ? -1 : 1));
        const kept = q.limit === undefined ? heads : heads.slice(0, Math.max(0, q.limit));
        return Promise.resolve(kept.map(({ doc }) => approvalOf(clone(doc)) as ApprovalRecord));
      },
    },
    close: () => store.close(),
  };
}
