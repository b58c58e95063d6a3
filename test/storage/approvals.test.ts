/**
 * ApprovalRepo on every backend (in-memory and lowdb, one implementation over one document): exact round-trips of plans
 * holding bigints, compare-and-set transitions, signatures recorded only while executing, listing, the MAX_APPROVALS
 * bound; and what only the lowdb file adds: persistence across reopen, the tagged bigint format on disk, the v3 → v4
 * migration, and memory and disk agreeing after a failed write.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionPlan, Approval, ApprovalState, PlanLeg } from '../../src/domain/index.ts';
import type { ApprovalRecord, AuditEntry, Json, Repositories } from '../../src/ports/index.ts';
import { openLowdbRepositories } from '../../src/storage/lowdb/index.ts';
import { emptyAlerts, emptyData, MAX_APPROVALS, SCHEMA_VERSION, type StoreData } from '../../src/storage/schema.ts';
import { storageBackends, TWO_POW_70 } from '../helpers/storage-backends.ts';

const { backends, dir: tempDir, file } = storageBackends('vigil-approvals-');

/** Sell 12.34 SOL-PERP at $100 (limit $99.50): notional $1,234, fee 3.5 bps, some impact; sizes beyond 2^53 elsewhere. */
function leg(over: Partial<PlanLeg> = {}): PlanLeg {
  return {
    venue: 'paper', market: 'SOL-PERP', kind: 'perp', asset: 'SOL', side: 'sell', size: { raw: 12_340_000_000n, decimals: 9 },
    refPrice: 100, limitPrice: 99.5, notionalUsd: 1_234_000_000n, estFeeUsd: 431_900n, estSlippageUsd: 7_614n, reduceOnly: true,
    ...over,
  };
}

function plan(id: string, createdAt: number, over: Partial<ActionPlan> = {}): ActionPlan {
  const legs = [leg(), leg({ market: 'BONK', kind: 'spot', asset: 'BONK', side: 'buy', size: { raw: TWO_POW_70, decimals: 5 }, reduceOnly: false })];
  return {
    id, kind: 'hedge', title: 'Hedge SOL to Δ $0.00', request: { kind: 'hedge', args: { asset: 'SOL', ratio: 0.5, venue: null } },
    legs, before: { delta: { SOL: 1_234.5 }, health: 80, liquidationPrices: { SOL: 61.25, BTC: null }, var1dUsd: 321.5, weights: { SOL: 0.7, BTC: 0.3 }, leverage: 2.5 },
    after: { delta: { SOL: 0 }, health: 85, liquidationPrices: { SOL: null } },
    notes: ['hedge ratio 1.00', 'a cap bit'], estimatedFeesUsd: 863_800n, estimatedSlippageUsd: -TWO_POW_70,
    notionalUsd: 2_468_000_000n, requestedBy: 'telegram:1', requestedByName: 'Tess', chat: { platform: 'telegram', chatId: '-100' },
    createdAt, expiresAt: createdAt + 60_000, planHash: `hash-${id}`, mode: 'paper',
    ...over,
  };
}

function approval(planId: string, state: ApprovalState, over: Partial<Approval> = {}): Approval {
  return { planId, state, updatedAt: 1_000, signatures: [], fills: [], ...over };
}

function rec(id: string, createdAt = 1_000, state: ApprovalState = 'pending', over: Partial<Approval> = {}): ApprovalRecord {
  return { plan: plan(id, createdAt), approval: approval(id, state, over) };
}

const EXECUTED: Approval = approval('p1', 'executed', {
  updatedAt: 2_000, decidedBy: 'telegram:1', signatures: ['sig1'],
  fills: [{ market: 'SOL-PERP', side: 'sell', size: { raw: 12_340_000_000n, decimals: 9 }, avgPrice: 99.95, feeUsd: 431_725n }],
});

/** What the ApprovalRepo stores for a record (JSON-safe, bigints tagged), built independently of the repo. */
function tagged(value: unknown): Json {
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (Array.isArray(value)) return value.map(tagged);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, tagged(v)]));
  return value as Json;
}

/** A store whose `approvals` already holds `records`. */
function storeWith(records: readonly ApprovalRecord[]): StoreData {
  return { ...emptyData(), approvals: Object.fromEntries(records.map((r) => [r.plan.id, tagged(r)])) };
}

