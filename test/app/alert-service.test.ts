/**
 * AlertService on the paper venue with a scripted price path. Book: 1,000 USDC backing SOL-PERP long 100 @ $100
 * (maintenance 3%). Health = 100 × (1 − 3P / (1000 + 100(P − 100))): 70 at $100; below 50 under $95.74, below 25 under
 * $93.75, below 10 under $93.10; liquidation at $92.78.
 */
import { describe, expect, it } from 'vitest';
import { buttonsOf, encodeActionRef, plainText } from '../../src/core/reply.ts';
import type { ChatRef } from '../../src/domain/index.ts';
import type { StartingPortfolio } from '../../src/venues/paper/portfolio-file.ts';
import { ROUND_PRICES, testApp } from '../helpers/app.ts';
import { Inbox } from '../helpers/inbox.ts';

const BOOK: StartingPortfolio = { spot: [{ asset: 'USDC', amount: '1000' }], perps: [{ market: 'SOL-PERP', size: '100', entryPrice: 100 }], lp: [] };
const CHAT: ChatRef = { platform: 'telegram', chatId: '42' };

async function setup() {
  const t = testApp({ portfolio: BOOK, prices: ROUND_PRICES });
  const inbox = new Inbox();
  t.app.services.notifications.addNotifier(inbox);
  await t.app.services.notifications.subscribe(CHAT);
  const at = async (sol: number) => {
    t.venue.setPrices({ SOL: sol });
    await t.app.services.alerts.evaluate({ fullRisk: false });
    await t.app.services.notifications.idle();
  };
  const healthMessages = () => inbox.got.map(plainText).filter((x) => /Health|health/.test(x.split('\n')[0] ?? ''));
  return { ...t, inbox, at, healthMessages };
}

