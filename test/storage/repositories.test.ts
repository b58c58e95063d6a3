/**
 * One behavioural suite for every Repositories backend (in-memory and lowdb), plus what only the lowdb file adds:
 * persistence across reopen, schemaVersion and migrations, atomic writes, serialised concurrent updates, and memory
 * and disk agreeing after a failed write.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PortfolioSnapshot } from '../../src/domain/index.ts';
import type { AlertKeyState, AuditEntry, CandleSeries, Json, LpBaselineRecord, Repositories, StoredAction } from '../../src/ports/index.ts';
import { MAX_LP_BASELINES } from '../../src/storage/document-repos.ts';
import { openLowdbRepositories } from '../../src/storage/lowdb/index.ts';
import {
  emptyAlerts, emptyData, MAX_AUDIT, MAX_CANDLES, MAX_SNAPSHOTS, SCHEMA_VERSION, type SnapshotRecord, type StoreData,
} from '../../src/storage/schema.ts';
import { storageBackends, TWO_POW_70 } from '../helpers/storage-backends.ts';

const { backends, dir: tempDir, file } = storageBackends('vigil-repos-');

function snap(at: number, over: Partial<PortfolioSnapshot> = {}): PortfolioSnapshot {
  return {
    at, totalValueUsd: 1_000_000n * BigInt(at), unrealizedPnlUsd: -5n, realizedPnlUsd: 7n, health: 80, leverage: 2.5,
    prices: { SOL: 150.25, BTC: 87_648.22 }, ...over,
  };
}

function record(at: number): SnapshotRecord {
  return { at, totalValueUsd: String(at), unrealizedPnlUsd: '0', realizedPnlUsd: '0', health: 100, leverage: 1, prices: {} };
}

function entry(i: number): AuditEntry {
  return { at: 1_000 + i, actor: i % 2 === 0 ? 'system' : 'telegram:123', action: `act-${i}`, detail: { i, tags: ['x', String(i)] } };
}

function action(id: string, expiresAt: number): StoredAction {
  return {
    id, kind: 'rerun', payload: { command: 'portfolio', args: [1, 'two', null] }, role: 'viewer', createdBy: 'console:local',
    chat: { platform: 'console', chatId: 'local' }, createdAt: 0, expiresAt,
  };
}

const H = 3_600_000;

function alertState(key: string, over: Partial<AlertKeyState> = {}): AlertKeyState {
  return {
    key, rule: 'health', level: 'warning', since: 10, lastSentAt: 10, lastSentLevel: 'warning', lastAlertAt: 10,
    lastAlertLevel: 'warning', delivered: false,
    observation: { rule: 'health', market: 'paper', level: 'warning', value: 42, threshold: 50, title: 'Health 42', detail: 'Health 42/100 is below 50', action: 'hedge' },
    ...over,
  };
}

/** Hourly closes at hours a..b (close = hour number), covering [a h, (b + 1) h − 1 ms]: chunks a..b and b+1..c touch. */
function hours(a: number, b: number, close = (h: number): number => h): CandleSeries {
  const hs = Array.from({ length: b - a + 1 }, (_, i) => a + i);
  return { t: hs.map((h) => h * H), close: hs.map(close), coveredFrom: a * H, coveredTo: (b + 1) * H - 1 };
}

