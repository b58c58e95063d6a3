/**
 * Button groups and the bound on stored actions, seen through the Dispatcher (issue 10): the buttons of one reply or
 * card share a group; after 10,000 commands on a lowdb state file it holds at most MAX_ACTIONS actions and the buttons
 * of the last reply still work; a pending plan's Confirm survives a flood of newer buttons.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineCommand } from '../../src/core/command.ts';
import { Dispatcher } from '../../src/core/dispatcher.ts';
import { buttonsOf, encodeActionRef, plainText, reply, type Button, type Reply } from '../../src/core/reply.ts';
import type { ChatRef } from '../../src/domain/index.ts';
import type { Repositories, StoredAction } from '../../src/ports/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { openLowdbRepositories } from '../../src/storage/lowdb/index.ts';
import { memoryRepositories } from '../../src/storage/memory/index.ts';
import { MAX_ACTIONS } from '../../src/storage/schema.ts';
import { captureLogger } from '../helpers/logger.ts';
import { CHAT, T0, testApp } from '../helpers/app.ts';

/**
 * Commands in the end-to-end run: the bound is reached after 250 (/portfolio makes two buttons), so 1,200 crosses it
 * many times over. The 10,000-command figures (file size, /portfolio time) come from `npm run bench` (state.bench.ts).
 */
const COMMANDS = 1_200;
const OTHER: ChatRef = { platform: 'console', chatId: 'other' };

function button(r: Reply, label: string): Button {
  const b = buttonsOf(r).find((x) => x.label === label);
  if (!b) throw new Error(`no button ${label} in ${buttonsOf(r).map((x) => x.label).join(', ')}`);
  return b;
}

async function stored(repos: Repositories, b: Button): Promise<StoredAction | undefined> {
  return repos.actions.get(b.action.id);
}

describe('button groups', () => {
  const cmd = defineCommand<null>();
  const two = cmd({
    name: 'two', description: 'Two buttons', role: 'viewer', args: {},
    run: async ({ buttons }) => reply.of(reply.text('x'), reply.buttons([await buttons.command('A', 'two'), await buttons.command('B', 'two')])),
  });
  const chat: ChatRef = { platform: 'telegram', chatId: '1' };
  const actor = { platform: 'telegram' as const, userId: '42', displayName: 'Ann', role: 'viewer' as const };

  it('gives the buttons of one command run one group, and every run (a press re-running it too) a new one', async () => {
    const repos = memoryRepositories();
    const d = new Dispatcher<null>({ commands: [two], services: null, actions: repos.actions, clock: new ManualClock(), logger: captureLogger().logger });
    const r1 = await d.handleCommand({ actor, chat, name: 'two' });
    const r2 = await d.handleCommand({ actor, chat, name: 'two' });
    const [a1, b1, a2] = await Promise.all([stored(repos, button(r1, 'A')), stored(repos, button(r1, 'B')), stored(repos, button(r2, 'A'))]);
    expect(a1?.group).toMatch(/^[a-z2-9]{8}$/);
    expect(b1?.group).toBe(a1?.group);
    expect(a2?.group).not.toBe(a1?.group);
    const pressed = await d.handlePress({ actor, chat, data: encodeActionRef(button(r1, 'A').action) });
    const [a3, b3] = await Promise.all([stored(repos, button(pressed.reply!, 'A')), stored(repos, button(pressed.reply!, 'B'))]);
    expect(a3?.group).toBe(b3?.group);
    expect([a1?.group, a2?.group]).not.toContain(a3?.group);
  });

  it('makeButton stores the group it is given, and none when it is given none', async () => {
    const repos = memoryRepositories();
    const d = new Dispatcher<null>({ commands: [two], services: null, actions: repos.actions, clock: new ManualClock(), logger: captureLogger().logger });
    const spec = { label: 'X', kind: 'alert', payload: null, role: 'viewer' as const, actor: null, chat };
    const withGroup = await d.makeButton({ ...spec, group: 'card-1' });
    const without = await d.makeButton(spec);
    expect((await stored(repos, withGroup))?.group).toBe('card-1');
    expect(Object.hasOwn((await stored(repos, without)) ?? {}, 'group')).toBe(false);
  });

  it('an alert card and a confirm card each put all their buttons in one group', async () => {
    const { app, repos, send } = testApp({ approvals: { maxNotionalPerActionUsd: 1e9, maxNotionalPerDayUsd: 1e12 } });
    const observation = { key: 'main:health:paper', rule: 'health' as const, level: 'critical' as const, value: 20, threshold: 25, title: 'Health 20', detail: 'Health 20/100 is below 25', action: 'reduce' as const };
    const alert = await app.services.alerts.message({ id: 'main:health:paper@1:raised', kind: 'raised', key: observation.key, level: 'critical', observation, at: T0 });
    const alertGroups = new Set(await Promise.all(buttonsOf(alert).map(async (b) => (await stored(repos, b))?.group)));
    expect(buttonsOf(alert)).toHaveLength(4);
    expect(alertGroups.size).toBe(1);
    expect([...alertGroups][0]).toBeTypeOf('string');
    const card = await send('/hedge BTC 3000', 'trader');
    const [ok, no] = await Promise.all([stored(repos, button(card, 'Confirm')), stored(repos, button(card, 'Cancel'))]);
    expect(ok?.kind).toBe('approval');
    expect(ok?.group).toBe((ok?.payload as { planId: string }).planId);
    expect(no?.group).toBe(ok?.group);
  });
});

