/**
 * The bound on stored button actions (issue 10), on every backend: at most MAX_ACTIONS are kept, enforced in the put
 * itself, oldest first; the newest group (reply) of each chat and kind is never dropped for it, nor the Confirm/Cancel
 * of a plan still pending or executing; expiry still prunes everything; files without `group` still load and work.
 */
import { readFile, writeFile } from 'node:fs/promises';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionPlan, ChatRef } from '../../src/domain/index.ts';
import type { Json, Repositories, StoredAction } from '../../src/ports/index.ts';
import { openLowdbRepositories } from '../../src/storage/lowdb/index.ts';
import { emptyData, MAX_ACTIONS, type StoreData } from '../../src/storage/schema.ts';
import { storageBackends } from '../helpers/storage-backends.ts';

const { backends, file } = storageBackends('vigil-actions-bound-');

const chat = (chatId: string): ChatRef => ({ platform: 'telegram', chatId });

/** An action in chat `c`; `group: null` leaves the field out, as files written before it existed do. */
function act(id: string, o: { chat?: string; kind?: string; group?: string | null; at?: number; ttl?: number; payload?: Json } = {}): StoredAction {
  const at = o.at ?? 0;
  const group = o.group === undefined ? `g-${id}` : o.group;
  return {
    id, kind: o.kind ?? 'rerun', payload: o.payload ?? { command: 'portfolio', argv: [] }, role: 'viewer', createdBy: 'telegram:1',
    chat: chat(o.chat ?? 'A'), createdAt: at, expiresAt: at + (o.ttl ?? 86_400_000), ...(group === null ? {} : { group }),
  };
}

/** `n` older actions in chat "old", one reply each, created at from..from+n−1: a store already at or past the bound. */
function filled(n: number, o: { group?: boolean; from?: number } = {}): StoreData {
  const actions: Record<string, StoredAction> = {};
  for (let i = 0; i < n; i++) actions[`old${i}`] = act(`old${i}`, { chat: 'old', at: (o.from ?? 0) + i, group: o.group === false ? null : `og${i}` });
  return { ...emptyData(), actions };
}

/** How many of `ids` the store still holds (ActionRepo has no count; every id the test made is known). */
async function held(r: Repositories, ids: Iterable<string>): Promise<number> {
  let n = 0;
  for (const id of ids) if (await r.actions.get(id)) n++;
  return n;
}

const range = (n: number, prefix: string): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

function plan(id: string, createdAt: number): ActionPlan {
  return {
    id, kind: 'hedge', title: 'Hedge SOL to Δ $0.00', request: { kind: 'hedge', args: { asset: 'SOL' } }, legs: [], before: {}, after: {},
    notes: [], estimatedFeesUsd: 0n, estimatedSlippageUsd: 0n, notionalUsd: 0n, requestedBy: 'telegram:1', requestedByName: 'Tess',
    chat: chat('A'), createdAt, expiresAt: createdAt + 60_000, planHash: `hash-${id}`, mode: 'dry-run',
  };
}

