/**
 * Alert delivery: per-chat subscriptions and quiet hours (kept in settings), and an outbound queue per chat with a
 * minimum spacing between messages, retries with backoff, and fan-out across transports so one failing platform never
 * blocks another. A message counts as delivered only when a platform accepted it.
 */
import { SETTINGS } from '../ports/settings.ts';
import type { AlertLevel, ChatRef } from '../domain/index.ts';
import type { Clock, Notifier, SettingsRepo } from '../ports/index.ts';
import type { Reply } from '../core/reply.ts';
import type { Logger } from '../shared/logger.ts';
import { UserError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';

const SETTINGS_KEY = SETTINGS.alertSubscriptions;

export interface QuietHours {
  /** "HH:MM" local time, inclusive start. */
  readonly from: string;
  /** "HH:MM" local time, exclusive end; may be earlier than `from` (overnight). */
  readonly to: string;
  /** IANA time zone the hours are in. */
  readonly timeZone: string;
}

export interface Subscription {
  readonly chat: ChatRef;
  readonly quiet: QuietHours | null;
}

export interface OutboundMessage {
  readonly reply: Reply;
  readonly level: AlertLevel;
  /** Called once a platform accepted the message for this chat. */
  readonly onDelivered?: (chat: ChatRef, messageId: string) => void | Promise<void>;
  /** Called when delivery to this chat is given up (final error or retries exhausted). */
  readonly onFailed?: (chat: ChatRef, error: string) => void | Promise<void>;
}

export interface NotificationOptions {
  readonly notifiers: readonly Notifier[];
  readonly settings: SettingsRepo;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Minimum time between two messages to one chat (Telegram allows about one a second per chat). */
  readonly perChatIntervalMs?: number;
  /** Optional cap on attempts per message; by default a retryable failure is retried for `retryForMs`. */
  readonly maxAttempts?: number;
  /** How long (real ms) a platform may stay unreachable before a message to it is given up (default 30 min). */
  readonly retryForMs?: number;
  /** First wait between attempts (ms), doubling up to `maxBackoffMs` (default 60 s). */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Waits (injectable for tests). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Real time in ms for pacing (platform limits are in real time, whatever the app clock does); injectable for tests. */
  readonly realNow?: () => number;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after local midnight of `ms` in `timeZone`. */
function localMinutes(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(ms));
  const h = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const m = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return h * 60 + m;
}

const toMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether `ms` falls inside the quiet hours (overnight ranges wrap midnight). */
export function inQuietHours(q: QuietHours, ms: number): boolean {
  const now = localMinutes(ms, q.timeZone);
  const from = toMinutes(q.from);
  const to = toMinutes(q.to);
  if (from === to) return false;
  return from < to ? now >= from && now < to : now >= from || now < to;
}

/** Parses "HH:MM-HH:MM" (e.g. 22:30-07:00); UserError otherwise. */
export function parseQuietRange(text: string, timeZone: string): QuietHours {
  const [from = '', to = ''] = text.split('-');
  if (!HHMM.test(from) || !HHMM.test(to)) throw new UserError('bad_argument', `quiet hours: expected HH:MM-HH:MM such as 22:30-07:00, got "${text}"`);
  if (from === to) throw new UserError('bad_argument', 'quiet hours: start and end must differ.');
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new UserError('bad_argument', `time zone: expected an IANA name such as Europe/Paris, got "${timeZone}"`);
  }
  return { from, to, timeZone };
}

const chatKey = (c: ChatRef): string => `${c.platform}:${c.chatId}`;
const URGENT: ReadonlySet<AlertLevel> = new Set(['critical', 'emergency']);
const SEVERITY: Readonly<Record<AlertLevel, number>> = { info: 0, warning: 1, critical: 2, emergency: 3 };

interface Job {
  readonly chat: ChatRef;
  readonly message: OutboundMessage;
  /** Same on every attempt: a platform that deduplicates by it never posts a retried message twice. */
  readonly key: string;
  attempts: number;
  /** Real time of the first attempt (ms). */
  firstAttemptAt?: number;
}

