/**
 * The Telegram transport (grammY): updates → Dispatcher → rendered replies. It computes nothing: it resolves who is
 * speaking, forwards text and button presses, and sends what the Dispatcher answers.
 */
import { createServer, type Server } from 'node:http';
import { autoRetry } from '@grammyjs/auto-retry';
import { limit } from '@grammyjs/ratelimiter';
import { run, sequentialize, type RunnerHandle } from '@grammyjs/runner';
import { Bot, GrammyError, HttpError, InputFile, webhookCallback, type Context } from 'grammy';
import type { AnyCommand } from '../../core/command.ts';
import type { Dispatcher } from '../../core/dispatcher.ts';
import type { Reply } from '../../core/reply.ts';
import { linkedPerson, roleAllows, type Actor, type ChatRef, type IdentityLink, type Role } from '../../domain/index.ts';
import type { DeliveryOptions, DeliveryResult, Notifier } from '../../ports/index.ts';
import type { Logger } from '../../shared/logger.ts';
import { renderTelegram, type TelegramPart } from './render.ts';

export interface TelegramOptions<S> {
  readonly token: string;
  /** Bot API root; Telegram's own by default, a local server in tests or a self-hosted Bot API server. */
  readonly apiRoot?: string;
  /** Allowed user ids and their roles; everyone else is refused. */
  readonly allowed: readonly { readonly userId: string; readonly role: Role }[];
  readonly dispatcher: Dispatcher<S>;
  readonly commands: readonly AnyCommand<S>[];
  readonly logger: Logger;
  /** Commands per user per window before "slow down" (default 8 per 10 s). */
  readonly rateLimit?: { readonly limit: number; readonly windowMs: number };
  /** Webhook mode: public URL Telegram posts to, secret token it must present, and the local port to listen on. */
  readonly webhook?: { readonly url: string; readonly secret: string; readonly port: number };
  /** Users linked to their Discord identity (LINKED_IDENTITIES). */
  readonly links?: readonly IdentityLink[];
  /** How long a button press may run before Telegram is answered with "Working…" (its deadline is ~15 s). */
  readonly pressAnswerMs?: number;
}

/** How long start-up (getMe, menus, webhook) may take before it is a failure (ms); TELEGRAM_STARTUP_TIMEOUT sets it. */
export const DEFAULT_STARTUP_TIMEOUT_MS = 60_000;

/** grammY types signals with its abort-controller shim; a native AbortSignal is what it receives at run time. */
type GrammySignal = NonNullable<Parameters<Bot['init']>[0]>;

/** Interactive replies give up quickly rather than leave a user waiting on a retry loop. */
const INTERACTIVE_RETRY = { maxRetryAttempts: 3, maxDelaySeconds: 5, rethrowHttpErrors: false } as const;

function notModified(err: unknown): boolean {
  return err instanceof GrammyError && err.description.includes('message is not modified');
}

function errorCode(err: unknown): number | string {
  if (err instanceof GrammyError) return err.error_code;
  if (err instanceof HttpError) return 'network';
  return 'unknown';
}

export class TelegramTransport<S> implements Notifier {
  readonly platform = 'telegram' as const;
  readonly bot: Bot;
  private readonly opts: TelegramOptions<S>;
  private readonly roles: ReadonlyMap<string, Role>;
  private readonly refused = new Set<string>();
  private readonly slowedDown = new Map<string, number>();
  private runner: RunnerHandle | undefined;
  private server: Server | undefined;
  /** While start() runs, every failed attempt is logged; afterwards an outage is logged once when it starts and ends. */
  private starting = false;
  private outageSince: number | null = null;
  private lastFailure = '';
  private stopping = false;

