/** Repositories over one JSON document; the lowdb and in-memory backends differ only in how they persist it. */
import type { PortfolioSnapshot } from '../domain/index.ts';
import type { Repositories, StoredAction } from '../ports/index.ts';
import { MAX_AUDIT, MAX_SNAPSHOTS, type SnapshotRecord, type StoreData } from './schema.ts';

/** A document with serialised updates: `update` mutates and persists before resolving. */
export interface DocumentStore {
  readonly data: StoreData;
  update(mutate: (data: StoreData) => void): Promise<void>;
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

export function documentRepositories(store: DocumentStore): Repositories {
  return {
    settings: {
      get: (key) => Promise.resolve(Object.hasOwn(store.data.settings, key) ? clone(store.data.settings[key]) : undefined),
      // Copy at call time: the update may run later, after the caller has changed `value`.
      set: async (key, value) => {
        const copy = clone(value);
        await store.update((d) => { setOwn(d.settings, key, copy); });
      },
      delete: (key) => store.update((d) => { delete d.settings[key]; }),
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
        await store.update((d) => { setOwn(d.actions, copy.id, copy); });
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
    close: () => store.close(),
  };
}
