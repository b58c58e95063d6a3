import { describe, expect, it } from 'vitest';
import { arg } from '../../src/core/args.ts';
import { defineCommand } from '../../src/core/command.ts';
import { Dispatcher } from '../../src/core/dispatcher.ts';
import { buttonsOf, encodeActionRef, plainText, reply } from '../../src/core/reply.ts';
import type { Actor, ChatRef, Role } from '../../src/domain/index.ts';
import { UserError, VenueError } from '../../src/shared/errors.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { memoryRepositories } from '../../src/storage/memory/index.ts';
import { captureLogger } from '../helpers/logger.ts';

interface Svc { calls: string[] }

const cmd = defineCommand<Svc>();
const size = cmd({
  name: 'size', description: 'Size a position', role: 'viewer',
  args: { market: arg.string({ upper: true }), amount: arg.number({ min: 0 }) },
  run: ({ args, services }) => {
    services.calls.push(`size ${args.market} ${args.amount}`);
    return Promise.resolve(reply.of(reply.text(`${args.market} ${args.amount}`)));
  },
});
const trade = cmd({
  name: 'trade', description: 'Needs trader', role: 'trader', args: {},
  run: async ({ buttons }) => reply.of(reply.text('ok'), reply.buttons([await buttons.command('Again', 'trade')])),
});
const boom = cmd({ name: 'boom', description: 'Throws', role: 'viewer', args: {}, run: () => Promise.reject(new Error('secret internals')) });
const venue = cmd({
  name: 'venue', description: 'Venue fails', role: 'viewer', args: {},
  run: () => Promise.reject(new VenueError('Drift', 'order rejected', { programError: 'InsufficientCollateral' })),
});
const user = cmd({ name: 'user', description: 'User error', role: 'viewer', args: {}, run: () => Promise.reject(new UserError('not_found', 'No such thing.', 'Try /help.')) });

const chat: ChatRef = { platform: 'telegram', chatId: '1' };
const actor = (role: Role | null, userId = '42'): Actor => ({ platform: 'telegram', userId, displayName: 'Ann', role });

function setup() {
  const clock = new ManualClock();
  const repos = memoryRepositories();
  const { logger, records } = captureLogger();
  const services: Svc = { calls: [] };
  const d = new Dispatcher<Svc>({ commands: [size, trade, boom, venue, user], services, actions: repos.actions, clock, logger });
  return { d, clock, repos, records, services };
}