describe.each(backends)('$name approvals', (backend) => {
  let repos: Repositories;
  beforeEach(async () => {
    repos = await backend.open();
  });
  afterEach(async () => {
    await repos.close();
  });

  describe('create and get', () => {
    it('round-trips a full plan exactly: bigints (beyond 2^53, negative) stay bigints, Amounts and nested figures intact', async () => {
      const r = rec('p1');
      await repos.approvals.create(r);
      const got = await repos.approvals.get('p1');
      expect(got).toEqual(r);
      expect(got?.plan.estimatedSlippageUsd).toBe(-1180591620717411303424n);
      expect(got?.plan.legs[1]?.size).toEqual({ raw: 1180591620717411303424n, decimals: 5 });
      expect(typeof got?.plan.notionalUsd).toBe('bigint');
      expect(typeof got?.plan.legs[0]?.estFeeUsd).toBe('bigint');
      expect(got?.plan.before.liquidationPrices).toEqual({ SOL: 61.25, BTC: null });
    });

    it('round-trips an approval with fills, signatures, error and dryRun', async () => {
      const r: ApprovalRecord = { plan: plan('p1', 5), approval: { ...EXECUTED, error: 'partly', dryRun: true } };
      await repos.approvals.create(r);
      expect(await repos.approvals.get('p1')).toEqual(r);
    });

    it('reads an unknown id, or one inherited from Object.prototype, as undefined; "__proto__" is an ordinary id', async () => {
      expect(await repos.approvals.get('missing')).toBeUndefined();
      expect(await repos.approvals.get('toString')).toBeUndefined();
      expect(await repos.approvals.get('__proto__')).toBeUndefined();
      await repos.approvals.create(rec('__proto__'));
      expect(await repos.approvals.get('__proto__')).toEqual(rec('__proto__'));
      expect((await repos.approvals.list()).map((x) => x.plan.id)).toEqual(['__proto__']);
    });

    it('refuses to create an id that exists and keeps the original; the store still works afterwards', async () => {
      await repos.approvals.create(rec('p1', 1_000));
      await expect(repos.approvals.create(rec('p1', 2_000, 'cancelled'))).rejects.toThrow(/p1 already exists/);
      expect(await repos.approvals.get('p1')).toEqual(rec('p1', 1_000));
      await repos.approvals.create(rec('p2', 3_000));
      expect((await repos.approvals.list()).map((x) => x.plan.id)).toEqual(['p2', 'p1']);
    });

    it('of two concurrent creates of one id exactly one lands', async () => {
      const results = await Promise.allSettled([repos.approvals.create(rec('p1', 1)), repos.approvals.create(rec('p1', 2))]);
      expect(results.map((x) => x.status)).toEqual(['fulfilled', 'rejected']);
      expect((await repos.approvals.get('p1'))?.plan.createdAt).toBe(1);
    });

    it('keeps a copy taken at call time and hands out copies', async () => {
      const r = rec('p1');
      const pending = repos.approvals.create(r);
      (r.plan.notes as string[]).push('changed');
      (r.plan.legs[0] as { refPrice: number }).refPrice = -1;
      await pending;
      const got = await repos.approvals.get('p1');
      (got?.plan.notes as string[]).push('changed');
      (got?.approval.signatures as string[]).push('x');
      const listed = await repos.approvals.list();
      (listed[0]?.plan.before as { health: number }).health = -1;
      expect(await repos.approvals.get('p1')).toEqual(rec('p1'));
    });
  });

  describe('transition (compare-and-set)', () => {
    it('applies a legal move from the current state and replaces the approval, leaving the plan alone', async () => {
      await repos.approvals.create(rec('p1'));
      const executing = approval('p1', 'executing', { updatedAt: 1_500, decidedBy: 'telegram:1' });
      expect(await repos.approvals.transition('p1', 'pending', executing)).toBe(true);
      expect(await repos.approvals.get('p1')).toEqual({ plan: plan('p1', 1_000), approval: executing });
      expect(await repos.approvals.transition('p1', 'executing', EXECUTED)).toBe(true);
      expect(await repos.approvals.get('p1')).toEqual({ plan: plan('p1', 1_000), approval: EXECUTED });
    });

    it('from the wrong state returns false and changes nothing', async () => {
      await repos.approvals.create(rec('p1'));
      expect(await repos.approvals.transition('p1', 'executing', EXECUTED)).toBe(false);
      expect(await repos.approvals.get('p1')).toEqual(rec('p1'));
      expect(await repos.approvals.transition('p1', 'pending', approval('p1', 'cancelled', { error: 'cancelled by Tess' }))).toBe(true);
      // Someone else cancelled it first: a late Confirm loses.
      expect(await repos.approvals.transition('p1', 'pending', approval('p1', 'executing'))).toBe(false);
      expect((await repos.approvals.get('p1'))?.approval).toEqual(approval('p1', 'cancelled', { error: 'cancelled by Tess' }));
    });

    it('returns false for an unknown plan', async () => {
      expect(await repos.approvals.transition('missing', 'pending', approval('missing', 'executing'))).toBe(false);
      expect(await repos.approvals.get('missing')).toBeUndefined();
    });

    it('throws RangeError for an illegal transition, whatever is stored', async () => {
      await repos.approvals.create(rec('p1', 1_000, 'executed'));
      await repos.approvals.create(rec('p2'));
      const illegal: [string, ApprovalState, ApprovalState][] = [
        ['p1', 'executed', 'pending'], ['p2', 'pending', 'executed'], ['p2', 'pending', 'failed'], ['p2', 'pending', 'pending'],
        ['p2', 'executing', 'pending'], ['p2', 'executing', 'cancelled'], ['p1', 'cancelled', 'pending'], ['missing', 'expired', 'executing'],
      ];
      for (const [id, from, to] of illegal) {
        await expect(repos.approvals.transition(id, from, approval(id, to))).rejects.toThrow(RangeError);
      }
      expect(await repos.approvals.get('p1')).toEqual(rec('p1', 1_000, 'executed'));
      expect(await repos.approvals.get('p2')).toEqual(rec('p2'));
    });

    it('of 20 concurrent pending → executing, exactly one wins and its approval is the one stored', async () => {
      await repos.approvals.create(rec('p1'));
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
        repos.approvals.transition('p1', 'pending', approval('p1', 'executing', { decidedBy: `telegram:${i}` }))));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect((await repos.approvals.get('p1'))?.approval).toEqual(approval('p1', 'executing', { decidedBy: `telegram:${winner}` }));
    });

    it('a confirm racing a cancel and an expiry: exactly one of them wins', async () => {
      await repos.approvals.create(rec('p1'));
      const results = await Promise.all((['executing', 'cancelled', 'expired'] as const).map((s) => repos.approvals.transition('p1', 'pending', approval('p1', s))));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await repos.approvals.get('p1'))?.approval.state).toBe(['executing', 'cancelled', 'expired'][results.indexOf(true)]);
    });
  });

  describe('recordSignatures', () => {
    it('appends in order while executing, and only then', async () => {
      await repos.approvals.create(rec('p1'));
      expect(await repos.approvals.recordSignatures('p1', ['early'])).toBe(false);
      expect((await repos.approvals.get('p1'))?.approval.signatures).toEqual([]);
      expect(await repos.approvals.recordSignatures('missing', ['x'])).toBe(false);
      expect(await repos.approvals.get('missing')).toBeUndefined();

      await repos.approvals.transition('p1', 'pending', approval('p1', 'executing', { signatures: ['s0'] }));
      expect(await repos.approvals.recordSignatures('p1', ['s1'])).toBe(true);
      expect(await repos.approvals.recordSignatures('p1', ['s2', 's3'])).toBe(true);
      expect(await repos.approvals.recordSignatures('p1', [])).toBe(true);
      const got = await repos.approvals.get('p1');
      expect(got?.approval).toEqual(approval('p1', 'executing', { signatures: ['s0', 's1', 's2', 's3'] }));
      expect(got?.plan).toEqual(plan('p1', 1_000));

      await repos.approvals.transition('p1', 'executing', approval('p1', 'failed', { signatures: ['s0', 's1', 's2', 's3'], error: 'boom' }));
      expect(await repos.approvals.recordSignatures('p1', ['late'])).toBe(false);
      expect((await repos.approvals.get('p1'))?.approval.signatures).toEqual(['s0', 's1', 's2', 's3']);
    });

    it('lands every one of 10 concurrent calls, in call order', async () => {
      await repos.approvals.create(rec('p1', 1_000, 'executing'));
      const sigs = Array.from({ length: 10 }, (_, i) => `sig${i}`);
      expect(await Promise.all(sigs.map((s) => repos.approvals.recordSignatures('p1', [s])))).toEqual(sigs.map(() => true));
      expect((await repos.approvals.get('p1'))?.approval.signatures).toEqual(sigs);
    });

    it('refuses a signature that arrives after a concurrent cancel', async () => {
      await repos.approvals.create(rec('p1'));
      const [moved, recorded] = await Promise.all([
        repos.approvals.transition('p1', 'pending', approval('p1', 'cancelled')),
        repos.approvals.recordSignatures('p1', ['sig']),
      ]);
      expect([moved, recorded]).toEqual([true, false]);
      expect((await repos.approvals.get('p1'))?.approval.signatures).toEqual([]);
    });
  });

  describe('list', () => {
    beforeEach(async () => {
      await repos.approvals.create(rec('a', 10, 'executed'));
      await repos.approvals.create(rec('b', 30, 'pending'));
      await repos.approvals.create(rec('c', 20, 'cancelled'));
      await repos.approvals.create(rec('d', 40, 'pending'));
      await repos.approvals.create(rec('e', 30, 'executing'));
    });
    const ids = async (q?: Parameters<Repositories['approvals']['list']>[0]): Promise<string[]> =>
      (await repos.approvals.list(q)).map((r) => r.plan.id);

    it('lists newest first (equal times by id), whole records', async () => {
      expect(await ids()).toEqual(['d', 'b', 'e', 'c', 'a']);
      expect(await ids({})).toEqual(['d', 'b', 'e', 'c', 'a']);
      expect((await repos.approvals.list())[3]).toEqual(rec('c', 20, 'cancelled'));
    });

    it('filters by state, by since (inclusive) and cuts at limit, in any combination', async () => {
      expect(await ids({ states: ['pending'] })).toEqual(['d', 'b']);
      expect(await ids({ states: ['pending', 'executing'] })).toEqual(['d', 'b', 'e']);
      expect(await ids({ states: ['executed', 'cancelled'] })).toEqual(['c', 'a']);
      expect(await ids({ states: ['expired'] })).toEqual([]);
      expect(await ids({ states: [] })).toEqual([]);
      expect(await ids({ since: 30 })).toEqual(['d', 'b', 'e']);
      expect(await ids({ since: 31 })).toEqual(['d']);
      expect(await ids({ since: 41 })).toEqual([]);
      expect(await ids({ limit: 2 })).toEqual(['d', 'b']);
      expect(await ids({ limit: 0 })).toEqual([]);
      expect(await ids({ limit: 99 })).toEqual(['d', 'b', 'e', 'c', 'a']);
      expect(await ids({ states: ['pending', 'cancelled', 'executed'], since: 20, limit: 2 })).toEqual(['d', 'b']);
      expect(await ids({ states: ['cancelled', 'executed'], since: 15 })).toEqual(['c']);
    });

    it('follows transitions', async () => {
      await repos.approvals.transition('b', 'pending', approval('b', 'expired'));
      expect(await ids({ states: ['pending'] })).toEqual(['d']);
      expect(await ids({ states: ['expired'] })).toEqual(['b']);
    });

    it('is empty for an empty store', async () => {
      const r = await backend.open();
      expect(await r.approvals.list()).toEqual([]);
      await r.close();
    });
  });

  describe(`bound (MAX_APPROVALS = ${MAX_APPROVALS})`, () => {
    it('drops the oldest resolved plans to make room, never pending or executing ones', async () => {
      // MAX_APPROVALS resolved plans created at 1..MAX, of every resolved state, plus two live ones older than all.
      const resolved: ApprovalState[] = ['executed', 'failed', 'cancelled', 'expired'];
      const initial = [
        ...Array.from({ length: MAX_APPROVALS }, (_, i) => rec(`r${i + 1}`, i + 1, resolved[i % 4])),
        rec('old-pending', 0, 'pending'), rec('old-executing', 0, 'executing'),
      ];
      const r = await backend.open(storeWith(initial));
      // Opening does not prune: nothing has been written yet.
      expect(await r.approvals.list()).toHaveLength(MAX_APPROVALS + 2);
      for (let i = 1; i <= 5; i++) await r.approvals.create(rec(`new${i}`, MAX_APPROVALS + i));
      const all = await r.approvals.list();
      // 7 live plans stay; the resolved ones fill the rest of MAX_APPROVALS, the newest kept.
      expect(all).toHaveLength(MAX_APPROVALS);
      const live = all.filter((x) => x.approval.state === 'pending' || x.approval.state === 'executing').map((x) => x.plan.id).sort();
      expect(live).toEqual(['new1', 'new2', 'new3', 'new4', 'new5', 'old-executing', 'old-pending']);
      const kept = all.filter((x) => x.plan.id.startsWith('r')).map((x) => x.plan.createdAt);
      expect(kept).toHaveLength(MAX_APPROVALS - 7);
      expect(Math.min(...kept)).toBe(8);
      expect(Math.max(...kept)).toBe(MAX_APPROVALS);
      expect(await r.approvals.get('r7')).toBeUndefined();
      expect(await r.approvals.get('r8')).toEqual(initial[7]);
      await r.close();
    });

    it('with more live plans than MAX_APPROVALS, drops every resolved one and still keeps them all', async () => {
      const initial = [
        ...Array.from({ length: MAX_APPROVALS }, (_, i) => rec(`p${i}`, 100 + i, i % 2 === 0 ? 'pending' : 'executing')),
        rec('done-new', 1_000_000, 'executed'), rec('done-old', 1, 'failed'),
      ];
      const r = await backend.open(storeWith(initial));
      await r.approvals.create(rec('one-more', 2_000_000));
      const all = await r.approvals.list();
      expect(all).toHaveLength(MAX_APPROVALS + 1);
      expect(all.every((x) => x.approval.state === 'pending' || x.approval.state === 'executing')).toBe(true);
      expect(await r.approvals.get('done-new')).toBeUndefined();
      await r.close();
    });

    it('a transition to a resolved state does not prune; the next create does', async () => {
      const initial = Array.from({ length: MAX_APPROVALS }, (_, i) => rec(`p${i}`, i + 1, i === 0 ? 'pending' : 'executed'));
      const r = await backend.open(storeWith(initial));
      expect(await r.approvals.transition('p0', 'pending', approval('p0', 'cancelled'))).toBe(true);
      expect(await r.approvals.list()).toHaveLength(MAX_APPROVALS);
      await r.approvals.create(rec('next', MAX_APPROVALS + 1));
      expect(await r.approvals.list()).toHaveLength(MAX_APPROVALS);
      // p0 (created at 1) was the oldest resolved one.
      expect(await r.approvals.get('p0')).toBeUndefined();
      expect(await r.approvals.get('p1')).toBeDefined();
      await r.close();
    });
  });

  it('migrates a v3 store: keeps its data and adds empty approvals', async () => {
    const audit: AuditEntry = { at: 1, actor: 'system', action: 'start', detail: {} };
    const v3 = { schemaVersion: 3, settings: { 'risk-limits': { minHealth: 1 } }, snapshots: [], audit: [audit], actions: {}, candles: {}, alerts: { ...emptyAlerts(), snoozeUntil: 9 } } as unknown as StoreData;
    const r = await backend.open(v3);
    expect(await r.settings.get('risk-limits')).toEqual({ minHealth: 1 });
    expect(await r.audit.list()).toEqual([audit]);
    expect(await r.alerts.getSnooze()).toBe(9);
    expect(await r.approvals.list()).toEqual([]);
    await r.approvals.create(rec('p1'));
    expect(await r.approvals.get('p1')).toEqual(rec('p1'));
    await r.close();
  });
});

