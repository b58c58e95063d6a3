/**
 * The Discord transport (discord.js v14): interactions → Dispatcher → rendered replies. It computes nothing: it works
 * out who is speaking (DISCORD_ALLOWED_USERS / DISCORD_ROLE_MAP on every command, autocomplete and button press),
 * forwards options and presses, and answers inside Discord's 3-second window (a deferral when the answer is slower).
 * Errors, refusals and private replies are ephemeral. As a Notifier it posts alerts to channels over discord.js's REST
 * client (which waits out 429s per bucket), each message with a nonce Discord enforces, so a retry never posts twice.
 */
import {
  Client, DiscordAPIError, Events, GatewayIntentBits, HTTPError, MessageFlags, Routes,
  type AutocompleteInteraction, type ButtonInteraction, type ChatInputCommandInteraction, type Interaction,
} from 'discord.js';
import type { Dispatcher } from '../../core/dispatcher.ts';
import type { Reply } from '../../core/reply.ts';
import { linkedPerson, type Actor, type ChatRef, type IdentityLink } from '../../domain/index.ts';
import type { DeliveryOptions, DeliveryResult, Notifier } from '../../ports/index.ts';
import type { Logger } from '../../shared/logger.ts';
import { discordRole, type DiscordAccess } from './access.ts';
import { renderDiscord, type DiscordMessage } from './render.ts';

/** Discord acknowledges an interaction only within this window (ms). */
export const INTERACTION_WINDOW_MS = 3_000;
/** Most choices one autocomplete answer may carry; a choice's name is at most this long. */
export const AUTOCOMPLETE_LIMIT = 25;
export const CHOICE_NAME_LIMIT = 100;
/** How long login may take before start-up is a failure (ms). */
export const DEFAULT_DISCORD_STARTUP_MS = 60_000;

export interface DiscordOptions<S> {
  readonly token: string;
  /** Discord's API root (…/api); another one for tests or a proxy (DISCORD_API_ROOT). */
  readonly apiRoot?: string;
  readonly access: DiscordAccess;
  readonly links?: readonly IdentityLink[];
  readonly dispatcher: Dispatcher<S>;
  readonly logger: Logger;
  /** Defer when the answer is not ready after this long (ms); well inside Discord's 3 s, leaving room for the network. */
  readonly deferAfterMs?: number;
  /** REST retries of a 5xx or a timeout before a call fails (discord.js's default 3). */
  readonly restRetries?: number;
  /** REST request timeout (ms; discord.js's default 15 s). */
  readonly restTimeoutMs?: number;
}

/** A rendered message as discord.js's reply/edit/send options (ephemeral: only for new messages). */
function payload(m: DiscordMessage) {
  return {
    embeds: m.embeds.map((e) => ({ ...e })),
    components: m.components.map((r) => ({ type: r.type, components: r.components.map((b) => ({ ...b })) })),
    files: m.files.map((f) => ({ attachment: Buffer.from(f.data), name: f.name })),
  };
}

function message(m: DiscordMessage, ephemeral: boolean) {
  return { ...payload(m), ...(ephemeral ? { flags: MessageFlags.Ephemeral as const } : {}) };
}

/** A reply only its asker should see: marked private, or an error. */
function isPrivate(r: Reply): boolean {
  const first = r.blocks[0];
  return r.visibility === 'private' || (first?.kind === 'text' && first.style === 'error');
}

function errorCode(err: unknown): number | string {
  if (err instanceof DiscordAPIError) return err.code;
  if (err instanceof HTTPError) return err.status;
  return 'network';
}

export class DiscordTransport<S> implements Notifier {
  readonly platform = 'discord' as const;
  readonly client: Client;
  private readonly opts: DiscordOptions<S>;
  private readonly refused = new Set<string>();
  private gatewayDown = false;

