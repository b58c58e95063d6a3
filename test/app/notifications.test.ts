import { describe, expect, it } from 'vitest';
import { inQuietHours, NotificationService, parseQuietRange } from '../../src/app/notifications.ts';
import { reply } from '../../src/core/reply.ts';
import type { ChatRef, Platform } from '../../src/domain/index.ts';
import type { DeliveryResult, Notifier } from '../../src/ports/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { memoryRepositories } from '../../src/storage/memory/index.ts';

class FakeNotifier implements Notifier {
  readonly sent: { chat: string; text: string; silent: boolean; at: number }[] = [];
  /** The delivery key of every attempt, failed or not. */
  readonly keys: (string | undefined)[] = [];
  readonly platform: Platform;
  private readonly script: DeliveryResult[];
  private readonly clock: ManualClock;

  constructor(platform: Platform, clock: ManualClock, script: DeliveryResult[] = []) {
    this.platform = platform;
    this.clock = clock;
    this.script = script;
  }

  send(chat: ChatRef, message: Parameters<Notifier['send']>[1], options: Parameters<Notifier['send']>[2] = {}): Promise<DeliveryResult> {
    this.keys.push(options.key);
    const r = this.script.shift() ?? { ok: true, messageId: String(this.sent.length + 1) };
    if (r.ok) this.sent.push({ chat: chat.chatId, text: message.blocks.map((b) => (b.kind === 'text' ? b.text : '')).join(''), silent: Boolean(options.silent), at: this.clock.now() });
    return Promise.resolve(r);
  }
}

const TG: ChatRef = { platform: 'telegram', chatId: '100' };
const CON: ChatRef = { platform: 'console', chatId: 'terminal' };

function setup(tg: DeliveryResult[] = [], con: DeliveryResult[] = []) {
  const clock = new ManualClock(Date.UTC(2026, 10, 21, 12, 0));
  const telegram = new FakeNotifier('telegram', clock, tg);
  const console_ = new FakeNotifier('console', clock, con);
  const repos = memoryRepositories();
  const svc = new NotificationService({
    notifiers: [telegram, console_], settings: repos.settings, clock, logger: silentLogger(), perChatIntervalMs: 1000, backoffMs: 500,
    sleep: (ms) => { clock.advance(ms); return Promise.resolve(); }, realNow: () => clock.now(),
  });
  return { clock, telegram, console_, svc, repos };
}