describe.each(backends)('$name: the bound on button actions', (backend) => {
  let repos: Repositories;
  beforeEach(async () => {
    repos = await backend.open();
  });
  afterEach(async () => {
    await repos.close();
  });

  it(`keeps at most MAX_ACTIONS (${MAX_ACTIONS}) after ${MAX_ACTIONS + 60} puts, dropping the oldest`, async () => {
    // One chat, every put a new reply (its own group), each newer than the last.
    const ids = range(MAX_ACTIONS + 60, 'a');
    for (const [i, id] of ids.entries()) await repos.actions.put(act(id, { at: 1_000 + i }));
    expect(await held(repos, ids)).toBe(MAX_ACTIONS);
    for (const id of ids.slice(0, 60)) expect(await repos.actions.get(id)).toBeUndefined();
    for (const id of ids.slice(60)) expect(await repos.actions.get(id)).toBeDefined();
  });

  it('keeps the newest reply of each chat and kind however old it is; an older reply in the same slot goes', async () => {
    // Chat A: an older and a newer rerun reply (two buttons each), an alert card older than both.
    await repos.actions.put(act('a-old-1', { at: 10, group: 'r1' }));
    await repos.actions.put(act('a-old-2', { at: 10, group: 'r1' }));
    await repos.actions.put(act('a-new-1', { at: 11, group: 'r2' }));
    await repos.actions.put(act('a-new-2', { at: 11, group: 'r2' }));
    await repos.actions.put(act('a-alert', { at: 5, kind: 'alert', group: 'al' }));
    // Then chat B goes well past the bound with newer replies.
    const flood = range(MAX_ACTIONS + 10, 'b');
    for (const [i, id] of flood.entries()) await repos.actions.put(act(id, { chat: 'B', at: 1_000 + i }));
    for (const id of ['a-new-1', 'a-new-2', 'a-alert']) expect(await repos.actions.get(id), id).toBeDefined();
    for (const id of ['a-old-1', 'a-old-2']) expect(await repos.actions.get(id), id).toBeUndefined();
    expect(await held(repos, ['a-old-1', 'a-old-2', 'a-new-1', 'a-new-2', 'a-alert', ...flood])).toBe(MAX_ACTIONS);
    // Chat B's own newest reply is there too.
    expect(await repos.actions.get(flood.at(-1) ?? '')).toBeDefined();
  });

  it('on equal createdAt, the reply put last is the newest; putting an id again makes it the last', async () => {
    // The replies in chat A are older than everything else, so the older of them is the first to go.
    const r = await backend.open(filled(MAX_ACTIONS - 2, { from: 100 }));
    await r.actions.put(act('first', { at: 7, group: 'x' }));
    await r.actions.put(act('second', { at: 7, group: 'y' }));
    await r.actions.put(act('first', { at: 7, group: 'x' }));
    await r.actions.put(act('z', { chat: 'Z', at: 1_000 }));
    expect(await r.actions.get('first')).toBeDefined();
    expect(await r.actions.get('second')).toBeUndefined();
    await r.actions.put(act('third', { at: 7, group: 'w' }));
    expect(await r.actions.get('third')).toBeDefined();
    expect(await r.actions.get('first')).toBeUndefined();
    await r.close();
  });

  it('is enforced in the put itself: a store already past the bound is back at it after one put', async () => {
    const r = await backend.open(filled(MAX_ACTIONS * 4));
    await r.actions.put(act('new', { chat: 'A', at: 10_000 }));
    expect(await held(r, [...range(MAX_ACTIONS * 4, 'old'), 'new'])).toBe(MAX_ACTIONS);
    expect(await r.actions.get('new')).toBeDefined();
    // The oldest went: what is left of chat "old" is its newest MAX_ACTIONS − 1.
    expect(await r.actions.get(`old${MAX_ACTIONS * 3}`)).toBeUndefined();
    expect(await r.actions.get(`old${MAX_ACTIONS * 3 + 1}`)).toBeDefined();
    await r.close();
  });

  it('treats an action without a group (a file written before groups) as a reply of its own', async () => {
    const r = await backend.open(filled(MAX_ACTIONS, { group: false }));
    expect(await r.actions.get('old0')).toEqual(act('old0', { chat: 'old', at: 0, group: null }));
    await r.actions.put(act('l1', { chat: 'A', at: 100_000, group: null }));
    await r.actions.put(act('l2', { chat: 'A', at: 100_001, group: null }));
    expect(await r.actions.get('l2')).toEqual(act('l2', { chat: 'A', at: 100_001, group: null }));
    // l1 is the older of two replies in chat A; the oldest of chat "old" went first, but only its newest is safe.
    expect(await held(r, [...range(MAX_ACTIONS, 'old'), 'l1', 'l2'])).toBe(MAX_ACTIONS);
    expect(await r.actions.get('old0')).toBeUndefined();
    expect(await r.actions.get('old1')).toBeUndefined();
    expect(await r.actions.get(`old${MAX_ACTIONS - 1}`)).toBeDefined();
    for (let i = 0; i < MAX_ACTIONS; i++) await r.actions.put(act(`m${i}`, { chat: 'A', at: 200_000 + i, group: null }));
    expect(await r.actions.get('l1')).toBeUndefined();
    expect(await r.actions.get(`old${MAX_ACTIONS - 1}`)).toBeDefined();
    await r.close();
  });

  it('never drops the Confirm/Cancel of a pending or executing plan, even when it is not the newest card', async () => {
    const approval = (id: string, at: number): StoredAction[] => ['ok', 'no'].map((verb) => act(`${id}-${verb}`, {
      kind: 'approval', group: id, at, ttl: 3_660_000, payload: { planId: id },
    }));
    // Every other action is newer than these cards, so without protection they would be the first to go.
    const r = await backend.open(filled(MAX_ACTIONS, { from: 10_000 }));
    for (const [id, at] of [['p1', 1_000], ['p2', 2_000], ['p3', 3_000]] as const) {
      await r.approvals.create({ plan: plan(id, at), approval: { planId: id, state: 'pending', updatedAt: at, signatures: [], fills: [] } });
      for (const a of approval(id, at)) await r.actions.put(a);
    }
    // p3 is the newest card in chat A; p1 and p2 are older ones, still pending. p2 goes on to be executed.
    expect(await r.approvals.transition('p2', 'pending', { planId: 'p2', state: 'executing', updatedAt: 4_000, signatures: [], fills: [] })).toBe(true);
    const flood = async (prefix: string, at: number): Promise<void> => {
      for (let i = 0; i < 10; i++) await r.actions.put(act(`${prefix}${i}`, { chat: 'B', at: at + i }));
    };
    await flood('f', 20_000);
    for (const id of ['p1-ok', 'p1-no', 'p2-ok', 'p2-no', 'p3-ok', 'p3-no']) expect(await r.actions.get(id), id).toBeDefined();
    expect(await r.actions.get('old0')).toBeUndefined();
    // Once resolved, their buttons are ordinary old buttons again.
    expect(await r.approvals.transition('p1', 'pending', { planId: 'p1', state: 'cancelled', updatedAt: 5_000, signatures: [], fills: [] })).toBe(true);
    expect(await r.approvals.transition('p2', 'executing', { planId: 'p2', state: 'executed', updatedAt: 5_000, signatures: [], fills: [] })).toBe(true);
    await flood('g', 30_000);
    for (const id of ['p1-ok', 'p1-no', 'p2-ok', 'p2-no']) expect(await r.actions.get(id), id).toBeUndefined();
    for (const id of ['p3-ok', 'p3-no']) expect(await r.actions.get(id), id).toBeDefined();
    // An approval button whose plan does not exist, or with a malformed payload, gets no protection.
    await r.actions.put(act('ghost', { kind: 'approval', group: 'ghost', at: 500, payload: { planId: 'nope' } }));
    await r.actions.put(act('odd', { kind: 'approval', group: 'odd', at: 501, payload: null }));
    await flood('h', 40_000);
    expect(await r.actions.get('ghost')).toBeUndefined();
    expect(await r.actions.get('odd')).toBeUndefined();
    for (const id of ['p3-ok', 'p3-no']) expect(await r.actions.get(id), id).toBeDefined();
    await r.close();
  });

  it('still prunes by age: expired actions go, the newest reply of a chat included', async () => {
    await repos.actions.put(act('a1', { at: 0, ttl: 100, group: 'r1' }));
    await repos.actions.put(act('a2', { at: 0, ttl: 100, group: 'r1' }));
    await repos.actions.put(act('b1', { chat: 'B', at: 50, ttl: 100 }));
    expect(await repos.actions.prune(120)).toBe(2);
    expect(await repos.actions.get('a1')).toBeUndefined();
    expect(await repos.actions.get('a2')).toBeUndefined();
    expect(await repos.actions.get('b1')).toBeDefined();
  });

  it('after any sequence of puts and prunes: count ≤ max(MAX_ACTIONS, Σ newest replies), each newest reply whole, nothing expired (property)', async () => {
    // Chats c0..c3 and two kinds with one TTL each (as in the app: a newer button never expires before an older one
    // of its kind). A put either continues the reply last put in its (chat, kind) or starts a new one (with or without
    // a group id), so a reply's buttons are put together, as a command run makes them.
    const TTL: Readonly<Record<string, number>> = { rerun: 3_000, alert: 1_500 };
    const put = fc.record({
      kind: fc.constant('put' as const), chat: fc.integer({ min: 0, max: 3 }), type: fc.constantFrom('rerun', 'alert'),
      next: fc.constantFrom('same', 'new', 'legacy'), dt: fc.integer({ min: 0, max: 5 }),
    });
    const prune = fc.record({ kind: fc.constant('prune' as const), dt: fc.integer({ min: 0, max: 2_000 }) });
    const op = fc.oneof({ arbitrary: put, weight: 12 }, { arbitrary: prune, weight: 1 });
    const FILL = MAX_ACTIONS - 3;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 40 }), async (ops) => {
        let now = 10_000;
        // Replies in 40 other chats, created later than any put below, so the puts' own actions are the oldest and
        // the first candidates to go: the store starts just under the bound.
        const initial = emptyData();
        for (let i = 0; i < FILL; i++) {
          const a = act(`f${i}`, { chat: `f${i % 40}`, at: 1_000_000 + i, ttl: TTL.rerun });
          initial.actions[a.id] = a;
        }
        const r = await backend.open(initial);
        // The model: every action not yet pruned or dropped-by-age, in put order, and the current reply per slot.
        const live = new Map<string, { a: StoredAction; slot: string; group: string }>(
          Object.values(initial.actions).map((a) => [a.id, { a, slot: `${a.chat.chatId}/${a.kind}`, group: a.group ?? a.id }]),
        );
        // The group of the reply last put in each slot (null: a legacy button, which no later put can join).
        const current = new Map<string, string | null>();
        let n = 0;
        let lastPrune = -Infinity;
        for (const o of ops) {
          now += o.dt;
          if (o.kind === 'prune') {
            await r.actions.prune(now);
            lastPrune = now;
            for (const [id, x] of live) if (x.a.expiresAt < now) live.delete(id);
          } else {
            const slot = `c${o.chat}/${o.type}`;
            const id = `p${n++}`;
            const same = o.next === 'same' ? current.get(slot) : undefined;
            const group = typeof same === 'string' ? same : o.next === 'legacy' ? null : `grp${n}`;
            const a = act(id, { chat: `c${o.chat}`, kind: o.type, at: now, ttl: TTL[o.type], group });
            current.set(slot, group);
            await r.actions.put(a);
            live.set(id, { a, slot, group: group ?? `legacy:${id}` });
          }
          // The newest reply of each slot: the group of the last action still live in it.
          const newest = new Map<string, string>();
          for (const x of live.values()) newest.set(x.slot, x.group);
          const members = [...live.values()].filter((x) => newest.get(x.slot) === x.group);
          for (const x of members) expect(await r.actions.get(x.a.id)).toEqual(x.a);
          let count = 0;
          for (const id of [...range(FILL, 'f'), ...range(n, 'p')]) {
            const got = await r.actions.get(id);
            if (!got) continue;
            count++;
            // Nothing expired at the last prune is left, and what is left is what was put.
            expect(got.expiresAt).toBeGreaterThanOrEqual(lastPrune);
            expect(live.get(id)?.a).toEqual(got);
          }
          // Implies the looser count ≤ MAX_ACTIONS + Σ sizes of the newest replies.
          expect(count).toBeLessThanOrEqual(Math.max(MAX_ACTIONS, members.length));
        }
        await r.close();
      }),
      { numRuns: 20 },
    );
  });
});