describe('the bound through the Dispatcher', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-actions-e2e-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`after ${COMMANDS} /portfolio commands the lowdb file holds at most MAX_ACTIONS (${MAX_ACTIONS}) actions and the last reply's buttons work`, async () => {
    const file = join(dir, 'vigil.json');
    const repos = await openLowdbRepositories(file);
    const { app, clock, actor } = testApp({ repos, seed: 42 });
    const onDisk = async (): Promise<Record<string, StoredAction>> => (JSON.parse(await readFile(file, 'utf8')) as { actions: Record<string, StoredAction> }).actions;
    let first: Reply | undefined;
    let last: Reply | undefined;
    for (let i = 0; i < COMMANDS; i++) {
      clock.advance(1_000);
      // What main.ts's prune job does every 10 minutes (nothing is 24 hours old here: the bound does the work).
      if (i % 600 === 0) await repos.actions.prune(clock.now());
      last = await app.dispatcher.handleCommand({ actor: actor('viewer'), chat: CHAT, name: 'portfolio' });
      first ??= last;
      if ((i + 1) % 300 === 0) expect(Object.keys(await onDisk()).length, `after ${i + 1} commands`).toBeLessThanOrEqual(MAX_ACTIONS);
    }
    if (!first || !last) throw new Error('no replies');
    const disk = await onDisk();
    expect(Object.keys(disk)).toHaveLength(MAX_ACTIONS);
    const refresh = button(last, '↻ Refresh');
    const positions = button(last, 'Positions');
    expect(disk[refresh.action.id]?.group).toBeTypeOf('string');
    expect(disk[positions.action.id]?.group).toBe(disk[refresh.action.id]?.group);

    const press = (b: Button) => app.dispatcher.handlePress({ actor: actor('viewer'), chat: CHAT, data: encodeActionRef(b.action) });
    const shown = await press(positions);
    expect(shown.edit).toBe(true);
    expect(plainText(shown.reply!)).toMatch(/SOL-PERP/);
    const refreshed = await press(refresh);
    expect(plainText(refreshed.reply!)).toMatch(/^Portfolio/);
    // The first reply's buttons were dropped long ago, and say so.
    expect(await press(button(first, '↻ Refresh'))).toEqual({ reply: null, edit: false, toast: 'This button is no longer valid. Run the command again.' });
    await repos.close();
  }, 600_000);

  it('keeps an older confirm card\'s Confirm working while its plan is pending, through a flood of newer buttons', async () => {
    const { app, repos, send, press, actor } = testApp({ approvals: { maxNotionalPerActionUsd: 1e9, maxNotionalPerDayUsd: 1e12 } });
    const older = await send('/hedge BTC 3000', 'trader');
    const newer = await send('/hedge BTC 0', 'trader');
    // 3 × MAX_ACTIONS buttons in another chat, all newer than both cards (the clock does not move: the plans stay live).
    for (let i = 0; i < (3 * MAX_ACTIONS) / 2; i++) await app.dispatcher.handleCommand({ actor: actor('viewer'), chat: OTHER, name: 'portfolio' });
    expect(await stored(repos, button(older, 'Cancel'))).toBeDefined();
    const confirmed = await press(older, 'Confirm', 'trader');
    expect(confirmed.toast).toBe('Dry run: simulated, nothing sent.');
    const cancelled = await press(newer, 'Cancel', 'trader');
    expect(cancelled.toast).toBe('Cancelled: nothing was sent.');
  });
});
