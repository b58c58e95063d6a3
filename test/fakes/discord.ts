/**
 * A local Discord: REST (API v10) and the gateway on one loopback port, enough for a real discord.js client to log in,
 * register commands and answer interactions, with Discord's own shapes and checks.
 *
 * Gateway (JSON text frames, no compression: discord.js only compresses with zlib-sync, not installed):
 * HELLO (op 10) → IDENTIFY (op 2, token checked; a bad one closes with 4004 "Authentication failed") → READY (user,
 * application, guilds unavailable, session id, resume URL) → GUILD_CREATE per guild (channels, roles); heartbeats (op 1)
 * answered with HEARTBEAT_ACK (op 11); RESUME (op 6) replays what the session missed, then RESUMED; dispatches carry
 * increasing sequence numbers. `dropConnections()` closes the sockets as an outage would (the client resumes).
 *
 * REST: `GET /gateway/bot`; `PUT /applications/{app}/commands` and `…/guilds/{guild}/commands` (bodies validated as
 * Discord does: names, 1–100 character descriptions, ≤ 25 options and choices, required options first, ≤ 100 commands;
 * refused with Discord's error shape `{ code: 50035, message: "Invalid Form Body", errors }`); interaction callbacks
 * `POST /interactions/{id}/{token}/callback` (types 4, 5, 6, 7, 8; once per interaction: a second answer is
 * `40060 Interaction has already been acknowledged`); `PATCH /webhooks/{app}/{token}/messages/@original` and follow-ups
 * `POST /webhooks/{app}/{token}`; `POST /channels/{id}/messages`. Every answer carries the rate-limit headers;
 * `failNext()` scripts a 429 (with `retry-after`) or a 5xx for a route. Unauthorised requests get 401.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const DISCORD_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.Gfake0.vigil-test-token-not-real-000000000000';
export const APPLICATION_ID = '111111111111111111';
export const BOT_USER_ID = APPLICATION_ID;

export interface FakeGuild {
  readonly id: string;
  readonly name: string;
  readonly channels: readonly { readonly id: string; readonly name: string }[];
  readonly roles: readonly { readonly id: string; readonly name: string }[];
}

export interface RestCall {
  readonly method: string;
  /** Path below /api/v10, e.g. "/applications/1/commands". */
  readonly path: string;
  readonly body: unknown;
  readonly status: number;
  readonly at: number;
}

export interface InteractionCallback {
  readonly interactionId: string;
  readonly type: number;
  readonly data: unknown;
}

interface Session {
  readonly id: string;
  seq: number;
  /** Dispatches sent, for RESUME replays. */
  readonly sent: { s: number; t: string; d: unknown }[];
  socket: WebSocket | null;
}

const HEARTBEAT_MS = 41_250;
const API = '/api/v10';

let snowflake = 1_300_000_000_000_000_000n;
/** A fresh, increasing snowflake id. */
export function nextId(): string {
  snowflake += 1n;
  return snowflake.toString();
}

/** Discord's validation error body. */
function invalidForm(path: string, message: string): { code: number; message: string; errors: unknown } {
  return { code: 50035, message: 'Invalid Form Body', errors: { [path]: { _errors: [{ code: 'BASE_TYPE_INVALID', message }] } } };
}

const NAME = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** Problems Discord reports for a list of application commands (empty when valid). */
export function commandProblems(body: unknown): string[] {
  if (!Array.isArray(body)) return ['body: expected an array of commands'];
  const out: string[] = [];
  if (body.length > 100) out.push(`body: ${body.length} commands, at most 100`);
  body.forEach((c: Record<string, unknown>, i) => {
    const at = `${i}`;
    if (typeof c.name !== 'string' || !NAME.test(c.name) || c.name !== c.name.toLowerCase()) out.push(`${at}.name: invalid command name`);
    if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 100) out.push(`${at}.description: must be 1-100 characters`);
    const options = (c.options ?? []) as Record<string, unknown>[];
    if (options.length > 25) out.push(`${at}.options: at most 25`);
    let optionalSeen = false;
    options.forEach((o, k) => {
      if (typeof o.name !== 'string' || !NAME.test(o.name)) out.push(`${at}.options.${k}.name: invalid`);
      if (typeof o.description !== 'string' || o.description.length < 1 || o.description.length > 100) out.push(`${at}.options.${k}.description: must be 1-100 characters`);
      if (o.required) {
        if (optionalSeen) out.push(`${at}.options.${k}.required: required options must be placed before non-required options`);
      } else optionalSeen = true;
      const choices = (o.choices ?? []) as unknown[];
      if (choices.length > 25) out.push(`${at}.options.${k}.choices: at most 25`);
    });
  });
  return out;
}