describe('lowdb: the bound on disk', () => {
  async function actionsOnDisk(): Promise<Record<string, StoredAction>> {
    return (JSON.parse(await readFile(file(), 'utf8')) as { actions: Record<string, StoredAction> }).actions;
  }

  it('writes `group` only when there is one, and keeps the file at the bound', async () => {
    const r = await openLowdbRepositories(file());
    for (let i = 0; i < MAX_ACTIONS + 20; i++) await r.actions.put(act(`a${i}`, { at: i, group: i % 2 === 0 ? `g${i}` : null }));
    await r.close();
    const disk = await actionsOnDisk();
    expect(Object.keys(disk)).toHaveLength(MAX_ACTIONS);
    expect(disk[`a${MAX_ACTIONS + 18}`]?.group).toBe(`g${MAX_ACTIONS + 18}`);
    expect(Object.hasOwn(disk[`a${MAX_ACTIONS + 19}`] ?? {}, 'group')).toBe(false);
  });

  it('loads a file written before groups existed, with more actions than the bound; the next put brings it back to the bound', async () => {
    await writeFile(file(), JSON.stringify(filled(2_000, { group: false }), null, 2));
    const r = await openLowdbRepositories(file());
    expect(await r.actions.get('old1999')).toEqual(act('old1999', { chat: 'old', at: 1_999, group: null }));
    expect(Object.keys(await actionsOnDisk())).toHaveLength(2_000);
    await r.actions.put(act('new', { at: 5_000 }));
    await r.close();
    const disk = await actionsOnDisk();
    expect(Object.keys(disk)).toHaveLength(MAX_ACTIONS);
    expect(disk.new).toEqual(act('new', { at: 5_000 }));
    expect(disk.old1999).toBeDefined();
    expect(disk.old0).toBeUndefined();
  });
});