describe.each(backends)('$name repositories', (backend) => {
  let repos: Repositories;
  beforeEach(async () => {
    repos = await backend.open();
  });
  afterEach(async () => {
    await repos.close();
  });

  describe('lpBaselines', () => {
    const baseline = (id: string, since: number): LpBaselineRecord => ({
      id, since, priceX: 150.5, priceY: 1, bins: [{ binId: 8_388_600, reserveX: '12', reserveY: String(TWO_POW_70), totalSupply: '99' }],
    });

    it('keeps what was put (bigints as text), forgets a venue’s positions no longer held, and stays bounded', async () => {
      await repos.lpBaselines.put(baseline('saros:A', 1));
      await repos.lpBaselines.put(baseline('saros:B', 2));
      await repos.lpBaselines.put(baseline('paper:C', 3));
      expect(await repos.lpBaselines.get('saros:A')).toEqual(baseline('saros:A', 1));
      expect(await repos.lpBaselines.get('nope')).toBeUndefined();
      await repos.lpBaselines.prune('saros', ['saros:B']);
      expect(await repos.lpBaselines.get('saros:A')).toBeUndefined();
      expect(await repos.lpBaselines.get('saros:B')).toEqual(baseline('saros:B', 2));
      expect(await repos.lpBaselines.get('paper:C')).toEqual(baseline('paper:C', 3));
      for (let i = 0; i < MAX_LP_BASELINES; i++) await repos.lpBaselines.put(baseline(`saros:n${i}`, 10 + i));
      // The oldest went first: B (2) and C (3); the newest MAX_LP_BASELINES stay.
      expect(await repos.lpBaselines.get('saros:B')).toBeUndefined();
      expect(await repos.lpBaselines.get('paper:C')).toBeUndefined();
      expect(await repos.lpBaselines.get(`saros:n${MAX_LP_BASELINES - 1}`)).toBeDefined();
      expect(await repos.lpBaselines.get('saros:n0')).toBeDefined();
    });
  });

  describe('settings', () => {
    const LIMITS = { minHealth: 33, maxPortfolioLeverage: 4 };

    it('gets what was set, overwrites, deletes, and reads unknown keys as undefined', async () => {
      expect(await repos.settings.get('risk-limits')).toBeUndefined();
      await repos.settings.set('risk-limits', LIMITS);
      expect(await repos.settings.get('risk-limits')).toEqual(LIMITS);
      await repos.settings.set('risk-limits', { minHealth: 20 });
      expect(await repos.settings.get('risk-limits')).toEqual({ minHealth: 20 });
      await repos.settings.set('alert-thresholds', { pnl_move: 0.1 });
      await repos.settings.delete('risk-limits');
      expect(await repos.settings.get('risk-limits')).toBeUndefined();
      expect(await repos.settings.get('alert-thresholds')).toEqual({ pnl_move: 0.1 });
      await repos.settings.delete('target-weights');
      expect(await repos.settings.get('never-set')).toBeUndefined();
    });

    it('refuses keys off the allow-list and values the file schema would refuse, storing nothing', async () => {
      for (const key of ['limits', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
        await expect(repos.settings.set(key, { minHealth: 5 })).rejects.toThrow(/is not a setting/);
      }
      await expect(repos.settings.set('alert-thresholds', { health_warning: 'lots' })).rejects.toThrow(/health_warning/);
      await expect(repos.settings.set('alert-thresholds', { toString: 1 })).rejects.toThrow();
      await expect(repos.settings.set('risk-limits', { minHealth: 500 })).rejects.toThrow(/minHealth/);
      await expect(repos.settings.set('risk-limits', { minHealth: Number.NaN })).rejects.toThrow(/minHealth/);
      for (const key of ['limits', '__proto__', 'constructor', 'toString', 'alert-thresholds', 'risk-limits']) {
        expect(await repos.settings.get(key)).toBeUndefined();
      }
    });

    it('hands out deep copies: mutating a returned value does not change storage', async () => {
      await repos.settings.set('target-weights', { weights: { SOL: 0.6, BTC: 0.4 }, source: 'test', setAt: 1, setBy: 'a' });
      const got = (await repos.settings.get('target-weights')) as { weights: Record<string, number> };
      got.weights.SOL = 1;
      expect(await repos.settings.get('target-weights')).toMatchObject({ weights: { SOL: 0.6, BTC: 0.4 } });
    });

    it('stores a copy of the value at call time, even if the caller changes it before the write completes', async () => {
      const value = { minHealth: 10 };
      const pending = repos.settings.set('risk-limits', value);
      value.minHealth = 11;
      await pending;
      expect(await repos.settings.get('risk-limits')).toEqual({ minHealth: 10 });
    });

    it('does not see keys inherited from Object.prototype', async () => {
      for (const key of ['toString', 'constructor', 'hasOwnProperty', 'valueOf', '__proto__']) {
        expect(await repos.settings.get(key)).toBeUndefined();
      }
    });

    it('behaves like a map under any sequence of set/delete of allowed keys and valid values (property)', async () => {
      const op = fc.oneof(
        fc.record({ kind: fc.constant('set' as const), key: fc.constant('risk-limits'), value: fc.record({ minHealth: fc.integer({ min: 0, max: 100 }) }, { requiredKeys: [] }) }),
        fc.record({ kind: fc.constant('set' as const), key: fc.constant('alert-thresholds'), value: fc.record({ pnl_move: fc.double({ min: 0.001, max: 1, noNaN: true }) }, { requiredKeys: [] }) }),
        fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom('risk-limits', 'alert-thresholds', 'target-weights') }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 12 }), async (ops) => {
          const r = await backend.open();
          const model = new Map<string, Json>();
          for (const o of ops) {
            if (o.kind === 'set') {
              await r.settings.set(o.key, o.value);
              model.set(o.key, o.value);
            } else {
              await r.settings.delete(o.key);
              model.delete(o.key);
            }
          }
          for (const o of ops) expect(await r.settings.get(o.key)).toEqual(model.get(o.key));
          await r.close();
        }),
        { numRuns: 25 },
      );
    });
  });

  describe('snapshots', () => {
    it('round-trips bigint amounts exactly, beyond 2^53 and negative', async () => {
      const s = snap(1, { totalValueUsd: TWO_POW_70, unrealizedPnlUsd: -TWO_POW_70 + 1n, realizedPnlUsd: 0n });
      await repos.snapshots.append(s);
      const latest = await repos.snapshots.latest();
      expect(latest?.totalValueUsd).toBe(1180591620717411303424n);
      expect(latest?.unrealizedPnlUsd).toBe(-1180591620717411303423n);
      expect(latest?.realizedPnlUsd).toBe(0n);
      expect(latest).toEqual(s);
    });

    it('round-trips arbitrary bigints and an infinite leverage (property)', async () => {
      const big = fc.bigInt({ min: -(2n ** 128n), max: 2n ** 128n });
      await fc.assert(
        fc.asyncProperty(big, big, big, fc.constantFrom(0, 1.75, 12.5, Infinity), async (a, b, c, leverage) => {
          const r = await backend.open();
          const s = snap(5, { totalValueUsd: a, unrealizedPnlUsd: b, realizedPnlUsd: c, leverage });
          await r.snapshots.append(s);
          expect(await r.snapshots.latest()).toEqual(s);
          await r.close();
        }),
        { numRuns: 25 },
      );
    });

    it('latest is undefined when empty, then the most recent by time', async () => {
      expect(await repos.snapshots.latest()).toBeUndefined();
      expect(await repos.snapshots.list()).toEqual([]);
      await repos.snapshots.append(snap(20));
      await repos.snapshots.append(snap(10));
      expect((await repos.snapshots.latest())?.at).toBe(20);
    });

    it('lists oldest first within [from, to], keeping at most the `limit` most recent', async () => {
      for (const at of [10, 20, 30, 40, 50]) await repos.snapshots.append(snap(at));
      const ats = async (q?: { from?: number; to?: number; limit?: number }): Promise<number[]> =>
        (await repos.snapshots.list(q)).map((s) => s.at);
      expect(await ats()).toEqual([10, 20, 30, 40, 50]);
      expect(await ats({ from: 20 })).toEqual([20, 30, 40, 50]);
      expect(await ats({ to: 30 })).toEqual([10, 20, 30]);
      expect(await ats({ from: 20, to: 40 })).toEqual([20, 30, 40]);
      expect(await ats({ from: 21, to: 39 })).toEqual([30]);
      expect(await ats({ limit: 2 })).toEqual([40, 50]);
      expect(await ats({ from: 10, to: 30, limit: 2 })).toEqual([20, 30]);
      expect(await ats({ limit: 0 })).toEqual([]);
      expect(await ats({ limit: 99 })).toEqual([10, 20, 30, 40, 50]);
      expect(await ats({ from: 41, to: 49 })).toEqual([]);
      expect(await ats({ from: 40, to: 20 })).toEqual([]);
    });

    it('keeps time order when snapshots arrive out of order; equal times stay in arrival order (property)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 15 }), async (times) => {
          const r = await backend.open();
          // Tag each snapshot with its arrival index through realizedPnlUsd.
          for (const [i, at] of times.entries()) await r.snapshots.append(snap(at, { realizedPnlUsd: BigInt(i) }));
          const expected = times.map((at, i) => ({ at, i })).sort((x, y) => x.at - y.at || x.i - y.i);
          const got = (await r.snapshots.list()).map((s) => ({ at: s.at, i: Number(s.realizedPnlUsd) }));
          expect(got).toEqual(expected);
          await r.close();
        }),
        { numRuns: 25 },
      );
    });

    it('hands out copies and keeps its own: mutating prices on either side does not change storage', async () => {
      const input = { SOL: 100, BTC: 90_000 };
      await repos.snapshots.append(snap(1, { prices: input }));
      input.SOL = -1;
      const first = await repos.snapshots.latest();
      (first?.prices as Record<string, number>).SOL = -2;
      const listed = await repos.snapshots.list();
      (listed[0]?.prices as Record<string, number>).BTC = -3;
      expect((await repos.snapshots.latest())?.prices).toEqual({ SOL: 100, BTC: 90_000 });
    });

    it(`keeps at most MAX_SNAPSHOTS (${MAX_SNAPSHOTS}), dropping the oldest`, async () => {
      const initial = { ...emptyData(), snapshots: Array.from({ length: MAX_SNAPSHOTS }, (_, i) => record(i)) };
      const r = await backend.open(initial);
      await r.snapshots.append(snap(MAX_SNAPSHOTS));
      const all = await r.snapshots.list();
      expect(all).toHaveLength(MAX_SNAPSHOTS);
      expect(all[0]?.at).toBe(1);
      expect(all.at(-1)?.at).toBe(MAX_SNAPSHOTS);
      await r.close();
    });
  });

  describe('audit', () => {
    it('lists most recent last, at most `limit`', async () => {
      for (let i = 0; i < 5; i++) await repos.audit.append(entry(i));
      expect(await repos.audit.list()).toEqual([0, 1, 2, 3, 4].map(entry));
      expect(await repos.audit.list(2)).toEqual([entry(3), entry(4)]);
      expect(await repos.audit.list(5)).toEqual([0, 1, 2, 3, 4].map(entry));
      expect(await repos.audit.list(50)).toEqual([0, 1, 2, 3, 4].map(entry));
      expect(await repos.audit.list(1)).toEqual([entry(4)]);
    });

    it('lists nothing for a limit of 0', async () => {
      await repos.audit.append(entry(0));
      expect(await repos.audit.list(0)).toEqual([]);
    });

    it('lists the last 100 by default', async () => {
      const r = await backend.open({ ...emptyData(), audit: Array.from({ length: 150 }, (_, i) => entry(i)) });
      const listed = await r.audit.list();
      expect(listed).toHaveLength(100);
      expect(listed[0]).toEqual(entry(50));
      expect(listed.at(-1)).toEqual(entry(149));
      await r.close();
    });

    it('hands out and keeps copies', async () => {
      const e = { at: 1, actor: 'system', action: 'x', detail: { list: [1] } };
      const pending = repos.audit.append(e);
      e.detail.list.push(2);
      await pending;
      const got = await repos.audit.list();
      (got[0]?.detail.list as number[]).push(3);
      expect(await repos.audit.list()).toEqual([{ at: 1, actor: 'system', action: 'x', detail: { list: [1] } }]);
    });

    it(`keeps at most MAX_AUDIT (${MAX_AUDIT}), dropping the oldest`, async () => {
      const r = await backend.open({ ...emptyData(), audit: Array.from({ length: MAX_AUDIT }, (_, i) => entry(i)) });
      await r.audit.append(entry(MAX_AUDIT));
      const all = await r.audit.list(MAX_AUDIT + 10);
      expect(all).toHaveLength(MAX_AUDIT);
      expect(all[0]).toEqual(entry(1));
      expect(all.at(-1)).toEqual(entry(MAX_AUDIT));
      await r.close();
    });
  });

  describe('actions', () => {
    it('puts, gets, overwrites and deletes by id', async () => {
      expect(await repos.actions.get('a1')).toBeUndefined();
      await repos.actions.put(action('a1', 100));
      await repos.actions.put(action('a2', 200));
      expect(await repos.actions.get('a1')).toEqual(action('a1', 100));
      await repos.actions.put({ ...action('a1', 100), kind: 'approval' });
      expect((await repos.actions.get('a1'))?.kind).toBe('approval');
      await repos.actions.delete('a1');
      expect(await repos.actions.get('a1')).toBeUndefined();
      expect(await repos.actions.get('a2')).toEqual(action('a2', 200));
      await repos.actions.delete('missing');
      expect(await repos.actions.get('toString')).toBeUndefined();
    });

    it('hands out copies', async () => {
      await repos.actions.put(action('a1', 100));
      const got = await repos.actions.get('a1');
      (got?.payload as { args: Json[] }).args.push('extra');
      expect(await repos.actions.get('a1')).toEqual(action('a1', 100));
    });

    it('prunes the actions that expired before now and says how many', async () => {
      for (const [id, exp] of [['a', 10], ['b', 20], ['c', 30], ['d', 40]] as const) await repos.actions.put(action(id, exp));
      expect(await repos.actions.prune(5)).toBe(0);
      // expiresAt < now: 'c' expires exactly at 30 and is kept.
      expect(await repos.actions.prune(30)).toBe(2);
      expect(await repos.actions.get('a')).toBeUndefined();
      expect(await repos.actions.get('b')).toBeUndefined();
      expect(await repos.actions.get('c')).toEqual(action('c', 30));
      expect(await repos.actions.prune(30)).toBe(0);
      expect(await repos.actions.prune(1_000)).toBe(2);
      expect(await repos.actions.get('d')).toBeUndefined();
    });

    it('prune sees a put that was issued before it but had not completed yet', async () => {
      const [, pruned] = await Promise.all([repos.actions.put(action('late', 10)), repos.actions.prune(100)]);
      expect(pruned).toBe(1);
      expect(await repos.actions.get('late')).toBeUndefined();
    });

    it('prune does not count an action a concurrent delete already removed', async () => {
      await repos.actions.put(action('x', 10));
      const [, pruned] = await Promise.all([repos.actions.delete('x'), repos.actions.prune(100)]);
      expect(pruned).toBe(0);
    });
  });

  describe('candles', () => {
    it('reads undefined until something is merged, then what was merged', async () => {
      expect(await repos.candles.get('SOL', '1h')).toBeUndefined();
      await repos.candles.merge('SOL', '1h', hours(10, 12));
      expect(await repos.candles.get('SOL', '1h')).toEqual(hours(10, 12));
      expect(await repos.candles.get('SOL', '1d')).toBeUndefined();
      expect(await repos.candles.get('BTC', '1h')).toBeUndefined();
    });

    it('widens the span with a touching or overlapping merge; a point at an existing time is replaced', async () => {
      await repos.candles.merge('SOL', '1h', hours(10, 12));
      // Touching: each span starts 1 ms after the other ends.
      await repos.candles.merge('SOL', '1h', hours(13, 14));
      await repos.candles.merge('SOL', '1h', hours(8, 9));
      await repos.candles.merge('SOL', '1h', hours(11, 11, () => 99));
      const got = await repos.candles.get('SOL', '1h');
      expect(got?.t).toEqual([8, 9, 10, 11, 12, 13, 14].map((h) => h * H));
      expect(got?.close).toEqual([8, 9, 10, 99, 12, 13, 14]);
      expect(got).toMatchObject({ coveredFrom: 8 * H, coveredTo: 15 * H - 1 });
      // 1 ms apart is not touching: the newer span replaces the older.
      await repos.candles.merge('SOL', '1h', { ...hours(16, 16), coveredFrom: 15 * H + 1 });
      expect(await repos.candles.get('SOL', '1h')).toEqual({ ...hours(16, 16), coveredFrom: 15 * H + 1 });
    });

    it('keeps a gap inside the span, and an empty update can still widen the span', async () => {
      await repos.candles.merge('SOL', '1h', { t: [10 * H, 12 * H], close: [1, 2], coveredFrom: 10 * H, coveredTo: 12 * H });
      await repos.candles.merge('SOL', '1h', { t: [], close: [], coveredFrom: 12 * H + 1, coveredTo: 20 * H });
      expect(await repos.candles.get('SOL', '1h')).toEqual({ t: [10 * H, 12 * H], close: [1, 2], coveredFrom: 10 * H, coveredTo: 20 * H });
    });

    it('replaces the span, and the points with it, on a disjoint merge; drops points outside the span', async () => {
      await repos.candles.merge('SOL', '1h', hours(10, 12));
      await repos.candles.merge('SOL', '1h', hours(20, 21));
      expect(await repos.candles.get('SOL', '1h')).toEqual(hours(20, 21));
      await repos.candles.merge('ETH', '1h', { ...hours(1, 5), coveredFrom: 2 * H, coveredTo: 4 * H });
      expect(await repos.candles.get('ETH', '1h')).toEqual({ ...hours(2, 4), coveredTo: 4 * H });
    });

    it('keeps series apart by asset and interval, "__proto__" included', async () => {
      await repos.candles.merge('__proto__', '1h', hours(1, 2));
      await repos.candles.merge('SOL', '1d', hours(3, 4));
      expect(await repos.candles.get('__proto__', '1h')).toEqual(hours(1, 2));
      expect(await repos.candles.get('SOL', '1d')).toEqual(hours(3, 4));
      expect(await repos.candles.get('toString', '1h')).toBeUndefined();
    });

    it('hands out copies and keeps its own', async () => {
      const input = { t: [H], close: [5], coveredFrom: H, coveredTo: H };
      const pending = repos.candles.merge('SOL', '1h', input);
      input.close[0] = -1;
      await pending;
      const got = await repos.candles.get('SOL', '1h');
      (got?.close as number[])[0] = -2;
      expect((await repos.candles.get('SOL', '1h'))?.close).toEqual([5]);
    });

    it('refuses a malformed update and stores nothing', async () => {
      const bad: CandleSeries[] = [
        { t: [1, 2], close: [1], coveredFrom: 1, coveredTo: 2 },
        { t: [2, 1], close: [1, 1], coveredFrom: 1, coveredTo: 2 },
        { t: [1, 1], close: [1, 1], coveredFrom: 1, coveredTo: 2 },
        { t: [1], close: [NaN], coveredFrom: 1, coveredTo: 2 },
        { t: [1], close: [1], coveredFrom: 3, coveredTo: 2 },
        { t: [1], close: [1], coveredFrom: 1, coveredTo: Infinity },
      ];
      for (const u of bad) await expect(repos.candles.merge('SOL', '1h', u)).rejects.toThrow(RangeError);
      expect(await repos.candles.get('SOL', '1h')).toBeUndefined();
    });

    it(`keeps at most MAX_CANDLES (${MAX_CANDLES}) per series, dropping the oldest and moving the span's start`, async () => {
      const full = hours(0, MAX_CANDLES - 1);
      const r = await backend.open({ ...emptyData(), candles: { 'SOL:1h': { ...full, t: [...full.t], close: [...full.close] } } });
      await r.candles.merge('SOL', '1h', hours(MAX_CANDLES, MAX_CANDLES + 1));
      const got = await r.candles.get('SOL', '1h');
      expect(got?.t).toHaveLength(MAX_CANDLES);
      expect(got?.t[0]).toBe(2 * H);
      expect(got?.t.at(-1)).toBe((MAX_CANDLES + 1) * H);
      expect(got).toMatchObject({ coveredFrom: 2 * H, coveredTo: (MAX_CANDLES + 2) * H - 1 });
      await r.close();
    });

    it('equals the union of touching chunks merged in any order (property)', async () => {
      const chunk = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 9 }));
      await fc.assert(
        fc.asyncProperty(fc.array(chunk, { minLength: 1, maxLength: 8 }), async (chunks) => {
          const r = await backend.open();
          // Each chunk must touch what is there: grow one span outward from the first chunk.
          let lo = chunks[0]?.[0] ?? 0;
          let hi = lo - 1;
          const model = new Map<number, number>();
          for (const [i, [, len, tag]] of chunks.entries()) {
            const [a, b] = i % 2 === 0 ? [hi + 1, hi + 1 + len] : [Math.max(0, lo - 1 - len), Math.max(0, lo - 1)];
            await r.candles.merge('X', '1h', hours(a, b, (h) => h * 10 + tag));
            for (let h = a; h <= b; h++) model.set(h * H, h * 10 + tag);
            lo = Math.min(lo, a);
            hi = Math.max(hi, b);
          }
          const keys = [...model.keys()].sort((x, y) => x - y);
          expect(await r.candles.get('X', '1h')).toEqual({ t: keys, close: keys.map((k) => model.get(k)), coveredFrom: lo * H, coveredTo: (hi + 1) * H - 1 });
          await r.close();
        }),
        { numRuns: 25 },
      );
    });
  });

  describe('alerts', () => {
    it('puts, gets, lists, overwrites and deletes key states; unknown keys read as undefined', async () => {
      expect(await repos.alerts.get('main:health:paper')).toBeUndefined();
      expect(await repos.alerts.getAll()).toEqual([]);
      await repos.alerts.put(alertState('main:health:paper'));
      await repos.alerts.putMany([alertState('main:var:*', { rule: 'var' }), alertState('__proto__', { level: 'critical' })]);
      await repos.alerts.putMany([]);
      expect(await repos.alerts.get('main:health:paper')).toEqual(alertState('main:health:paper'));
      expect(await repos.alerts.get('__proto__')).toEqual(alertState('__proto__', { level: 'critical' }));
      expect(await repos.alerts.get('toString')).toBeUndefined();
      expect((await repos.alerts.getAll()).map((a) => a.key).sort()).toEqual(['__proto__', 'main:health:paper', 'main:var:*']);
      await repos.alerts.put(alertState('main:health:paper', { acknowledgedAt: 20, ackedBy: 'telegram:1' }));
      expect(await repos.alerts.get('main:health:paper')).toMatchObject({ acknowledgedAt: 20, ackedBy: 'telegram:1' });
      await repos.alerts.delete('main:var:*');
      await repos.alerts.delete('missing');
      expect(await repos.alerts.get('main:var:*')).toBeUndefined();
      expect(await repos.alerts.getAll()).toHaveLength(2);
    });

    it('keeps mutes per rule and one global snooze; null lifts them', async () => {
      expect(await repos.alerts.getMutes()).toEqual({});
      expect(await repos.alerts.getSnooze()).toBeNull();
      await repos.alerts.setMute('health', 100);
      await repos.alerts.setMute('var', 200);
      await repos.alerts.setMute('health', 150);
      expect(await repos.alerts.getMutes()).toEqual({ health: 150, var: 200 });
      await repos.alerts.setMute('var', null);
      expect(await repos.alerts.getMutes()).toEqual({ health: 150 });
      await repos.alerts.setSnooze(300);
      expect(await repos.alerts.getSnooze()).toBe(300);
      await repos.alerts.setSnooze(null);
      expect(await repos.alerts.getSnooze()).toBeNull();
    });

    it('hands out and keeps copies', async () => {
      const input = alertState('k');
      const pending = repos.alerts.put(input);
      (input.observation as { title: string }).title = 'changed';
      await pending;
      const got = await repos.alerts.get('k');
      (got?.observation as { detail: string }).detail = 'changed';
      const all = await repos.alerts.getAll();
      (all[0] as { level: string }).level = 'ok';
      expect(await repos.alerts.get('k')).toEqual(alertState('k'));
      const mutes = await repos.alerts.getMutes();
      mutes.health = 1;
      expect(await repos.alerts.getMutes()).toEqual({});
    });
  });

  it('migrates a v2 store: keeps its data and adds empty alert state', async () => {
    const v2 = { schemaVersion: 2, settings: { 'risk-limits': { minHealth: 1 } }, snapshots: [record(5)], audit: [], actions: {}, candles: { 'SOL:1d': hours(1, 2) } } as unknown as StoreData;
    const r = await backend.open(v2);
    expect(await r.settings.get('risk-limits')).toEqual({ minHealth: 1 });
    expect(await r.candles.get('SOL', '1d')).toEqual(hours(1, 2));
    expect(await r.alerts.getAll()).toEqual([]);
    expect(await r.alerts.getMutes()).toEqual({});
    expect(await r.alerts.getSnooze()).toBeNull();
    await r.alerts.put(alertState('k'));
    expect(await r.alerts.get('k')).toEqual(alertState('k'));
    await r.close();
  });

  it('migrates a v1 store: keeps its data and adds an empty candle cache', async () => {
    const v1 = { schemaVersion: 1, settings: { 'risk-limits': { minHealth: 1 } }, snapshots: [record(5)], audit: [entry(1)], actions: {} } as unknown as StoreData;
    const r = await backend.open(v1);
    expect(await r.settings.get('risk-limits')).toEqual({ minHealth: 1 });
    expect((await r.snapshots.latest())?.at).toBe(5);
    expect(await r.audit.list()).toEqual([entry(1)]);
    expect(await r.candles.get('SOL', '1d')).toBeUndefined();
    await r.candles.merge('SOL', '1d', hours(1, 2));
    expect(await r.candles.get('SOL', '1d')).toEqual(hours(1, 2));
    await r.close();
  });
});