export class FakeDiscord {
  readonly guilds: FakeGuild[];
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private readonly sessions = new Map<string, Session>();
  private readonly log: RestCall[] = [];
  private readonly callbacks: InteractionCallback[] = [];
  private readonly answered = new Set<string>();
  private readonly failures: { route: RegExp; status: number; retryAfter?: number }[] = [];
  /** Registered commands by scope ("global" or the guild id). */
  readonly commands = new Map<string, unknown[]>();
  private port = 0;
  /** Gateway sessions resumed (op 6 accepted) and identified (op 2 accepted). */
  resumes = 0;
  identifies = 0;

  constructor(o: { guilds?: FakeGuild[] } = {}) {
    this.guilds = o.guilds ?? [{ id: '222222222222222222', name: 'Desk', channels: [{ id: '333333333333333333', name: 'alerts' }], roles: [{ id: '222222222222222222', name: '@everyone' }] }];
  }

  /** Base URL for discord.js's `rest.api` (…/api). */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.onRequest(req, res));
    const wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    this.wss = wss;
  }

  async stop(): Promise<void> {
    for (const ws of this.wss?.clients ?? []) ws.terminate();
    this.wss?.close();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }

  /** REST calls received, oldest first (optionally only those whose path matches). */
  calls(path?: RegExp): readonly RestCall[] {
    return path ? this.log.filter((c) => path.test(c.path)) : [...this.log];
  }

  /** Interaction callbacks received, oldest first. */
  interactionCallbacks(): readonly InteractionCallback[] {
    return [...this.callbacks];
  }

  /** The next request whose "METHOD /path" matches `route` fails with `status` (429: with `retry-after` seconds). */
  failNext(route: RegExp, status: number, retryAfter = 0.05): void {
    this.failures.push({ route, status, retryAfter });
  }

  /** Closes every gateway socket as a network outage would (code 1006-like: 4000 unknown error, resumable). */
  dropConnections(): void {
    for (const s of this.sessions.values()) {
      s.socket?.close(4000, 'Unknown error');
      s.socket = null;
    }
  }

  /** Sends a dispatch to every open session (queued for resume in the ones without a socket). */
  dispatch(t: string, d: unknown): void {
    for (const s of this.sessions.values()) {
      s.seq += 1;
      s.sent.push({ s: s.seq, t, d });
      s.socket?.send(JSON.stringify({ op: 0, s: s.seq, t, d }));
    }
  }

  /** A slash command as a guild member would run it; returns the interaction id and token. */
  chatInput(o: { name: string; userId: string; username?: string; options?: unknown[]; guildId?: string; channelId?: string; roles?: string[] }): { id: string; token: string } {
    const guild = this.guilds.find((g) => g.id === (o.guildId ?? this.guilds[0]?.id));
    const id = nextId();
    const token = `itoken-${randomUUID()}`;
    const user = { id: o.userId, username: o.username ?? `user${o.userId.slice(-4)}`, discriminator: '0', global_name: o.username ?? null, avatar: null };
    this.dispatch('INTERACTION_CREATE', {
      id, application_id: APPLICATION_ID, type: 2, token, version: 1, locale: 'en-US', guild_locale: 'en-US', app_permissions: '0',
      entitlements: [], authorizing_integration_owners: { 0: guild?.id ?? '0' }, context: 0, attachment_size_limit: 10_485_760,
      guild_id: guild?.id, channel_id: o.channelId ?? guild?.channels[0]?.id,
      channel: { id: o.channelId ?? guild?.channels[0]?.id, type: 0, guild_id: guild?.id, name: guild?.channels[0]?.name ?? 'general' },
      member: { user, roles: o.roles ?? [], joined_at: '2026-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0, permissions: '0', nick: null, avatar: null },
      data: { id: nextId(), name: o.name, type: 1, options: o.options ?? [] },
    });
    return { id, token };
  }

  /** Waits until `predicate` holds for the callbacks received (polls; rejects after `timeoutMs`). */
  async waitForCallback(predicate: (c: InteractionCallback) => boolean, timeoutMs = 10_000): Promise<InteractionCallback> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.callbacks.find(predicate);
      if (found) return found;
      if (Date.now() > until) throw new Error(`FakeDiscord: no matching interaction callback within ${timeoutMs} ms; got ${JSON.stringify(this.callbacks).slice(0, 500)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  private onSocket(ws: WebSocket): void {
    let session: Session | null = null;
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: HEARTBEAT_MS }, s: null, t: null }));
    ws.on('message', (raw) => {
      let msg: { op?: number; d?: Record<string, unknown> };
      try {
        msg = JSON.parse((Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw as ArrayBuffer)).toString('utf8')) as typeof msg;
      } catch {
        ws.close(4002, 'Error while decoding payload.');
        return;
      }
      switch (msg.op) {
        case 1:
          ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
          return;
        case 2: {
          if (msg.d?.token !== DISCORD_TOKEN) {
            ws.close(4004, 'Authentication failed.');
            return;
          }
          this.identifies += 1;
          session = { id: randomUUID().replace(/-/g, ''), seq: 0, sent: [], socket: ws };
          this.sessions.set(session.id, session);
          const send = (t: string, d: unknown): void => {
            session!.seq += 1;
            session!.sent.push({ s: session!.seq, t, d });
            ws.send(JSON.stringify({ op: 0, s: session!.seq, t, d }));
          };
          send('READY', {
            v: 10, user: { id: BOT_USER_ID, username: 'Vigil', discriminator: '0000', bot: true, avatar: null, global_name: null, flags: 0 },
            guilds: this.guilds.map((g) => ({ id: g.id, unavailable: true })), session_id: session.id,
            resume_gateway_url: `ws://127.0.0.1:${this.port}`, shard: [0, 1], application: { id: APPLICATION_ID, flags: 0 },
            private_channels: [], presences: [], relationships: [], guild_join_requests: [], user_settings: {}, geo_ordered_rtc_regions: [],
          });
          for (const g of this.guilds) {
            send('GUILD_CREATE', {
              id: g.id, name: g.name, icon: null, owner_id: '1', afk_timeout: 300, verification_level: 0, default_message_notifications: 0,
              explicit_content_filter: 0, features: [], mfa_level: 0, system_channel_flags: 0, premium_tier: 0, preferred_locale: 'en-US',
              nsfw_level: 0, premium_progress_bar_enabled: false, unavailable: false, member_count: 2, large: false, joined_at: '2026-01-01T00:00:00.000Z',
              roles: g.roles.map((r, i) => ({ id: r.id, name: r.name, color: 0, hoist: false, position: i, permissions: '0', managed: false, mentionable: false, flags: 0 })),
              channels: g.channels.map((c, i) => ({ id: c.id, type: 0, guild_id: g.id, name: c.name, position: i, permission_overwrites: [], nsfw: false, parent_id: null })),
              members: [], voice_states: [], presences: [], threads: [], stage_instances: [], guild_scheduled_events: [], emojis: [], stickers: [],
            });
          }
          return;
        }
        case 6: {
          const found = this.sessions.get(String(msg.d?.session_id));
          if (!found || msg.d?.token !== DISCORD_TOKEN) {
            ws.send(JSON.stringify({ op: 9, d: false, s: null, t: null }));
            return;
          }
          this.resumes += 1;
          session = found;
          found.socket = ws;
          const after = Number(msg.d?.seq ?? 0);
          for (const e of found.sent.filter((x) => x.s > after)) ws.send(JSON.stringify({ op: 0, ...e }));
          found.seq += 1;
          ws.send(JSON.stringify({ op: 0, s: found.seq, t: 'RESUMED', d: {} }));
          return;
        }
        default:
          return;
      }
    });
    ws.on('close', () => {
      if (session && session.socket === ws) session.socket = null;
    });
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.startsWith(API) ? url.pathname.slice(API.length) : url.pathname;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = null;
    if (text && (req.headers['content-type'] ?? '').includes('application/json')) {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    }
    const answer = (status: number, payload: unknown): void => {
      this.log.push({ method: req.method ?? 'GET', path, body, status, at: Date.now() });
      const headers: Record<string, string> = {
        'content-type': 'application/json', 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '4', 'x-ratelimit-reset-after': '1',
        'x-ratelimit-reset': String(Date.now() / 1000 + 1), 'x-ratelimit-bucket': `bucket-${path.split('/')[1] ?? 'x'}`,
      };
      if (status === 429) Object.assign(headers, { 'retry-after': '0', 'x-ratelimit-remaining': '0', 'x-ratelimit-scope': 'user' });
      // A 204 has no body, so no content type (a JSON type on an empty body makes clients fail to parse it).
      if (status === 204) delete headers['content-type'];
      res.writeHead(status, headers);
      res.end(status === 204 ? undefined : JSON.stringify(payload));
    };
    const route = `${req.method ?? 'GET'} ${path}`;
    const failure = this.failures.findIndex((f) => f.route.test(route));
    if (failure >= 0) {
      const f = this.failures.splice(failure, 1)[0]!;
      if (f.status === 429) {
        answer(429, { message: 'You are being rate limited.', retry_after: f.retryAfter ?? 0.05, global: false });
        return;
      }
      answer(f.status, { message: `${f.status}: Server error`, code: 0 });
      return;
    }
    // Interaction callbacks and webhooks are authorised by their token, not the bot token.
    const tokenAuthed = /^\/(interactions|webhooks)\//.test(path);
    if (!tokenAuthed && req.headers.authorization !== `Bot ${DISCORD_TOKEN}`) {
      answer(401, { message: '401: Unauthorized', code: 0 });
      return;
    }
    if (body === undefined) {
      answer(400, { message: 'The request body contains invalid JSON.', code: 50109 });
      return;
    }
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && path === '/gateway/bot') {
      answer(200, { url: `ws://127.0.0.1:${this.port}`, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
      return;
    }
    if (req.method === 'PUT' && (m = /^\/applications\/(\d+)\/(?:guilds\/(\d+)\/)?commands$/.exec(path))) {
      if (m[1] !== APPLICATION_ID) {
        answer(403, { message: 'Missing Access', code: 50001 });
        return;
      }
      const problems = commandProblems(body);
      if (problems.length > 0) {
        answer(400, invalidForm('body', problems.join('; ')));
        return;
      }
      const registered = (body as Record<string, unknown>[]).map((c) => ({ ...c, id: nextId(), application_id: APPLICATION_ID, version: nextId(), ...(m![2] ? { guild_id: m![2] } : {}) }));
      this.commands.set(m[2] ?? 'global', registered);
      answer(200, registered);
      return;
    }
    if (req.method === 'POST' && (m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path))) {
      const b = body as { type?: number; data?: unknown };
      if (this.answered.has(m[1]!)) {
        answer(400, { message: 'Interaction has already been acknowledged.', code: 40060 });
        return;
      }
      if (![4, 5, 6, 7, 8, 9].includes(b.type ?? -1)) {
        answer(400, invalidForm('type', 'Value must be one of {1, 4, 5, 6, 7, 8, 9, 10, 12}.'));
        return;
      }
      this.answered.add(m[1]!);
      this.callbacks.push({ interactionId: m[1]!, type: b.type!, data: b.data ?? null });
      // with_response=true: Discord answers the interaction callback resource instead of 204.
      if (url.searchParams.get('with_response') === 'true') {
        answer(200, { interaction: { id: m[1], type: 2, response_message_loading: b.type === 5, response_message_ephemeral: false }, resource: { type: b.type } });
        return;
      }
      answer(204, null);
      return;
    }
    answer(404, { message: '404: Not Found', code: 0 });
  }
}
