import type { Actor, ChatRef, Role } from '../domain/index.ts';
import { actorKey, roleAllows } from '../domain/index.ts';
import type { ActionRepo, Clock, Json, StoredAction } from '../ports/index.ts';
import { StorageError, UserError, VenueError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import type { Logger } from '../shared/logger.ts';
import { invisibleProblem, parseArgs, parseNamed, tokenize, usageLine, type ArgsSpec, type SuggestSource } from './args.ts';
import type { AnyCommand, ButtonFactory } from './command.ts';
import { decodeActionRef, reply, type Button, type ButtonStyle, type Reply } from './reply.ts';

/** How long a button stays pressable unless its maker says otherwise. */
export const DEFAULT_BUTTON_TTL_MS = 24 * 60 * 60 * 1000;

/** What pressing a button produced: a reply, whether it replaces the message it was on, and a short toast. */
export interface PressResult {
  readonly reply: Reply | null;
  readonly edit: boolean;
  /** A short notice (≤ 200 chars) the platform may show as a toast (Telegram answerCallbackQuery). */
  readonly toast?: string;
}

export interface PressContext {
  readonly actor: Actor;
  readonly chat: ChatRef;
  readonly verb: string;
  readonly action: StoredAction;
}

/** A value offered while an argument is typed: what the person sees, and what is sent. */
export interface Suggestion {
  readonly label: string;
  readonly value: string;
}

/** Most suggestions returned (Discord shows 25). */
export const MAX_SUGGESTIONS = 25;

/** Handles presses of one kind of stored action ("approval", "alert" …). */
export type ButtonHandler = (ctx: PressContext) => Promise<PressResult>;

export interface DispatcherOptions<S> {
  readonly commands: readonly AnyCommand<S>[];
  readonly services: S;
  readonly actions: ActionRepo;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly buttonTtlMs?: number;
  readonly handlers?: Readonly<Record<string, ButtonHandler>>;
  /** Live values for arguments marked `suggest` (the 'command' source is the dispatcher's own list). */
  readonly suggestions?: (source: Exclude<SuggestSource, 'command'>, actor: Actor) => Promise<readonly Suggestion[]>;
  /** Shown to people who are not on the allow-list (no data, one polite line). */
  readonly refusal?: (actor: Actor) => string;
}

const COMMAND_LINE = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]+))?(?:\s+([\s\S]*))?$/;

/**
 * The transport-free core: auth → parse → run → Reply. Never throws; unexpected errors become a reply with a
 * reference id that is also in the log.
 */
export class Dispatcher<S> {
  readonly commands: ReadonlyMap<string, AnyCommand<S>>;
  private readonly opts: DispatcherOptions<S>;
  private readonly handlers: Map<string, ButtonHandler>;

  constructor(opts: DispatcherOptions<S>) {
    this.opts = opts;
    const map = new Map<string, AnyCommand<S>>();
    for (const c of opts.commands) {
      if (map.has(c.name)) throw new Error(`duplicate command /${c.name}`);
      map.set(c.name, c);
    }
    this.commands = map;
    this.handlers = new Map(Object.entries(opts.handlers ?? {}));
    this.handlers.set('rerun', (ctx) => this.rerun(ctx));
  }

  /** Registers the handler for a kind of stored action (used by approvals and alerts). */
  registerHandler(kind: string, handler: ButtonHandler): void {
    if (this.handlers.has(kind)) throw new Error(`handler for "${kind}" already registered`);
    this.handlers.set(kind, handler);
  }

  /** Handles a line of chat text. Null when it is not addressed to the bot (no leading slash, or another bot). */
  async handleText(input: { actor: Actor; chat: ChatRef; text: string; botUsername?: string }): Promise<Reply | null> {
    const text = input.text.trim();
    if (!text.startsWith('/')) return null;
    const m = COMMAND_LINE.exec(text);
    if (!m) {
      const word = text.split(/\s/)[0] ?? text;
      const hidden = invisibleProblem(word);
      return this.guard(input.actor, () => Promise.reject(hidden
        ? new UserError('bad_argument', `The command ${hidden}.`)
        : new UserError('unknown_command', `"${word}" is not a command.`, 'Commands look like /portfolio. Try /help.')));
    }
    const [, name = '', mention, rest = ''] = m;
    if (mention && input.botUsername && mention.toLowerCase() !== input.botUsername.toLowerCase()) return null;
    return this.handleCommand({ actor: input.actor, chat: input.chat, name: name.toLowerCase(), argv: tokenize(rest), via: 'text' });
  }