describe('Dispatcher', () => {
  it('auth → parse → run: a valid command reaches run with typed args', async () => {
    const { d, services } = setup();
    const r = await d.handleText({ actor: actor('viewer'), chat, text: '/size sol 2.5' });
    expect(plainText(r!)).toBe('SOL 2.5');
    expect(services.calls).toEqual(['size SOL 2.5']);
  });

  it('answers a bad argument with the problem and the usage line, without running', async () => {
    const { d, services } = setup();
    const r = await d.handleText({ actor: actor('viewer'), chat, text: '/size SOL abc' });
    expect(r!.blocks).toEqual([
      { kind: 'text', text: 'amount: expected a number ≥ 0, got "abc"', style: 'error' },
      { kind: 'text', text: 'Usage: /size <market> <amount>', style: 'muted' },
    ]);
    expect(services.calls).toEqual([]);
  });

  it('refuses people not on the allow-list with one line and no data', async () => {
    const { d, services } = setup();
    const r = await d.handleText({ actor: actor(null, '999'), chat, text: '/size SOL 1' });
    expect(r!.blocks).toHaveLength(1);
    expect(plainText(r!)).toContain('private bot');
    expect(plainText(r!)).toContain('999');
    expect(services.calls).toEqual([]);
    // Even an unknown command reveals nothing beyond the refusal.
    expect(plainText((await d.handleText({ actor: actor(null), chat, text: '/nope' }))!)).toContain('private bot');
  });

  it('enforces roles', async () => {
    const { d } = setup();
    const r = await d.handleText({ actor: actor('viewer'), chat, text: '/trade' });
    expect(plainText(r!)).toContain('/trade needs the trader role; you are a viewer.');
    expect(plainText((await d.handleText({ actor: actor('admin'), chat, text: '/trade' }))!)).toContain('ok');
  });

  it('ignores plain text and commands addressed to another bot; handles @this_bot', async () => {
    const { d, services } = setup();
    expect(await d.handleText({ actor: actor('viewer'), chat, text: 'hello' })).toBeNull();
    expect(await d.handleText({ actor: actor('viewer'), chat, text: '/size@other_bot SOL 1', botUsername: 'vigil_bot' })).toBeNull();
    await d.handleText({ actor: actor('viewer'), chat, text: '/size@Vigil_Bot SOL 1', botUsername: 'vigil_bot' });
    expect(services.calls).toEqual(['size SOL 1']);
  });

  it('unknown commands get a hint', async () => {
    const { d } = setup();
    expect(plainText((await d.handleText({ actor: actor('viewer'), chat, text: '/frobnicate' }))!)).toBe('/frobnicate is not a command.\nTry /help for the list.');
  });

  it('turns unexpected errors into a reference id shown to the user and logged, never leaking internals', async () => {
    const { d, records } = setup();
    const text = plainText((await d.handleText({ actor: actor('viewer'), chat, text: '/boom' }))!);
    const ref = /ref ([a-z0-9]{6})/.exec(text)?.[1];
    expect(ref).toBeDefined();
    expect(text).not.toContain('secret internals');
    const logged = records.find((r) => r.ref === ref);
    expect(logged?.level).toBe(50);
    expect(JSON.stringify(logged)).toContain('secret internals');
  });

  it('shows venue errors with their decoded program error name', async () => {
    const { d } = setup();
    expect(plainText((await d.handleText({ actor: actor('viewer'), chat, text: '/venue' }))!)).toMatch(/^Drift: order rejected \(InsufficientCollateral\)\.\nReference: [a-z0-9]{6}$/);
  });

  it('shows UserErrors as they are', async () => {
    const { d } = setup();
    expect(plainText((await d.handleText({ actor: actor('viewer'), chat, text: '/user' }))!)).toBe('No such thing.\nTry /help.');
  });

  it('supports named options (Discord) with the same parsing', async () => {
    const { d, services } = setup();
    await d.handleCommand({ actor: actor('viewer'), chat, name: 'size', named: { market: 'eth', amount: '3' } });
    const bad = await d.handleCommand({ actor: actor('viewer'), chat, name: 'size', named: { market: 'eth', amount: 'x' } });
    expect(services.calls).toEqual(['size ETH 3']);
    expect(plainText(bad)).toContain('amount: expected a number ≥ 0, got "x"');
  });
});

describe('buttons', () => {
  async function pressable() {
    const s = setup();
    const r = await s.d.handleText({ actor: actor('trader'), chat, text: '/trade' });
    const [button] = buttonsOf(r!);
    return { ...s, data: encodeActionRef(button!.action) };
  }

  it('re-runs the command and edits in place', async () => {
    const { d, data } = await pressable();
    const res = await d.handlePress({ actor: actor('trader'), chat, data });
    expect(res.edit).toBe(true);
    expect(plainText(res.reply!)).toContain('ok');
  });

  it('re-checks the role of whoever presses', async () => {
    const { d, data } = await pressable();
    expect(await d.handlePress({ actor: actor('viewer', '7'), chat, data })).toEqual({
      reply: null, edit: false, toast: 'This button needs the trader role; you are a viewer.',
    });
    const refused = await d.handlePress({ actor: actor(null, '8'), chat, data });
    expect(refused.reply).toBeNull();
    expect(refused.toast).toContain('private bot');
  });

  it('expires and says so, changing nothing', async () => {
    const { d, data, clock } = await pressable();
    clock.advance(24 * 3600_000 + 1);
    expect(await d.handlePress({ actor: actor('trader'), chat, data })).toEqual({
      reply: null, edit: false, toast: 'This button has expired. Run the command again.',
    });
  });

  it('treats unknown or forged data as an invalid button', async () => {
    const { d } = setup();
    for (const data of ['a:zzzzzzzzzz:r', 'garbage', 'a::', 'a:../../x:r', '']) {
      expect(await d.handlePress({ actor: actor('admin'), chat, data })).toEqual({
        reply: null, edit: false, toast: 'This button is no longer valid. Run the command again.',
      });
    }
  });

  it('encodes refs within Telegram’s 64-byte callback_data', async () => {
    const { data } = await pressable();
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(data).toMatch(/^a:[a-z0-9]{10}:r$/);
  });

  it('routes other kinds to registered handlers', async () => {
    const { d } = setup();
    d.registerHandler('approval', (ctx) => Promise.resolve({ reply: reply.of(reply.text(`verb ${ctx.verb}`)), edit: true }));
    const b = await d.makeButton({ label: 'Confirm', kind: 'approval', payload: { planId: 'p1' }, role: 'trader', actor: actor('trader'), chat, verb: 'y' });
    const res = await d.handlePress({ actor: actor('trader'), chat, data: encodeActionRef(b.action) });
    expect(plainText(res.reply!)).toBe('verb y');
  });
});