/** Retry a platform outage this long by default before giving a message up (real ms). */
export const DEFAULT_RETRY_FOR_MS = 30 * 60 * 1000;

export class NotificationService {
  private readonly opts: NotificationOptions;
  private readonly notifiers: Notifier[];
  private readonly queues = new Map<string, Job[]>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly lastSent = new Map<string, number>();
  private readonly wakers = new Set<() => void>();
  private closing = false;

  constructor(opts: NotificationOptions) {
    this.opts = opts;
    this.notifiers = [...opts.notifiers];
  }

  /** Adds a transport once it exists (transports are built after the Dispatcher they serve). */
  addNotifier(n: Notifier): void {
    if (!this.notifiers.some((x) => x.platform === n.platform)) this.notifiers.push(n);
  }

  async subscriptions(): Promise<Subscription[]> {
    const raw: unknown = await this.opts.settings.get(SETTINGS_KEY);
    if (!Array.isArray(raw)) return [];
    // Stored JSON is checked entry by entry: a hand-edited or old state file must not break delivery.
    return raw.flatMap((entry: unknown): Subscription[] => {
      const e = entry as { chat?: { platform?: unknown; chatId?: unknown }; quiet?: Partial<QuietHours> | null };
      const platform = e.chat?.platform;
      if ((platform !== 'telegram' && platform !== 'discord' && platform !== 'console') || typeof e.chat?.chatId !== 'string') return [];
      const q = e.quiet;
      const quiet = q && typeof q.from === 'string' && typeof q.to === 'string' && typeof q.timeZone === 'string' ? { from: q.from, to: q.to, timeZone: q.timeZone } : null;
      return [{ chat: { platform, chatId: e.chat.chatId }, quiet }];
    });
  }

  /** This chat's subscription (with its quiet hours), or null when it does not receive alerts. */
  async subscriptionOf(chat: ChatRef): Promise<Subscription | null> {
    return (await this.subscriptions()).find((s) => chatKey(s.chat) === chatKey(chat)) ?? null;
  }

  private async save(subs: readonly Subscription[]): Promise<void> {
    await this.opts.settings.set(SETTINGS_KEY, subs.map((s) => ({ chat: { ...s.chat }, quiet: s.quiet ? { ...s.quiet } : null })));
  }

  /** Adds a chat; returns false if it was already subscribed. */
  async subscribe(chat: ChatRef): Promise<boolean> {
    const subs = await this.subscriptions();
    if (subs.some((s) => chatKey(s.chat) === chatKey(chat))) return false;
    await this.save([...subs, { chat, quiet: null }]);
    return true;
  }

  async unsubscribe(chat: ChatRef): Promise<boolean> {
    const subs = await this.subscriptions();
    const next = subs.filter((s) => chatKey(s.chat) !== chatKey(chat));
    await this.save(next);
    return next.length !== subs.length;
  }

  /** Sets quiet hours from "HH:MM-HH:MM" in `timeZone`, or clears them with "off"; returns what was set. */
  async setQuietText(chat: ChatRef, text: string, timeZone: string): Promise<QuietHours | null> {
    const quiet = text.toLowerCase() === 'off' ? null : parseQuietRange(text, timeZone);
    await this.setQuiet(chat, quiet);
    return quiet;
  }

  /** Sets (or clears with null) a subscribed chat's quiet hours. */
  async setQuiet(chat: ChatRef, quiet: QuietHours | null): Promise<void> {
    const subs = await this.subscriptions();
    if (!subs.some((s) => chatKey(s.chat) === chatKey(chat))) {
      throw new UserError('not_found', 'This chat does not receive alerts.', 'Send /subscribe first.');
    }
    await this.save(subs.map((s) => (chatKey(s.chat) === chatKey(chat) ? { ...s, quiet } : s)));
  }

  /**
   * Queues a message for every subscribed chat. Quiet hours hold back info/warning (they are dropped for that chat,
   * the alert stays visible in /alerts); critical and emergency go through. Low severity is sent silently.
   * Returns how many chats it was queued for.
   */
  async publish(message: OutboundMessage): Promise<number> {
    const now = this.opts.clock.now();
    const targets = (await this.subscriptions()).filter((s) => URGENT.has(message.level) || !s.quiet || !inQuietHours(s.quiet, now));
    for (const s of targets) this.enqueue(s.chat, message);
    return targets.length;
  }