  /** Runs a command by name with positional tokens (`argv`) or named values (`named`, e.g. Discord options). */
  async handleCommand(input: {
    actor: Actor; chat: ChatRef; name: string; argv?: readonly string[]; named?: Readonly<Record<string, string | undefined>>;
    via?: 'text' | 'button';
  }): Promise<Reply> {
    return this.guard(input.actor, async () => {
      const cmd = this.commands.get(input.name);
      if (!cmd) throw new UserError('unknown_command', `/${input.name} is not a command.`, 'Try /help for the list.');
      this.authorize(input.actor, cmd.role, `/${cmd.name}`);
      const argv = input.argv ?? [];
      const parsed = input.named ? parseNamed(cmd.args, input.named) : parseArgs(cmd.args, argv);
      if (!parsed.ok) throw new UserError('bad_argument', parsed.message, `Usage: ${usageLine(cmd.name, cmd.args)}`);
      const canonicalArgv = input.named ? namedToArgv(cmd.args, input.named) : argv;
      return cmd.run({
        args: parsed.values, argv: canonicalArgv, actor: input.actor, chat: input.chat, services: this.opts.services,
        buttons: this.buttonFactory(input.actor, input.chat), via: input.via ?? 'text',
      });
    });
  }

  /**
   * Suggestions for `option` of `/command` while `prefix` is typed: those starting with it first, then those containing
   * it. Nothing for someone refused or without the command's role (a suggestion is data too), nothing on failure.
   */
  async suggest(input: { actor: Actor; command: string; option: string; prefix: string }): Promise<Suggestion[]> {
    const role = input.actor.role;
    const cmd = this.commands.get(input.command);
    const source = cmd?.args[input.option]?.suggest;
    if (role === null || !cmd || !source || !roleAllows(role, cmd.role)) return [];
    try {
      const found = source === 'command'
        ? [...this.commands.values()].filter((c) => roleAllows(role, c.role)).map((c) => ({ label: `${c.name} · ${c.description}`, value: c.name }))
        : await this.opts.suggestions?.(source, input.actor) ?? [];
      const typed = input.prefix.trim().toLowerCase().replace(/^\//, '');
      // One entry per value (an asset may be both held and a market): the first, most specific label wins.
      const unique = [...new Map(found.map((s) => [s.value, s])).values()];
      const starts = unique.filter((s) => s.value.toLowerCase().startsWith(typed) || s.label.toLowerCase().startsWith(typed));
      const contains = unique.filter((s) => !starts.includes(s) && s.label.toLowerCase().includes(typed));
      return [...starts, ...contains].slice(0, MAX_SUGGESTIONS);
    } catch (err) {
      this.opts.logger.warn({ err, command: cmd.name, option: input.option }, 'suggestions failed');
      return [];
    }
  }

  /** Handles a button press carrying encoded ActionRef data. Every press is authorised again. */
  async handlePress(input: { actor: Actor; chat: ChatRef; data: string }): Promise<PressResult> {
    try {
      if (input.actor.role === null) return { reply: null, edit: false, toast: this.refusalText(input.actor) };
      const ref = decodeActionRef(input.data);
      const action = ref ? await this.opts.actions.get(ref.id) : undefined;
      if (!ref || !action) throw new UserError('expired', 'This button is no longer valid. Run the command again.');
      if (action.expiresAt <= this.opts.clock.now()) {
        throw new UserError('expired', 'This button has expired. Run the command again.');
      }
      this.authorize(input.actor, action.role, 'This button');
      const handler = this.handlers.get(action.kind);
      if (!handler) throw new UserError('expired', 'This button is no longer supported. Run the command again.');
      return await handler({ actor: input.actor, chat: input.chat, verb: ref.verb, action });
    } catch (err) {
      if (err instanceof UserError) return { reply: null, edit: false, toast: err.message };
      if (err instanceof StorageError) {
        const ref = this.logUnexpected(err, { press: input.data, user: actorKey(input.actor), code: err.code });
        return { reply: null, edit: false, toast: `Could not save: the state file cannot be written; nothing was changed (ref ${ref}).` };
      }
      const ref = this.logUnexpected(err, { press: input.data, user: actorKey(input.actor) });
      return { reply: null, edit: false, toast: `Something went wrong (ref ${ref}).` };
    }
  }

  /**
   * Stores an action and returns its button (for handlers outside the command layer: alerts, approvals). Give every
   * button of one card the same `group` (e.g. `newId()`): the newest group of each chat and kind is what the store's
   * bound on actions never drops. Without one, the button is a group of its own.
   */
  async makeButton(spec: {
    label: string; kind: string; payload: Json; role: Role; actor: Actor | null; chat: ChatRef; verb?: string;
    ttlMs?: number; style?: ButtonStyle; group?: string;
  }): Promise<Button> {
    const now = this.opts.clock.now();
    const id = newId(10);
    await this.opts.actions.put({
      id, kind: spec.kind, payload: spec.payload, role: spec.role, chat: spec.chat,
      createdBy: spec.actor ? actorKey(spec.actor) : 'system', createdAt: now,
      expiresAt: now + (spec.ttlMs ?? this.opts.buttonTtlMs ?? DEFAULT_BUTTON_TTL_MS),
      ...(spec.group ? { group: spec.group } : {}),
    });
    return { label: spec.label, action: { id, verb: spec.verb ?? 'go' }, ...(spec.style ? { style: spec.style } : {}) };
  }

  /** The buttons of one command run: they all belong to its reply, so they share a group. */
  private buttonFactory(actor: Actor, chat: ChatRef): ButtonFactory {
    const group = newId();
    return {
      command: (label, command, argv = [], style) => {
        const role = this.commands.get(command)?.role;
        if (!role) return Promise.reject(new Error(`button for unknown command /${command}`));
        return this.makeButton({ label, kind: 'rerun', payload: { command, argv: [...argv] }, role, actor, chat, verb: 'r', group, ...(style ? { style } : {}) });
      },
    };
  }

  private async rerun(ctx: PressContext): Promise<PressResult> {
    const payload = ctx.action.payload as { command?: unknown; argv?: unknown };
    if (typeof payload.command !== 'string' || !Array.isArray(payload.argv)) {
      throw new UserError('expired', 'This button is no longer valid. Run the command again.');
    }
    const result = await this.handleCommand({
      actor: ctx.actor, chat: ctx.chat, name: payload.command, argv: payload.argv.map(String), via: 'button',
    });
    return { reply: result, edit: true };
  }

  private authorize(actor: Actor, need: Role, what: string): void {
    if (actor.role === null) throw new RefusedError(this.refusalText(actor));
    if (!roleAllows(actor.role, need)) {
      throw new UserError('forbidden', `${what} needs the ${need} role; you are a ${actor.role}.`, 'Ask an admin of this bot to change your role.');
    }
  }

  private refusalText(actor: Actor): string {
    return this.opts.refusal?.(actor)
      ?? `Sorry, this is a private bot. Ask its owner to add your user id (${actor.userId}) to the allow-list.`;
  }

  private async guard(actor: Actor, fn: () => Promise<Reply>): Promise<Reply> {
    try {
      if (actor.role === null) return reply.private(reply.of(reply.text(this.refusalText(actor))));
      return await fn();
    } catch (err) {
      if (err instanceof RefusedError) return reply.private(reply.of(reply.text(err.message)));
      if (err instanceof UserError) return reply.error(err.message, err.hint);
      if (err instanceof StorageError) {
        const ref = this.logUnexpected(err, { user: actorKey(actor), code: err.code });
        return reply.error('Could not save: the bot\'s state file cannot be written right now. Nothing was changed.', `The operator has been alerted (ref ${ref}).`);
      }
      if (err instanceof VenueError) {
        const ref = this.logUnexpected(err, { user: actorKey(actor), venue: err.venue, programError: err.programError });
        const name = err.programError ? ` (${err.programError})` : '';
        return reply.error(`${err.venue}: ${err.message}${name}.`, `Reference: ${ref}`);
      }
      const ref = this.logUnexpected(err, { user: actorKey(actor) });
      return reply.error(`Something went wrong (ref ${ref}).`, 'The details are in the bot log under that reference.');
    }
  }

  private logUnexpected(err: unknown, context: Record<string, unknown>): string {
    const ref = newId(6);
    this.opts.logger.error({ err, ref, ...context }, 'unexpected error');
    return ref;
  }
}

class RefusedError extends Error {}

function namedToArgv(spec: ArgsSpec, named: Readonly<Record<string, string | undefined>>): string[] {
  return Object.keys(spec).flatMap((k) => (named[k] === undefined ? [] : [`${k}=${named[k]}`]));
}