describe('NotificationService', () => {
  it('keeps subscriptions in settings, idempotently', async () => {
    const { svc, repos } = setup();
    expect(await svc.subscribe(TG)).toBe(true);
    expect(await svc.subscribe(TG)).toBe(false);
    expect(await svc.subscribe(CON)).toBe(true);
    expect((await repos.settings.get('alert-subscriptions')) as unknown[]).toHaveLength(2);
    expect(await svc.unsubscribe(TG)).toBe(true);
    expect(await svc.unsubscribe(TG)).toBe(false);
    expect((await svc.subscriptions()).map((s) => s.chat)).toEqual([CON]);
  });

  it('fans out; one platform failing never blocks another; delivered only when accepted', async () => {
    const { svc, telegram, console_ } = setup([{ ok: false, retryable: false, error: 'Forbidden: bot was blocked' }]);
    await svc.subscribe(TG);
    await svc.subscribe(CON);
    const delivered: string[] = [];
    const failed: string[] = [];
    expect(await svc.publish({ reply: reply.of(reply.text('Health 24')), level: 'critical', onDelivered: (c) => { delivered.push(c.platform); }, onFailed: (c, e) => { failed.push(`${c.platform}: ${e}`); } })).toBe(2);
    await svc.idle();
    expect(console_.sent.map((m) => m.text)).toEqual(['Health 24']);
    expect(telegram.sent).toEqual([]);
    expect(delivered).toEqual(['console']);
    expect(failed).toEqual(['telegram: Forbidden: bot was blocked']);
  });

  it('retries retryable failures with backoff and delivers exactly once', async () => {
    const { svc, telegram, clock } = setup([{ ok: false, retryable: true, error: '429' }, { ok: false, retryable: true, error: 'network' }]);
    await svc.subscribe(TG);
    const t0 = clock.now();
    let delivered = 0;
    await svc.publish({ reply: reply.of(reply.text('x')), level: 'critical', onDelivered: () => { delivered++; } });
    await svc.idle();
    expect(telegram.sent).toHaveLength(1);
    expect(delivered).toBe(1);
    // Backoff 500 then 1000 ms, plus the per-chat spacing before each attempt.
    expect(clock.now() - t0).toBeGreaterThanOrEqual(1500);
  });

  it('a platform down for 20 minutes gets the message once it is back (same key on every attempt); the other platform is not delayed', async () => {
    const down: DeliveryResult = { ok: false, retryable: true, error: '503' };
    const { svc, telegram, console_, clock } = setup(Array.from({ length: 30 }, () => down));
    await svc.subscribe(TG);
    await svc.subscribe(CON);
    const t0 = clock.now();
    await svc.publish({ reply: reply.of(reply.text('Health 24')), level: 'critical' });
    await svc.idle();
    expect(console_.sent.map((m) => m.at - t0)).toEqual([0]);
    expect(telegram.sent).toHaveLength(1);
    // 30 failures: backoff 0.5, 1, 2 … capped at 60 s → well past 20 minutes, under the 30-minute budget.
    expect(telegram.sent[0]!.at - t0).toBeGreaterThan(20 * 60_000);
    expect(telegram.keys).toHaveLength(31);
    expect(new Set(telegram.keys).size).toBe(1);
    expect(telegram.keys[0]).toMatch(/^\w{12}$/);
  });

  it('gives a message up after retryForMs of outage, and close() stops retrying at once', async () => {
    const down: DeliveryResult = { ok: false, retryable: true, error: '503' };
    const { svc, telegram, clock } = setup(Array.from({ length: 100 }, () => down));
    await svc.subscribe(TG);
    const failed: string[] = [];
    const t0 = clock.now();
    await svc.publish({ reply: reply.of(reply.text('a')), level: 'critical', onFailed: (_c, e) => { failed.push(e); } });
    await svc.idle();
    expect(failed).toEqual(['503']);
    expect(clock.now() - t0).toBeGreaterThanOrEqual(30 * 60_000);
    expect(clock.now() - t0).toBeLessThan(32 * 60_000);
    expect(telegram.sent).toEqual([]);
  });

  it('close(): a chat whose platform is failing is dropped, not waited for', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 21, 12, 0));
    const telegram = new FakeNotifier('telegram', clock, Array.from({ length: 100 }, () => ({ ok: false as const, retryable: true, error: '503' })));
    const repos = memoryRepositories();
    const svc = new NotificationService({ notifiers: [telegram], settings: repos.settings, clock, logger: silentLogger(), perChatIntervalMs: 0, backoffMs: 60_000 });
    await svc.subscribe(TG);
    await svc.publish({ reply: reply.of(reply.text('a')), level: 'critical' });
    await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    await svc.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(telegram.keys).toHaveLength(1);
  });

  it('spaces messages to one chat and sends low severity silently', async () => {
    const { svc, telegram } = setup();
    await svc.subscribe(TG);
    for (const level of ['warning', 'critical', 'info'] as const) await svc.publish({ reply: reply.of(reply.text(level)), level });
    await svc.idle();
    expect(telegram.sent.map((m) => [m.text, m.silent])).toEqual([['warning', true], ['critical', false], ['info', true]]);
    const gaps = telegram.sent.slice(1).map((m, i) => m.at - telegram.sent[i]!.at);
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(1000);
  });

  it('sends the more severe first when messages queue up for a chat', async () => {
    const { svc, telegram } = setup();
    await svc.subscribe(TG);
    for (const [text, level] of [['info 1', 'info'], ['warn', 'warning'], ['crit', 'critical'], ['info 2', 'info']] as const) {
      svc.enqueue(TG, { reply: reply.of(reply.text(text)), level });
    }
    await svc.idle();
    // 'info 1' was already being sent; the rest go by severity, order kept within a level.
    expect(telegram.sent.map((m) => m.text)).toEqual(['info 1', 'crit', 'warn', 'info 2']);
  });

  it('holds back warnings in quiet hours but not critical alerts', async () => {
    const { svc, telegram } = setup();
    await svc.subscribe(TG);
    // 12:00 UTC is 21:00 in Tokyo: inside 20:00–07:00 there.
    await svc.setQuiet(TG, parseQuietRange('20:00-07:00', 'Asia/Tokyo'));
    expect(await svc.publish({ reply: reply.of(reply.text('warn')), level: 'warning' })).toBe(0);
    expect(await svc.publish({ reply: reply.of(reply.text('crit')), level: 'critical' })).toBe(1);
    await svc.idle();
    expect(telegram.sent.map((m) => m.text)).toEqual(['crit']);
    await expect(svc.setQuiet(CON, null)).rejects.toThrow('This chat does not receive alerts.');
  });
});

describe('quiet hours', () => {
  it('handles same-day and overnight ranges in the chat’s time zone', () => {
    const at = (h: number, m = 0): number => Date.UTC(2026, 0, 15, h, m);
    const day = parseQuietRange('09:00-17:30', 'UTC');
    expect([inQuietHours(day, at(8, 59)), inQuietHours(day, at(9)), inQuietHours(day, at(17, 29)), inQuietHours(day, at(17, 30))]).toEqual([false, true, true, false]);
    const night = parseQuietRange('22:30-07:00', 'Europe/Paris'); // UTC+1 in January
    expect([inQuietHours(night, at(21, 29)), inQuietHours(night, at(21, 30)), inQuietHours(night, at(3)), inQuietHours(night, at(6)), inQuietHours(night, at(12))]).toEqual([false, true, true, false, false]);
  });

  it('rejects malformed ranges with the expected form', () => {
    expect(() => parseQuietRange('10pm-7am', 'UTC')).toThrow('quiet hours: expected HH:MM-HH:MM such as 22:30-07:00, got "10pm-7am"');
    expect(() => parseQuietRange('24:00-07:00', 'UTC')).toThrow(/expected HH:MM-HH:MM/);
    expect(() => parseQuietRange('07:00-07:00', 'UTC')).toThrow('start and end must differ');
  });
});