describe('lowdb repositories on disk', () => {
  async function readDoc(): Promise<Record<string, unknown>> {
    return JSON.parse(await readFile(file(), 'utf8')) as Record<string, unknown>;
  }

  it('keeps everything across close and reopen', async () => {
    const a = await openLowdbRepositories(file());
    await a.settings.set('risk-limits', { minHealth: 33 });
    await a.snapshots.append(snap(2, { totalValueUsd: TWO_POW_70, leverage: Infinity }));
    await a.snapshots.append(snap(1));
    await a.audit.append(entry(1));
    await a.audit.append(entry(2));
    await a.actions.put(action('btn', 99));
    await a.close();

    const b = await openLowdbRepositories(file());
    expect(await b.settings.get('risk-limits')).toEqual({ minHealth: 33 });
    expect(await b.snapshots.list()).toEqual([snap(1), snap(2, { totalValueUsd: TWO_POW_70, leverage: Infinity })]);
    expect(await b.audit.list()).toEqual([entry(1), entry(2)]);
    expect(await b.actions.get('btn')).toEqual(action('btn', 99));
    await b.close();
  });

  it('close waits for writes still queued', async () => {
    const a = await openLowdbRepositories(file());
    const pending = Array.from({ length: 20 }, (_, i) => a.audit.append(entry(i)));
    await a.close();
    const doc = await readDoc();
    expect(doc.audit).toEqual(Array.from({ length: 20 }, (_, i) => entry(i)));
    await Promise.all(pending);
  });

  it('writes valid JSON carrying schemaVersion 7, with bigints as decimal strings', async () => {
    const r = await openLowdbRepositories(file());
    await r.snapshots.append(snap(7, { totalValueUsd: TWO_POW_70 }));
    await r.close();
    const doc = await readDoc();
    expect(SCHEMA_VERSION).toBe(7);
    expect(doc.schemaVersion).toBe(7);
    expect((doc.snapshots as SnapshotRecord[])[0]?.totalValueUsd).toBe('1180591620717411303424');
    expect(Object.keys(doc).sort()).toEqual(['actions', 'alerts', 'approvals', 'audit', 'candles', 'lpBaselines', 'paper', 'schemaVersion', 'settings', 'snapshots']);
  });

  it('creates missing parent directories', async () => {
    const nested = join(tempDir(), 'a', 'b', 'vigil.json');
    const r = await openLowdbRepositories(nested);
    await r.settings.set('risk-limits', { minHealth: 7 });
    await r.close();
    expect(JSON.parse(await readFile(nested, 'utf8'))).toMatchObject({ schemaVersion: 7, settings: { 'risk-limits': { minHealth: 7 } } });
  });

  it('refuses a file written by a newer version, and leaves it untouched', async () => {
    const text = JSON.stringify({ schemaVersion: 999, settings: { keep: true }, future: [1] });
    await writeFile(file(), text);
    await expect(openLowdbRepositories(file())).rejects.toThrow(/newer/);
    expect(await readFile(file(), 'utf8')).toBe(text);
  });

  it('refuses a file that is not JSON, naming the file, and leaves it untouched', async () => {
    await writeFile(file(), '{"settings": ');
    await expect(openLowdbRepositories(file())).rejects.toThrow(/vigil\.json: \$: not valid JSON.*Nothing was changed/);
    expect(await readFile(file(), 'utf8')).toBe('{"settings": ');
  });

  it('migrates a v0 file (no schemaVersion): keeps its data, adds the other collections, writes version 7', async () => {
    await writeFile(file(), JSON.stringify({ settings: { 'risk-limits': { minHealth: 1 } } }));
    const r = await openLowdbRepositories(file());
    expect(await r.settings.get('risk-limits')).toEqual({ minHealth: 1 });
    expect(await r.snapshots.list()).toEqual([]);
    expect(await r.audit.list()).toEqual([]);
    expect(await r.actions.get('x')).toBeUndefined();
    await r.close();
    expect(await readDoc()).toEqual({ schemaVersion: 7, settings: { 'risk-limits': { minHealth: 1 } }, snapshots: [], audit: [], actions: {}, candles: {}, alerts: emptyAlerts(), approvals: {}, paper: null, lpBaselines: {} });
  });

  it('migrates a v1 file: keeps everything, adds an empty candle cache, alert state and approvals, writes version 7', async () => {
    const v1 = { schemaVersion: 1, settings: { 'risk-limits': { minHealth: 1 } }, snapshots: [record(3)], audit: [entry(1)], actions: { b: action('b', 9) } };
    await writeFile(file(), JSON.stringify(v1));
    const r = await openLowdbRepositories(file());
    expect(await readDoc()).toEqual({ ...v1, schemaVersion: 7, candles: {}, alerts: emptyAlerts(), approvals: {}, paper: null, lpBaselines: {} });
    expect(await r.actions.get('b')).toEqual(action('b', 9));
    expect(await r.candles.get('SOL', '1h')).toBeUndefined();
    await r.candles.merge('SOL', '1h', hours(1, 3));
    await r.close();
    const reopened = await openLowdbRepositories(file());
    expect(await reopened.candles.get('SOL', '1h')).toEqual(hours(1, 3));
    await reopened.close();
    expect((await readDoc()).candles).toEqual({ 'SOL:1h': hours(1, 3) });
  });

  it('a v1 file with a "candles" key (a later section) is refused, and left byte-identical', async () => {
    const text = JSON.stringify({ schemaVersion: 1, settings: {}, candles: { junk: 1 } });
    await writeFile(file(), text);
    await expect(openLowdbRepositories(file())).rejects.toThrow(/\$\.candles: not a field this version of Vigil knows/);
    expect(await readFile(file(), 'utf8')).toBe(text);
  });

  it('migrates a v2 file: keeps everything, adds empty alert state and approvals, writes version 7; the state survives reopen', async () => {
    const v2 = { schemaVersion: 2, settings: { 'risk-limits': { minHealth: 1 } }, snapshots: [record(3)], audit: [entry(1)], actions: { b: action('b', 9) }, candles: { 'SOL:1h': hours(1, 3) } };
    await writeFile(file(), JSON.stringify(v2));
    const r = await openLowdbRepositories(file());
    expect(await readDoc()).toEqual({ ...v2, schemaVersion: 7, alerts: emptyAlerts(), approvals: {}, paper: null, lpBaselines: {} });
    expect(await r.candles.get('SOL', '1h')).toEqual(hours(1, 3));
    await r.alerts.put(alertState('main:health:paper'));
    await r.alerts.setMute('var', 500);
    await r.alerts.setSnooze(600);
    await r.close();
    const reopened = await openLowdbRepositories(file());
    expect(await reopened.alerts.get('main:health:paper')).toEqual(alertState('main:health:paper'));
    expect(await reopened.alerts.getMutes()).toEqual({ var: 500 });
    expect(await reopened.alerts.getSnooze()).toBe(600);
    await reopened.close();
  });

  it('migrates a v5 file (the layout before liquidity legs): keeps everything as it was, writes version 7', async () => {
    const v5 = { schemaVersion: 5, settings: { 'risk-limits': { minHealth: 2 } }, snapshots: [record(4)], audit: [entry(2)], actions: {}, candles: {}, alerts: emptyAlerts(), approvals: {}, paper: null };
    await writeFile(file(), JSON.stringify(v5));
    const r = await openLowdbRepositories(file());
    expect(await r.settings.get('risk-limits')).toEqual({ minHealth: 2 });
    await r.close();
    expect(await readDoc()).toEqual({ ...v5, schemaVersion: 7, lpBaselines: {} });
    // And the migrated file opens again as the current version.
    await (await openLowdbRepositories(file())).close();
  });

  it('a v2 file with a "alerts" key (a later section) is refused, and left byte-identical', async () => {
    const text = JSON.stringify({ schemaVersion: 2, settings: {}, alerts: { keys: { junk: 1 }, mutes: {}, snoozeUntil: 5 } });
    await writeFile(file(), text);
    await expect(openLowdbRepositories(file())).rejects.toThrow(/\$\.alerts: not a field this version of Vigil knows/);
    expect(await readFile(file(), 'utf8')).toBe(text);
  });

  it('lands every one of 200 concurrent appends, in call order, and the file still parses', async () => {
    const r = await openLowdbRepositories(file());
    const expected = Array.from({ length: 200 }, (_, i) => entry(i));
    await Promise.all(expected.map((e) => r.audit.append(e)));
    expect(await r.audit.list(1_000)).toEqual(expected);
    await r.close();
    expect((await readDoc()).audit).toEqual(expected);
    const reopened = await openLowdbRepositories(file());
    expect(await reopened.audit.list(1_000)).toEqual(expected);
    await reopened.close();
  });

  it('leaves no temporary file behind after writes', async () => {
    const r = await openLowdbRepositories(file());
    await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => r.audit.append(entry(i))),
      r.settings.set('risk-limits', { minHealth: 1 }),
      r.actions.put(action('b', 1)),
      r.snapshots.append(snap(3)),
    ]);
    await r.actions.prune(10);
    await r.close();
    expect(await readdir(tempDir())).toEqual(['vigil.json']);
  });

  it('after a failed write, memory and disk agree on the last successful state, and later writes still work', async () => {
    // Running as root, a read-only directory would not stop the write; instead occupy the path of steno's temporary
    // file (.<name>.tmp next to the target) with a directory, so writing it fails with EISDIR for any user.
    const r = await openLowdbRepositories(file());
    await r.settings.set('risk-limits', { minHealth: 1 });
    const blocker = join(tempDir(), '.vigil.json.tmp');
    await mkdir(blocker);

    await expect(r.settings.set('risk-limits', { minHealth: 2 })).rejects.toThrow();
    await expect(r.audit.append(entry(1))).rejects.toThrow();
    expect(await r.settings.get('risk-limits')).toEqual({ minHealth: 1 });
    expect(await r.audit.list()).toEqual([]);
    expect(await readDoc()).toMatchObject({ settings: { 'risk-limits': { minHealth: 1 } }, audit: [] });

    await rm(blocker, { recursive: true });
    await r.settings.set('alert-thresholds', { pnl_move: 0.3 });
    expect(await r.settings.get('risk-limits')).toEqual({ minHealth: 1 });
    expect(await r.settings.get('alert-thresholds')).toEqual({ pnl_move: 0.3 });
    await r.close();
    expect(await readDoc()).toMatchObject({ settings: { 'risk-limits': { minHealth: 1 }, 'alert-thresholds': { pnl_move: 0.3 } }, audit: [] });
    expect(await readdir(tempDir())).toEqual(['vigil.json']);
  });

  it('does not write when opening a missing file, and a fresh store starts empty', async () => {
    const r = await openLowdbRepositories(file());
    expect(await r.settings.get('risk-limits')).toBeUndefined();
    expect(await r.snapshots.latest()).toBeUndefined();
    await r.close();
    expect(await readdir(tempDir())).toEqual([]);
  });
});