  /** Queues a message for one chat (reports, replies to a subscription). */
  enqueue(chat: ChatRef, message: OutboundMessage): void {
    const key = chatKey(chat);
    const q = this.queues.get(key) ?? [];
    // More severe first: a critical alert never waits behind a repeat or a report (order kept within a level).
    const rank = SEVERITY[message.level];
    const at = q.findIndex((j, i) => i > 0 && SEVERITY[j.message.level] < rank);
    const job: Job = { chat, message, key: newId(12), attempts: 0 };
    if (at < 0) q.push(job);
    else q.splice(at, 0, job);
    this.queues.set(key, q);
    this.kick(key);
  }

  /** Starts the chat's drain unless one runs; a message queued while a drain was finishing is picked up after it. */
  private kick(key: string): void {
    if (this.running.has(key)) return;
    const run = (async () => {
      try {
        await this.drain(key);
      } finally {
        this.running.delete(key);
        if ((this.queues.get(key)?.length ?? 0) > 0) this.kick(key);
      }
    })();
    this.running.set(key, run);
  }

  /** Resolves when every queue is empty (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  private realNow(): number {
    return this.opts.realNow ? this.opts.realNow() : performance.now();
  }

  /** A wait that close() cuts short. */
  private sleep(ms: number): Promise<void> {
    if (this.opts.sleep) return this.opts.sleep(ms);
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  /**
   * Shutdown: what is being sent finishes, nothing new is tried; messages still waiting for a platform that is down
   * are logged as not delivered (resolves once every queue has stopped).
   */
  async close(): Promise<void> {
    this.closing = true;
    for (const wake of [...this.wakers]) wake();
    await this.idle();
  }

  private async drain(key: string): Promise<void> {
    const q = this.queues.get(key);
    while (q && q.length > 0) {
      const job = q[0] as Job;
      // Stopping: a chat whose platform is failing is not waited for (the rest still goes out).
      if (this.closing && job.attempts > 0) {
        this.opts.logger.warn({ chat: key, messages: q.length }, 'stopping: messages not delivered');
        q.length = 0;
        return;
      }
      const spacing = this.opts.perChatIntervalMs ?? 1_000;
      const wait = (this.lastSent.get(key) ?? -Infinity) + spacing - this.realNow();
      if (wait > 0) await this.sleep(wait);
      const notifier = this.notifiers.find((n) => n.platform === job.chat.platform);
      if (!notifier) {
        q.shift();
        await job.message.onFailed?.(job.chat, `no ${job.chat.platform} transport`);
        continue;
      }
      job.attempts += 1;
      job.firstAttemptAt ??= this.realNow();
      const silent = job.message.level === 'info' || job.message.level === 'warning';
      let result;
      try {
        result = await notifier.send(job.chat, job.message.reply, { silent, key: job.key });
      } catch (err) {
        result = { ok: false as const, retryable: true, error: err instanceof Error ? err.message : String(err) };
      }
      this.lastSent.set(key, this.realNow());
      if (result.ok) {
        q.shift();
        await job.message.onDelivered?.(job.chat, result.messageId);
        continue;
      }
      const outOfTime = this.realNow() - job.firstAttemptAt >= (this.opts.retryForMs ?? DEFAULT_RETRY_FOR_MS);
      if (!result.retryable || job.attempts >= (this.opts.maxAttempts ?? Infinity) || outOfTime) {
        q.shift();
        this.opts.logger.warn({ chat: key, error: result.error, attempts: job.attempts }, 'alert delivery gave up');
        await job.message.onFailed?.(job.chat, result.error);
        continue;
      }
      if (this.closing) continue;
      if (job.attempts === 1) this.opts.logger.warn({ chat: key, error: result.error }, 'alert delivery failed; retrying until the platform is back');
      await this.sleep(Math.min(this.opts.maxBackoffMs ?? 60_000, (this.opts.backoffMs ?? 2_000) * 2 ** (job.attempts - 1)));
    }
  }
}