  constructor(opts: TelegramOptions<S>) {
    this.opts = opts;
    this.roles = new Map(opts.allowed.map((a) => [a.userId, a.role]));
    this.bot = new Bot(opts.token, opts.apiRoot ? { client: { apiRoot: opts.apiRoot } } : {});
    // Installed first, so it sits inside auto-retry and sees every attempt, not only the last.
    this.bot.api.config.use(async (prev, method, payload, signal) => {
      try {
        const res = await prev(method, payload, signal);
        if (this.outageSince !== null) {
          opts.logger.warn({ method, downMs: Date.now() - this.outageSince }, 'Telegram is reachable again');
          this.outageSince = null;
        }
        return res;
      } catch (err) {
        // An aborted request (stop, start-up timeout) is not an outage.
        if (err instanceof HttpError && !signal?.aborted && !this.stopping) this.onNetworkFailure(method, err);
        throw err;
      }
    });
    this.bot.api.config.use(autoRetry(INTERACTIVE_RETRY));
    // One chat's updates stay in order; different chats run concurrently.
    this.bot.use(sequentialize((ctx: Context) => ctx.chat?.id.toString() ?? ctx.from?.id.toString()));
    const rl = opts.rateLimit ?? { limit: 8, windowMs: 10_000 };
    this.bot.on('message', limit({
      timeFrame: rl.windowMs, limit: rl.limit, keyGenerator: (ctx) => ctx.from?.id.toString(),
      onLimitExceeded: (ctx) => {
        const user = ctx.from?.id.toString() ?? '';
        const last = this.slowedDown.get(user) ?? 0;
        if (Date.now() - last < rl.windowMs) return; // one "slow down" per window, not one per message
        this.slowedDown.set(user, Date.now());
        void this.safe(() => ctx.reply(`Slow down: at most ${rl.limit} commands every ${Math.round(rl.windowMs / 1000)} s. Try again in a moment.`), 'slow-down');
      },
    }));
    this.bot.on('message:text', (ctx) => this.onText(ctx));
    this.bot.on('callback_query:data', (ctx) => this.onPress(ctx));
    this.bot.catch((err) => {
      opts.logger.error({ err: err.error, code: errorCode(err.error), update: err.ctx.update.update_id }, 'telegram update failed');
    });
  }

  /** Role of a Telegram user from the allow-list (null: not allowed). */
  actorOf(ctx: Context): Actor | null {
    const from = ctx.from;
    if (!from) return null;
    const id = String(from.id);
    const person = linkedPerson(this.opts.links ?? [], 'telegram', id);
    return { platform: 'telegram', userId: id, displayName: from.first_name || from.username || id, role: this.roles.get(id) ?? null, ...(person ? { person } : {}) };
  }

