/**
 * The default demo book as a newcomer meets it (`npm start`: seed 42, DEMO_SPEED 60): a plausible hedged desk — not a
 * book that is already in trouble — whose alert flow shows itself within a few minutes of watching.
 */
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../commands/index.ts';
import { buildApp } from '../../../src/app/build.ts';
import { plainText } from '../../../src/core/reply.ts';
import { DEFAULT_RISK_LIMITS } from '../../../src/domain/limits.ts';
import type { Notifier } from '../../../src/ports/index.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { silentLogger } from '../../../src/shared/logger.ts';
import { memoryRepositories } from '../../../src/storage/memory/index.ts';
import { PaperVenue } from '../../../src/venues/paper/venue.ts';

const T0 = Date.UTC(2026, 11, 7, 12);

function demo() {
  const clock = new ManualClock(T0);
  // The defaults of src/config.ts: PAPER_SEED 42, DEMO_SPEED 60, the default portfolio.
  const venue = new PaperVenue({ clock, speed: 60, seed: 42 });
  const alerts: { at: number; text: string }[] = [];
  const inbox: Notifier = {
    platform: 'console',
    send: (_chat, m) => { alerts.push({ at: clock.now() - T0, text: plainText(m).split('\n')[0]! }); return Promise.resolve({ ok: true, messageId: String(alerts.length) }); },
  };
  const app = buildApp({
    commands: COMMANDS, sources: [venue], history: venue.history, repos: memoryRepositories(), clock, logger: silentLogger(), notificationSpacingMs: 0,
    runtime: { version: 'test', venueMode: 'paper', executionMode: 'dry-run', transport: 'console', startedAt: T0, timeZone: 'UTC', storage: 'memory' },
  });
  app.services.notifications.addNotifier(inbox);
  const actor = { platform: 'console' as const, userId: 'u', displayName: 'u', role: 'admin' as const };
  const send = async (text: string): Promise<string> => plainText((await app.dispatcher.handleText({ actor, chat: { platform: 'console', chatId: 'c' }, text }))!);
  return { clock, app, alerts, send };
}

describe('the default demo book', () => {
  it('is a moderately leveraged, healthy desk: health 75–90, leverage under the 5x limit, no limit breached', async () => {
    const { send } = demo();
    const p = await send('/portfolio');
    const health = Number(/Health: (\d+)\/100/.exec(p)?.[1]);
    const leverage = Number(/Leverage: ([\d.]+)x/.exec(p)?.[1]);
    expect(health).toBeGreaterThanOrEqual(75);
    expect(health).toBeLessThanOrEqual(90);
    expect(leverage).toBeGreaterThan(2);
    expect(leverage).toBeLessThan(DEFAULT_RISK_LIMITS.maxPortfolioLeverage);
    expect(p).toContain('Positions: 5 perp · 2 spot · 1 LP');
    const limits = await send('/limits');
    expect(limits.split('\n')[0]).toBe('Risk limits: all within');
  });

  it('starts quiet and shows a warning-level alert within five minutes of watching, never a critical one', async () => {
    const { app, clock, alerts } = demo();
    await app.services.notifications.subscribe({ platform: 'console', chatId: 'c' });
    await app.services.alerts.evaluate({ fullRisk: true });
    await app.services.notifications.idle();
    expect(alerts).toEqual([]);
    // The monitor's cadence: a refresh every 10 s, the full risk pass every minute.
    for (let s = 10; s <= 300; s += 10) {
      clock.advance(10_000);
      await app.services.alerts.evaluate({ fullRisk: s % 60 === 0 });
    }
    await app.services.notifications.idle();
    const warnings = alerts.filter((a) => a.text.includes('WARNING'));
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings[0]!.at).toBeLessThanOrEqual(300_000);
    expect(alerts.filter((a) => /CRITICAL|EMERGENCY/.test(a.text))).toEqual([]);
  });
});