describe('defineCommand', () => {
  it('rejects names and descriptions the platforms would refuse', () => {
    expect(() => cmd({ name: 'Bad-Name', description: 'x', role: 'viewer', args: {}, run: () => Promise.resolve(reply.of()) })).toThrow(/must match/);
    expect(() => cmd({ name: 'ok', description: 'x'.repeat(101), role: 'viewer', args: {}, run: () => Promise.resolve(reply.of()) })).toThrow(/description/);
    expect(() => cmd({
      name: 'ok', description: 'x', role: 'viewer', args: { a: arg.number({ optional: true }), b: arg.number() }, run: () => Promise.resolve(reply.of()),
    })).toThrow(/required arguments must come before/);
  });
});

describe('Dispatcher.suggest (autocomplete)', () => {
  const pick = cmd({
    name: 'pick', description: 'Pick a market', role: 'trader',
    args: { market: arg.string({ suggest: 'market' }), note: arg.string({ optional: true }) },
    run: () => Promise.resolve(reply.of(reply.text('ok'))),
  });
  const help = cmd({ name: 'help', description: 'Help', role: 'viewer', args: { command: arg.string({ optional: true, suggest: 'command' }) }, run: () => Promise.resolve(reply.of()) });
  const markets = ['SOL-PERP', 'ETH-PERP', 'BTC-PERP', 'SOL', ...Array.from({ length: 40 }, (_, i) => `M${i}-PERP`)];
  function make(fail = false) {
    const repos = memoryRepositories();
    const { logger, records } = captureLogger();
    const asked: string[] = [];
    const d = new Dispatcher<Svc>({
      commands: [pick, help, trade], services: { calls: [] }, actions: repos.actions, clock: new ManualClock(), logger,
      suggestions: (source, who) => {
        asked.push(`${source}:${who.userId}`);
        return fail ? Promise.reject(new Error('venue down')) : Promise.resolve(markets.map((m) => ({ label: `${m} · paper`, value: m })));
      },
    });
    return { d, asked, records };
  }

  it('prefix matches first, then matches inside the label, at most 25', async () => {
    const { d } = make();
    const sol = await d.suggest({ actor: actor('trader'), command: 'pick', option: 'market', prefix: 'sol' });
    expect(sol.map((s) => s.value)).toEqual(['SOL-PERP', 'SOL']);
    const perp = await d.suggest({ actor: actor('trader'), command: 'pick', option: 'market', prefix: 'perp' });
    expect(perp).toHaveLength(25);
    expect(perp[0]?.value).toBe('SOL-PERP');
    expect((await d.suggest({ actor: actor('trader'), command: 'pick', option: 'market', prefix: '' }))).toHaveLength(25);
  });

  it('nothing for a stranger, a role below the command’s, an option without suggestions or an unknown command; the source is not even asked', async () => {
    const { d, asked } = make();
    for (const [who, command, option] of [[actor(null), 'pick', 'market'], [actor('viewer'), 'pick', 'market'], [actor('trader'), 'pick', 'note'], [actor('trader'), 'nope', 'x']] as const) {
      expect(await d.suggest({ actor: who, command, option, prefix: '' })).toEqual([]);
    }
    expect(asked).toEqual([]);
  });

  it('the command list follows the asker’s role; a failing source is no suggestions and a log line', async () => {
    const { d } = make();
    expect((await d.suggest({ actor: actor('viewer'), command: 'help', option: 'command', prefix: '/' })).map((s) => s.value)).toEqual(['help']);
    expect((await d.suggest({ actor: actor('trader'), command: 'help', option: 'command', prefix: '' })).map((s) => s.value)).toEqual(['pick', 'help', 'trade']);
    const failing = make(true);
    expect(await failing.d.suggest({ actor: actor('trader'), command: 'pick', option: 'market', prefix: 's' })).toEqual([]);
    expect(failing.records.some((r) => r.msg === 'suggestions failed')).toBe(true);
  });
});

describe('Dispatcher: invisible characters in the command word', () => {
  it('says what is hidden instead of "not a command"', async () => {
    const { d } = setup();
    const r = await d.handleText({ actor: actor('viewer'), chat, text: '/si\u200Bze sol 1' });
    expect(plainText(r!)).toBe('The command "/si⟨U+200B⟩ze" contains an invisible zero-width space U+200B; type it again without it.');
  });
});