  /**
   * getMe, the command menus per role, then long polling (or the webhook). Gives up after `timeoutMs` (ms) or when
   * `signal` aborts (a stop requested during start-up): auto-retry would otherwise retry a dead network for ever.
   */
  async start(opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS;
    const ctl = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; ctl.abort(); }, timeoutMs);
    const onAbort = (): void => ctl.abort();
    if (opts.signal?.aborted) ctl.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    this.starting = true;
    this.stopping = false;
    const signal = ctl.signal as unknown as GrammySignal;
    try {
      await this.bot.init(signal);
      await this.publishCommands(signal);
      if (this.opts.webhook) {
        const { url, secret, port } = this.opts.webhook;
        const handle = webhookCallback(this.bot, 'http', { secretToken: secret });
        this.server = createServer((req, res) => {
          handle(req, res).catch((err: unknown) => {
            this.opts.logger.error({ err }, 'webhook update failed');
            if (!res.headersSent) res.writeHead(500).end();
          });
        });
        await new Promise<void>((resolve) => this.server?.listen(port, resolve));
        await this.bot.api.setWebhook(url, { secret_token: secret, allowed_updates: ['message', 'callback_query'] }, signal);
        this.opts.logger.info({ url, port }, 'telegram webhook listening');
        return;
      }
      await this.bot.api.deleteWebhook(undefined, signal);
    } catch (err) {
      await this.stop();
      if (timedOut) {
        const last = this.lastFailure ? ` (last error: ${this.lastFailure})` : '';
        throw new Error(`Telegram did not answer within ${Math.round(timeoutMs / 1000)} s${last}`, { cause: err });
      }
      throw err;
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      this.starting = false;
    }
    this.runner = run(this.bot, { runner: { fetch: { allowed_updates: ['message', 'callback_query'] } } });
    this.opts.logger.info({ bot: this.bot.botInfo.username }, 'telegram long polling');
  }

  /** A request that could not reach Telegram (auto-retry will try again): logged without the token. */
  private onNetworkFailure(method: string, err: HttpError): void {
    const inner = err.error instanceof Error ? err.error.message : String(err.error);
    const reason = `${err.message}: ${inner}`.split(this.opts.token).join('[redacted]');
    this.lastFailure = reason;
    if (this.starting) {
      this.opts.logger.warn({ method, reason }, 'Telegram start-up: request failed; retrying');
      return;
    }
    if (this.outageSince === null) {
      this.outageSince = Date.now();
      this.opts.logger.warn({ method, reason }, 'Telegram is unreachable; retrying until it is back');
    }
  }

  /** The local port the webhook server listens on (useful when configured as 0). */
  get webhookPort(): number | undefined {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : undefined;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.runner?.isRunning()) await this.runner.stop();
    if (this.server) await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** setMyCommands: the viewer set for everyone, and each trader's/admin's own set in their private chat. */
  private async publishCommands(signal?: GrammySignal): Promise<void> {
    const list = (role: Role): { command: string; description: string }[] =>
      this.opts.commands.filter((c) => roleAllows(role, c.role)).map((c) => ({ command: c.name, description: c.description }));
    // Menus are cosmetic: a refusal is a warning, never a failed start-up (a stop or the timeout still ends it).
    const publish = async (cmds: { command: string; description: string }[], scope: Parameters<Bot['api']['setMyCommands']>[1]): Promise<void> => {
      try {
        await this.bot.api.setMyCommands(cmds, scope, signal);
      } catch (err) {
        if (signal?.aborted) throw err;
        this.opts.logger.warn({ code: errorCode(err), description: err instanceof GrammyError ? err.description : undefined }, 'could not set the Telegram command menu; commands still work');
      }
    };
    await publish(list('viewer'), { scope: { type: 'default' } });
    for (const [userId, role] of this.roles) {
      if (role === 'viewer') continue;
      const cmds = list(role);
      if (cmds.length === list('viewer').length) continue;
      await publish(cmds, { scope: { type: 'chat', chat_id: Number(userId) } });
    }
  }

  private chatOf(ctx: Context): ChatRef {
    return { platform: 'telegram', chatId: String(ctx.chat?.id ?? ctx.from?.id ?? '') };
  }

  private async onText(ctx: Context): Promise<void> {
    const actor = this.actorOf(ctx);
    const text = ctx.message?.text ?? '';
    const chatId = ctx.chat?.id;
    if (!actor || chatId === undefined) return;
    const isPrivate = ctx.chat?.type === 'private';
    if (actor.role === null) {
      // One polite refusal per person, in private chats and groups alike; nothing else, ever.
      if (!text.startsWith('/') && !isPrivate) return;
      if (this.refused.has(actor.userId)) return;
      this.refused.add(actor.userId);
      this.opts.logger.warn({ user: actor.userId, chat: chatId }, 'refused a user not on the allow-list');
    }
    const reply = await this.opts.dispatcher.handleText({ actor, chat: this.chatOf(ctx), text, botUsername: this.bot.botInfo.username });
    if (!reply) {
      if (isPrivate) await this.safe(() => ctx.reply('Commands start with a slash, e.g. /portfolio. Send /help for the list.'), 'hint');
      return;
    }
    await this.deliver(chatId, reply, { replyTo: isPrivate ? undefined : ctx.message?.message_id });
  }

  private async onPress(ctx: Context): Promise<void> {
    const q = ctx.callbackQuery;
    const actor = this.actorOf(ctx);
    if (!q?.data || !actor) {
      await this.safe(() => ctx.answerCallbackQuery(), 'answerCallbackQuery');
      return;
    }
    let answered = false;
    const answer = async (text?: string): Promise<void> => {
      if (answered) return;
      answered = true;
      await this.safe(() => ctx.answerCallbackQuery(text ? { text: [...text].slice(0, 200).join('') } : {}), 'answerCallbackQuery');
    };
    // Telegram wants every press answered within seconds; a slow re-run gets "Working…" first.
    const timer = setTimeout(() => { void answer('Working…'); }, this.opts.pressAnswerMs ?? 4_000);
    const result = await this.opts.dispatcher.handlePress({ actor, chat: this.chatOf(ctx), data: q.data });
    clearTimeout(timer);
    await answer(result.toast);
    if (!result.reply) return;
    const chatId = q.message?.chat.id;
    if (chatId === undefined) return;
    const parts = renderTelegram(result.reply);
    const first = parts[0];
    const canEdit = result.edit && parts.length === 1 && first?.kind === 'text' && q.message && 'text' in q.message && q.message.text !== undefined;
    if (canEdit && q.message) {
      const messageId = q.message.message_id;
      try {
        await this.bot.api.editMessageText(chatId, messageId, first.html, {
          parse_mode: 'HTML', link_preview_options: { is_disabled: true }, ...(first.keyboard ? { reply_markup: first.keyboard } : {}),
        });
      } catch (err) {
        if (!notModified(err)) this.opts.logger.warn({ err, code: errorCode(err), chat: chatId }, 'telegram edit failed');
      }
      return;
    }
    await this.deliver(chatId, result.reply, {});
  }

  /** Sends a rendered reply; returns the message ids. Failures are logged with Telegram's code and thrown. */
  private async sendParts(chatId: number | string, parts: readonly TelegramPart[], opts: { silent?: boolean; replyTo?: number | undefined }): Promise<number[]> {
    const ids: number[] = [];
    for (const p of parts) {
      const common = {
        parse_mode: 'HTML' as const,
        ...(opts.silent ? { disable_notification: true } : {}),
        ...(p.keyboard ? { reply_markup: p.keyboard } : {}),
        ...(opts.replyTo !== undefined && ids.length === 0 ? { reply_parameters: { message_id: opts.replyTo, allow_sending_without_reply: true } } : {}),
      };
      const m = p.kind === 'text'
        ? await this.bot.api.sendMessage(chatId, p.html, { ...common, link_preview_options: { is_disabled: true } })
        : await this.bot.api.sendPhoto(chatId, new InputFile(Buffer.from(p.png), p.filename), { ...common, caption: p.captionHtml });
      ids.push(m.message_id);
    }
    return ids;
  }

  private async deliver(chatId: number, reply: Reply, opts: { replyTo?: number | undefined }): Promise<void> {
    try {
      await this.sendParts(chatId, renderTelegram(reply), opts);
    } catch (err) {
      this.opts.logger.error({ err, code: errorCode(err), chat: chatId }, 'telegram send failed');
    }
  }

  /** Notifier: pushes an alert or report; `silent` maps to disable_notification. */
  async send(chat: ChatRef, message: Reply, options: DeliveryOptions = {}): Promise<DeliveryResult> {
    try {
      const ids = await this.sendParts(chat.chatId, renderTelegram(message), { ...(options.silent ? { silent: true } : {}) });
      return { ok: true, messageId: String(ids[ids.length - 1] ?? '') };
    } catch (err) {
      const code = errorCode(err);
      this.opts.logger.warn({ err, code, chat: chat.chatId }, 'telegram notify failed');
      const retryable = code === 'network' || code === 429 || (typeof code === 'number' && code >= 500);
      return { ok: false, retryable, error: err instanceof Error ? err.message : String(err) };
    }
  }

  private async safe(fn: () => Promise<unknown>, what: string): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.opts.logger.warn({ err, code: errorCode(err), what }, 'telegram call failed');
    }
  }
}