describe('lowdb approvals on disk', () => {
  async function readDoc(): Promise<Record<string, unknown>> {
    return JSON.parse(await readFile(file(), 'utf8')) as Record<string, unknown>;
  }

  it('keeps plans, transitions and signatures across close and reopen', async () => {
    const a = await openLowdbRepositories(file());
    await a.approvals.create(rec('p1', 10));
    await a.approvals.create(rec('p2', 20));
    await a.approvals.create(rec('p3', 30));
    await a.approvals.transition('p1', 'pending', approval('p1', 'executing', { decidedBy: 'telegram:1' }));
    await a.approvals.recordSignatures('p1', ['sig1']);
    await a.approvals.transition('p2', 'pending', approval('p2', 'executing'));
    await a.approvals.transition('p2', 'executing', { ...EXECUTED, planId: 'p2' });
    await a.close();

    const b = await openLowdbRepositories(file());
    expect(await b.approvals.get('p1')).toEqual({ plan: plan('p1', 10), approval: approval('p1', 'executing', { decidedBy: 'telegram:1', signatures: ['sig1'] }) });
    expect(await b.approvals.get('p2')).toEqual({ plan: plan('p2', 20), approval: { ...EXECUTED, planId: 'p2' } });
    expect(await b.approvals.get('p3')).toEqual(rec('p3', 30));
    expect((await b.approvals.list()).map((x) => x.plan.id)).toEqual(['p3', 'p2', 'p1']);
    // The compare-and-set still holds against what was persisted.
    expect(await b.approvals.transition('p3', 'executing', { ...EXECUTED, planId: 'p3' })).toBe(false);
    await b.close();
  });

  it('writes bigints tagged as {"$bigint": "…"} under approvals[planId]', async () => {
    const r = await openLowdbRepositories(file());
    await r.approvals.create(rec('p1'));
    await r.close();
    const doc = await readDoc();
    expect(doc.schemaVersion).toBe(SCHEMA_VERSION);
    const stored = (doc.approvals as Record<string, { plan: Record<string, Json> }>).p1;
    expect(stored?.plan.estimatedSlippageUsd).toEqual({ $bigint: '-1180591620717411303424' });
    expect((stored?.plan.legs as Json[])[1]).toMatchObject({ size: { raw: { $bigint: '1180591620717411303424' }, decimals: 5 } });
    expect(stored).toEqual(tagged(rec('p1')));
  });

  it('close waits for writes still queued', async () => {
    const a = await openLowdbRepositories(file());
    const pending = Array.from({ length: 10 }, (_, i) => a.approvals.create(rec(`p${i}`, i)));
    await a.close();
    expect(Object.keys((await readDoc()).approvals as object).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `p${i}`).sort());
    await Promise.all(pending);
  });

  it('migrates a v3 file: keeps everything, adds empty approvals, writes version 7; plans survive reopen', async () => {
    const audit: AuditEntry = { at: 1, actor: 'system', action: 'start', detail: { n: 1 } };
    const v3 = {
      schemaVersion: 3, settings: { 'risk-limits': { minHealth: 1 } }, snapshots: [{ at: 3, totalValueUsd: '3', unrealizedPnlUsd: '0', realizedPnlUsd: '0', health: 100, leverage: 1, prices: {} }],
      audit: [audit], actions: {}, candles: { 'SOL:1h': { t: [0], close: [100], coveredFrom: 0, coveredTo: 3_599_999 } },
      alerts: { keys: {}, mutes: { var: 500 }, snoozeUntil: 600 },
    };
    await writeFile(file(), JSON.stringify(v3));
    const r = await openLowdbRepositories(file());
    expect(await readDoc()).toEqual({ ...v3, schemaVersion: 7, approvals: {}, paper: null, lpBaselines: {} });
    expect(await r.alerts.getMutes()).toEqual({ var: 500 });
    expect(await r.approvals.list()).toEqual([]);
    await r.approvals.create(rec('p1'));
    await r.close();
    const reopened = await openLowdbRepositories(file());
    expect(await reopened.approvals.get('p1')).toEqual(rec('p1'));
    expect(await reopened.audit.list()).toEqual([audit]);
    await reopened.close();
  });

  it('a v3 file with an "approvals" key (a v4 section) is refused, and left byte-identical', async () => {
    const text = JSON.stringify({ schemaVersion: 3, settings: {}, approvals: { junk: tagged(rec('junk')) } });
    await writeFile(file(), text);
    await expect(openLowdbRepositories(file())).rejects.toThrow(/\$\.approvals: not a field this version of Vigil knows/);
    expect(await readFile(file(), 'utf8')).toBe(text);
  });

  it('after a failed write, memory and disk agree and the compare-and-set is not consumed', async () => {
    // As in repositories.test.ts: occupy steno's temporary file path with a directory so the write fails for any user.
    const r = await openLowdbRepositories(file());
    await r.approvals.create(rec('p1'));
    const blocker = join(tempDir(), '.vigil.json.tmp');
    await mkdir(blocker);

    await expect(r.approvals.create(rec('p2'))).rejects.toThrow();
    await expect(r.approvals.transition('p1', 'pending', approval('p1', 'executing'))).rejects.toThrow();
    expect(await r.approvals.get('p2')).toBeUndefined();
    expect(await r.approvals.get('p1')).toEqual(rec('p1'));
    expect(Object.keys((await readDoc()).approvals as object)).toEqual(['p1']);

    await rm(blocker, { recursive: true });
    expect(await r.approvals.transition('p1', 'pending', approval('p1', 'executing'))).toBe(true);
    await r.close();
    expect(((await readDoc()).approvals as Record<string, { approval: Approval }>).p1?.approval.state).toBe('executing');
  });
});