  constructor(opts: DiscordOptions<S>) {
    this.opts = opts;
    // Slash commands and buttons need no privileged intent: Guilds gives the channels and roles the role map reads.
    this.client = new Client({
      intents: [GatewayIntentBits.Guilds],
      rest: { ...(opts.apiRoot ? { api: opts.apiRoot } : {}), retries: opts.restRetries ?? 3, timeout: opts.restTimeoutMs ?? 15_000 },
    });
    // Alerts may go out over REST before the gateway is up.
    this.client.rest.setToken(opts.token);
    this.client.on(Events.InteractionCreate, (i) => void this.onInteraction(i));
    // A gateway outage is logged when it starts and when it ends, not at each of discord.js's reconnect attempts.
    const down = (shard: number, reason: string): void => {
      if (this.gatewayDown) return;
      this.gatewayDown = true;
      opts.logger.warn({ shard, reason: this.redact(reason).message }, 'Discord gateway unreachable; reconnecting');
    };
    this.client.on(Events.ShardDisconnect, (e, shard) => down(shard, `closed ${e.code}`));
    this.client.on(Events.ShardError, (err, shard) => down(shard, err.message));
    const back = (shard: number): void => {
      if (!this.gatewayDown) return;
      this.gatewayDown = false;
      opts.logger.info({ shard }, 'Discord gateway is back');
    };
    this.client.on(Events.ShardResume, back);
    this.client.on(Events.ShardReady, back);
    this.client.on(Events.Error, (err) => opts.logger.error({ err: this.redact(err) }, 'Discord client error'));
  }