describe('AlertService', () => {
  it('walks a crash through warning → critical → emergency, each once, then recovers once', async () => {
    const { at, healthMessages } = await setup();
    await at(100);
    expect(healthMessages()).toEqual([]);
    await at(95);
    await at(95.1); // still warning: nothing new
    await at(93.5);
    await at(93.0);
    await at(93.05); // still emergency within the repeat interval: nothing new
    await at(99);
    const titles = healthMessages().map((m) => m.split('\n')[0]);
    expect(titles).toHaveLength(4);
    expect(titles[0]).toMatch(/^⚠ Alert · WARNING: /);
    expect(titles[1]).toMatch(/^🚨 Worse · CRITICAL: /);
    expect(titles[2]).toMatch(/^🆘 Worse · EMERGENCY: /);
    expect(titles[3]).toMatch(/^✅ Recovered: /);
    // The numbers are in the message: health at $95 is 100 × (1 − 285/500) = 43.
    expect(healthMessages()[0]).toContain('43');
  });

  it('repeats critical alerts until someone acknowledges, via the button', async () => {
    const { at, inbox, app, clock, healthMessages } = await setup();
    await at(93.5);
    const first = inbox.got.find((r) => plainText(r).includes('CRITICAL') && /health/i.test(plainText(r).split('\n')[0] ?? ''))!;
    expect(buttonsOf(first).map((b) => b.label)).toEqual(['Protect', 'Acknowledge', 'Snooze 1h', 'Mute rule']);
    clock.advance(16 * 60_000);
    await at(93.5);
    expect(healthMessages().filter((m) => m.startsWith('🚨 Still'))).toHaveLength(1);
    const ack = buttonsOf(first).find((b) => b.label === 'Acknowledge')!;
    const viewer = await app.dispatcher.handlePress({ actor: { platform: 'telegram', userId: '1', displayName: 'V', role: 'viewer' }, chat: CHAT, data: encodeActionRef(ack.action) });
    expect(viewer.toast).toContain('needs the trader role');
    const res = await app.dispatcher.handlePress({ actor: { platform: 'telegram', userId: '2', displayName: 'Tess', role: 'trader' }, chat: CHAT, data: encodeActionRef(ack.action) });
    expect(res.toast).toBe('Acknowledged by Tess: no more repeats.');
    clock.advance(16 * 60_000);
    await at(93.5);
    expect(healthMessages().filter((m) => m.startsWith('🚨 Still'))).toHaveLength(1);
  });

  it('the Protect button opens the protect plan for whoever tapped it (nothing is sent until Confirm)', async () => {
    const { at, inbox, app, executor } = await setup();
    await at(95);
    const alert = inbox.got.find((r) => buttonsOf(r).some((b) => b.label === 'Protect'))!;
    const act = buttonsOf(alert)[0]!;
    const res = await app.dispatcher.handlePress({ actor: { platform: 'telegram', userId: '2', displayName: 'Tess', role: 'trader' }, chat: CHAT, data: encodeActionRef(act.action) });
    const t = plainText(res.reply!);
    // Health 43 at $95 → back to 55 (warning 50 + margin 5): 20.29 SOL-PERP, worked out in test/commands/actions.test.ts.
    expect(t.split('\n')[0]).toBe('Protect: health to 55 · dry run');
    expect(t).toContain('SELL (RO) | 20.29 SOL-PERP');
    expect(t).toContain('Health | 43/100 | 55/100');
    expect(t).toContain('asked by Tess');
    expect(buttonsOf(res.reply!).map((b) => b.label)).toEqual(['Confirm', 'Cancel']);
    expect(executor.submissions).toHaveLength(0);
  });

  it('commands: /alerts, /mute, /snooze, /thresholds and /report', async () => {
    const { at, send, healthMessages } = await setup();
    await at(95);
    expect(plainText(await send('/alerts'))).toMatch(/Active alerts \(\d+\)/);
    expect(plainText(await send('/mute health 2h', 'viewer'))).toContain('needs the trader role');
    expect(plainText(await send('/mute health 2h', 'trader'))).toMatch(/^Rule health muted until /);
    await at(93.5); // muted: no health escalation
    expect(healthMessages()).toHaveLength(1);
    expect(plainText(await send('/mute health forever', 'trader'))).toContain('duration: expected a time such as 30m, 1h or 2d (a plain number is minutes), from 1 to 43200 minutes, or off, got "forever"');
    expect(plainText(await send('/mute health 31d', 'trader'))).toContain('from 1 to 43200 minutes, or off, got "31d"');
    // A plain number is minutes, like "90m".
    expect(plainText(await send('/snooze 90', 'trader'))).toBe(plainText(await send('/snooze 90m', 'trader')));
    expect(plainText(await send('/mute nope 1h', 'trader'))).toContain('rule: expected one of health, liquidation_distance');
    expect(plainText(await send('/snooze 30m', 'trader'))).toMatch(/^All alerts snoozed until /);
    expect(plainText(await send('/snooze off', 'trader'))).toBe('Snooze ended: alerts are back on.');
    expect(plainText(await send('/thresholds'))).toContain('Health below: ⚠ 50 · 🚨 25 · 🆘 10');
    expect(plainText(await send('/thresholds set health_warning 60', 'trader'))).toContain('needs the admin role');
    expect(plainText(await send('/thresholds set health_warning 60', 'admin'))).toContain('Health below: ⚠ 60 · 🚨 25 · 🆘 10');
    expect(plainText(await send('/thresholds set health_critical 70', 'admin'))).toContain('health tiers must fall in order');
    const report = await send('/report');
    // Last price $93.50: equity 1,000 + 100 × (93.5 − 100) = $350.00.
    expect(plainText(report)).toContain('Value: $350.00');
    expect(plainText(report)).toMatch(/Active alerts: .*(warning|critical|emergency)/);
    expect(report.blocks.some((b) => b.kind === 'image')).toBe(true);
  });

  it('measures drawdown on recorded equity, not on the hypothetical backtest', async () => {
    const { at, app, inbox, clock } = await setup();
    await at(100);
    expect(inbox.got.map(plainText).some((m) => m.includes('Drawdown'))).toBe(false);
    await app.services.performance.record(); // equity $1,000 at $100
    clock.advance(60_000);
    await app.services.performance.record();
    await at(97); // equity $700: 30% below the recorded peak (limit 15%, critical above 22.5%)
    await app.services.alerts.evaluate({ fullRisk: true });
    await app.services.notifications.idle();
    const dd = inbox.got.map(plainText).find((m) => m.includes('Drawdown'));
    expect(dd).toMatch(/CRITICAL/);
    expect(dd).toMatch(/Drawdown 30(\.0+)?%/);
  });

  it('survives a restart without repeating what was sent', async () => {
    const { at, app, healthMessages, clock } = await setup();
    await at(95);
    expect(healthMessages()).toHaveLength(1);
    // A new engine on the same state (what a restart builds) sends nothing new at the same level.
    const { AlertEngine } = await import('../../src/app/alerts/index.ts');
    const fresh = new AlertEngine((app.services.alerts as unknown as { deps: { engine: { repo: unknown } } }).deps.engine.repo as never);
    expect(await fresh.evaluate([], clock.now())).toEqual([]);
    await at(95.2);
    expect(healthMessages()).toHaveLength(1);
  });
});