  /** Logs in over the gateway and waits for READY; gives up after `timeoutMs` or when `signal` aborts. */
  async start(opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_DISCORD_STARTUP_MS;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const ready = new Promise<void>((resolve) => this.client.once(Events.ClientReady, () => resolve()));
    const giveUp = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`Discord did not answer within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
      onAbort = () => reject(new Error('stopped during start-up'));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([this.client.login(this.opts.token).then(() => ready), giveUp]);
    } catch (err) {
      await this.stop();
      throw new Error(this.redact(err).message, { cause: err });
    } finally {
      clearTimeout(timer);
      if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
    }
    this.opts.logger.info({ user: this.client.user?.tag, guilds: this.client.guilds.cache.size }, 'discord ready');
  }

  async stop(): Promise<void> {
    await this.client.destroy();
  }

  /** The bot's name once logged in. */
  get username(): string {
    return this.client.user?.username ?? 'Vigil';
  }

  /** Who is interacting: their role from the allow-list and their server roles (null: refused). */
  actorOf(i: Interaction): Actor {
    const user = i.user;
    const member = i.member;
    const roleIds = !member ? [] : Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
    const nick = member && 'displayName' in member ? member.displayName : member?.nick ?? null;
    const person = linkedPerson(this.opts.links ?? [], 'discord', user.id);
    return {
      platform: 'discord', userId: user.id, displayName: nick ?? user.globalName ?? user.username,
      role: discordRole(this.opts.access, user.id, roleIds), ...(person ? { person } : {}),
    };
  }

  private chatOf(i: Interaction): ChatRef {
    return { platform: 'discord', chatId: i.channelId ?? i.user.id };
  }

  private async onInteraction(i: Interaction): Promise<void> {
    try {
      if (i.isChatInputCommand()) await this.onCommand(i);
      else if (i.isButton()) await this.onButton(i);
      else if (i.isAutocomplete()) await this.onAutocomplete(i);
    } catch (err) {
      this.opts.logger.error({ err: this.redact(err), code: errorCode(err), interaction: i.id }, 'discord interaction failed');
    }
  }

  private noteRefusal(actor: Actor, i: Interaction): void {
    if (actor.role !== null || this.refused.has(actor.userId)) return;
    this.refused.add(actor.userId);
    this.opts.logger.warn({ user: actor.userId, guild: i.guildId, channel: i.channelId }, 'refused a Discord user not on the allow-list');
  }

  /** Resolves true once a deferral was sent because `work` took longer than deferAfterMs. */
  private async deferIfSlow(work: Promise<unknown>, defer: () => Promise<unknown>): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), this.opts.deferAfterMs ?? 1_500); });
    const first = await Promise.race([work.then(() => 'done' as const, () => 'done' as const), late]);
    clearTimeout(timer);
    if (first === 'done') return false;
    await defer();
    return true;
  }

  private async onCommand(i: ChatInputCommandInteraction): Promise<void> {
    const actor = this.actorOf(i);
    this.noteRefusal(actor, i);
    const named = Object.fromEntries(i.options.data.map((o) => [o.name, o.value === undefined || o.value === null ? undefined : String(o.value)]));
    const work = this.opts.dispatcher.handleCommand({ actor, chat: this.chatOf(i), name: i.commandName, named });
    const deferred = await this.deferIfSlow(work, () => i.deferReply());
    const answer = await work;
    const priv = isPrivate(answer);
    const [first, ...rest] = renderDiscord(answer);
    if (!first) return;
    if (!deferred) await i.reply(message(first, priv));
    else if (priv) {
      // The deferral was public; a private answer replaces it with an ephemeral follow-up.
      await i.deleteReply();
      await i.followUp(message(first, true));
    } else await i.editReply(payload(first));
    for (const m of rest) await i.followUp(message(m, priv));
  }

  private async onButton(i: ButtonInteraction): Promise<void> {
    const actor = this.actorOf(i);
    this.noteRefusal(actor, i);
    const work = this.opts.dispatcher.handlePress({ actor, chat: this.chatOf(i), data: i.customId });
    const deferred = await this.deferIfSlow(work, () => i.deferUpdate());
    const result = await work;
    if (!result.reply) {
      const toast = { content: result.toast ?? 'Done.', flags: MessageFlags.Ephemeral as const };
      await (deferred ? i.followUp(toast) : i.reply(toast));
      return;
    }
    const priv = isPrivate(result.reply);
    const msgs = renderDiscord(result.reply);
    const [first, ...rest] = msgs;
    if (!first) return;
    if (result.edit && !priv && rest.length === 0) {
      // Paging, Refresh and the card's own outcome replace the message the button was on.
      const edit = { ...payload(first), ...(first.files.length === 0 ? { attachments: [] } : {}) };
      await (deferred ? i.editReply(edit) : i.update(edit));
      return;
    }
    if (deferred) await i.followUp(message(first, priv));
    else await i.reply(message(first, priv));
    for (const m of rest) await i.followUp(message(m, priv));
  }

  private async onAutocomplete(i: AutocompleteInteraction): Promise<void> {
    const actor = this.actorOf(i);
    const focused = i.options.getFocused(true);
    // An answer after Discord's window is refused: suggestions that are not ready in time are none.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<[]>((resolve) => { timer = setTimeout(() => resolve([]), INTERACTION_WINDOW_MS - 1_000); });
    const choices = await Promise.race([this.opts.dispatcher.suggest({ actor, command: i.commandName, option: focused.name, prefix: String(focused.value) }), late]);
    clearTimeout(timer);
    await i.respond(choices.slice(0, AUTOCOMPLETE_LIMIT).map((c) => ({ name: [...c.label].slice(0, CHOICE_NAME_LIMIT).join(''), value: c.value })));
  }

  /** Notifier: posts an alert or report to a channel; `key` becomes the nonce Discord enforces (never posted twice). */
  async send(chat: ChatRef, message: Reply, options: DeliveryOptions = {}): Promise<DeliveryResult> {
    try {
      let last = '';
      for (const [k, m] of renderDiscord(message).entries()) {
        const nonce = options.key ? `${options.key}.${k}`.slice(0, 25) : undefined;
        const res = await this.client.rest.post(Routes.channelMessages(chat.chatId), {
          body: {
            embeds: m.embeds, components: m.components,
            ...(nonce ? { nonce, enforce_nonce: true } : {}),
            ...(options.silent ? { flags: MessageFlags.SuppressNotifications } : {}),
            ...(m.files.length > 0 ? { attachments: m.files.map((f, id) => ({ id, filename: f.name })) } : {}),
          },
          files: m.files.map((f, id) => ({ key: `files[${id}]`, name: f.name, data: Buffer.from(f.data), contentType: 'image/png' })),
        }) as { id: string };
        last = res.id;
      }
      return { ok: true, messageId: last };
    } catch (err) {
      const code = errorCode(err);
      this.opts.logger.warn({ err: this.redact(err), code, channel: chat.chatId }, 'discord notify failed');
      // 4xx other than 429 will fail again (unknown channel, missing access); 5xx, 429 and the network may not.
      const retryable = !(err instanceof DiscordAPIError) || err.status === 429 || err.status >= 500;
      return { ok: false, retryable, error: this.redact(err).message };
    }
  }

  /** The error without the bot token in its text (it never belongs in a log or a message). */
  private redact(err: unknown): Error {
    const text = err instanceof Error ? err.message : String(err);
    return new Error(text.split(this.opts.token).join('[redacted]'));
  }
}
