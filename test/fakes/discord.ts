/**
 * A local Discord: REST (API v10) and the gateway on one loopback port, enough for a real discord.js client to log in,
 * register commands, receive interactions and answer them, send and edit messages, with Discord's own shapes and checks.
 *
 * Gateway (JSON text frames, no compression: discord.js only compresses with zlib-sync, not installed):
 * HELLO (op 10) → IDENTIFY (op 2, token checked; a bad one closes with 4004 "Authentication failed") → READY (user,
 * application, guilds unavailable, session id, resume URL) → GUILD_CREATE per guild (channels, roles); heartbeats (op 1)
 * answered with HEARTBEAT_ACK (op 11); RESUME (op 6) replays what the session missed, then RESUMED; dispatches carry
 * increasing sequence numbers. `dropConnections()` closes the sockets as an outage would (the client resumes).
 *
 * Interactions (INTERACTION_CREATE dispatches, payloads as Discord sends them): `chatInput()` (slash command in a guild,
 * or in the bot's DM with `dm: true`), `button()` (MESSAGE_COMPONENT on a message the fake stored or a blank bot
 * message), `autocomplete()` (APPLICATION_COMMAND_AUTOCOMPLETE). Each must be answered within `interactionWindowMs`
 * (3 s, Discord's window) or the callback gets `404 10062 Unknown interaction`; its token then works for webhooks
 * for `interactionTokenTtlMs` (15 min; later `401 50027 Invalid Webhook Token`).
 *
 * REST: `GET /gateway/bot`; `PUT /applications/{app}/commands` and `…/guilds/{guild}/commands` (bodies validated as
 * Discord does: names, 1–100 character descriptions, ≤ 25 options and choices, required options first, ≤ 100 commands);
 * interaction callbacks `POST /interactions/{id}/{token}/callback` (types 4, 5, 9 for commands; 4, 5, 6, 7, 9 for
 * components; 8 only for autocomplete, ≤ 25 choices of 1–100 character names; once per interaction: a second answer is
 * `40060 Interaction has already been acknowledged`); the interaction webhook, authorised by its token and usable only
 * once the interaction was acknowledged (else `404 10015 Unknown Webhook`): `GET/PATCH/DELETE
 * /webhooks/{app}/{token}/messages/@original` (for component interactions answered with 6/7, the message the component
 * is on), follow-ups `POST /webhooks/{app}/{token}` (flags 64 ephemeral) and `GET/PATCH/DELETE …/messages/{id}`;
 * channel messages `POST /channels/{id}/messages` and `GET/PATCH/DELETE /channels/{id}/messages/{id}` (unknown channel
 * 10003, unknown message 10008). Message bodies are JSON or multipart/form-data (`payload_json` + `files[n]`), and
 * are checked as Discord checks them: content ≤ 2000, ≤ 10 embeds (title ≤ 256, description ≤ 4096, ≤ 25 fields,
 * ≤ 6000 characters in all), ≤ 5 action rows of ≤ 5 buttons (custom_id 1–100 characters, unique; label ≤ 80), ≤ 10
 * files; refused with `{ code: 50035, message: "Invalid Form Body", errors }`, an empty message with `50006`. Embed
 * images `attachment://name` resolve to the uploaded file (dropped when none matches, as Discord does). Every message
 * is kept in `messages`.
 *
 * Channel messages honour `nonce` + `enforce_nonce` (a repeat within `nonceWindowMs` returns the first message);
 * `loseResponseNext()` carries a request out and cuts the connection before the answer.
 * Errors are Discord's `{ message, code, errors? }`; every answer carries the rate-limit headers; `failNext()` scripts a
 * 429 (with `retry-after`, `x-ratelimit-scope`, body `global: false`) or a 5xx for a route; `down()` makes every REST
 * request a 503 and the gateway unreachable until `up()`. Unauthorised requests get 401.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const DISCORD_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.Gfake0.vigil-test-token-not-real-000000000000';
export const APPLICATION_ID = '111111111111111111';
export const BOT_USER_ID = APPLICATION_ID;
/** The bot user as Discord sends it (READY, message authors). */
export const BOT_USER = { id: BOT_USER_ID, username: 'Vigil', discriminator: '0000', bot: true, avatar: null, global_name: null, flags: 0 } as const;

export interface FakeGuild {
  readonly id: string;
  readonly name: string;
  readonly channels: readonly { readonly id: string; readonly name: string }[];
  readonly roles: readonly { readonly id: string; readonly name: string }[];
}

/** A file as uploaded in a multipart body. */
export interface FileInfo {
  readonly name: string;
  readonly size: number;
  readonly contentType: string;
}

export interface RestCall {
  readonly method: string;
  /** Path below /api/v10, e.g. "/applications/1/commands" (percent-decoded: "@original", not "%40original"). */
  readonly path: string;
  /** The JSON body, or a multipart body's `payload_json` (null when none). */
  readonly body: unknown;
  /** Files of a multipart body. */
  readonly files: readonly FileInfo[];
  readonly status: number;
  readonly at: number;
}

export interface InteractionCallback {
  readonly interactionId: string;
  readonly token: string;
  readonly type: number;
  readonly data: unknown;
  readonly files: readonly FileInfo[];
  readonly at: number;
}

export interface StoredAttachment extends FileInfo {
  readonly id: string;
  readonly description?: string;
  /** Pixel size, for PNG uploads (Discord reports it for images). */
  readonly width?: number;
  readonly height?: number;
}

/** A message the bot sent (channel message, interaction original response or follow-up), as Discord keeps it. */
export interface StoredMessage {
  readonly id: string;
  readonly channelId: string;
  content: string;
  embeds: unknown[];
  components: unknown[];
  attachments: StoredAttachment[];
  /** Message flags: 64 ephemeral, 128 loading (a deferred reply not yet edited), 4 suppress embeds… */
  flags: number;
  readonly via: 'channel' | 'original' | 'followup';
  /** The interaction whose webhook sent it (original or follow-up). */
  readonly interactionToken?: string;
  /** Edits applied (PATCH or an UPDATE_MESSAGE callback). */
  edits: number;
  /** Message type: 0 default, 20 chat input command (a command's original response). */
  readonly type: number;
  readonly createdAt: number;
  editedAt: number | null;
}

interface Session {
  readonly id: string;
  seq: number;
  /** Dispatches sent, for RESUME replays. */
  readonly sent: { s: number; t: string; d: unknown }[];
  socket: WebSocket | null;
}

interface ApiUser {
  readonly id: string;
  readonly username: string;
  readonly discriminator: string;
  readonly global_name: string | null;
  readonly avatar: null;
}

/** An interaction the fake dispatched. */
interface Pending {
  readonly id: string;
  readonly token: string;
  /** 2 application command, 3 message component, 4 autocomplete. */
  readonly type: 2 | 3 | 4;
  readonly dispatchedAt: number;
  readonly channelId: string;
  readonly guildId: string | null;
  readonly user: ApiUser;
  readonly commandName?: string;
  /** For components: the message the component is on, as sent in the payload. */
  readonly message?: Record<string, unknown>;
  /** The callback type once acknowledged. */
  answeredWith: number | null;
  /** Id of the message `@original` designates. */
  originalId: string | null;
}

interface UploadedFile extends FileInfo {
  /** Form field, e.g. "files[0]". */
  readonly field: string;
  readonly data: Buffer;
}

type Reply = readonly [status: number, payload: unknown];

interface Problem {
  readonly path: readonly string[];
  readonly code: string;
  readonly message: string;
}

interface Draft {
  content: string;
  embeds: unknown[];
  components: unknown[];
  attachments: StoredAttachment[];
  flags: number;
}

const HEARTBEAT_MS = 41_250;
const API = '/api/v10';
const FLAG_SUPPRESS_EMBEDS = 1 << 2;
const FLAG_EPHEMERAL = 1 << 6;
const FLAG_LOADING = 1 << 7;
const FLAG_SUPPRESS_NOTIFICATIONS = 1 << 12;
const FLAG_COMPONENTS_V2 = 1 << 15;
const ATTACHMENT_SIZE_LIMIT = 10_485_760;
/** What the bot may do in the interaction's channel: view, send, embed links, attach files, read history, external emojis. */
const APP_PERMISSIONS = String((1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 18));
/** An ordinary member: view, send, read history, use application commands. */
const MEMBER_PERMISSIONS = String((1n << 10n) | (1n << 11n) | (1n << 16n) | (1n << 31n));

const UNKNOWN_INTERACTION = { message: 'Unknown interaction', code: 10062 };
const UNKNOWN_WEBHOOK = { message: 'Unknown Webhook', code: 10015 };
const UNKNOWN_MESSAGE = { message: 'Unknown Message', code: 10008 };
const UNKNOWN_CHANNEL = { message: 'Unknown Channel', code: 10003 };
const EMPTY_MESSAGE = { message: 'Cannot send an empty message', code: 50006 };
const METHOD_NOT_ALLOWED = { message: '405: Method Not Allowed', code: 0 };
const INVALID_JSON = { message: 'The request body contains invalid JSON.', code: 50109 };

const DISCORD_EPOCH = 1_420_070_400_000n;
let lastSnowflake = 0n;
/** A fresh snowflake: the current time in its top bits (so discord.js's `createdTimestamp` is now), increasing. */
export function nextId(): string {
  const fromClock = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
  lastSnowflake = fromClock > lastSnowflake ? fromClock : lastSnowflake + 1n;
  return lastSnowflake.toString();
}

/** Discord's validation error body. */
function invalidForm(path: string, message: string): { code: number; message: string; errors: unknown } {
  return { code: 50035, message: 'Invalid Form Body', errors: { [path]: { _errors: [{ code: 'BASE_TYPE_INVALID', message }] } } };
}

/** Discord's validation error body for several problems, nested by path: `{ embeds: { 0: { title: { _errors } } } }`. */
export function formErrors(problems: readonly Problem[]): { code: number; message: string; errors: Record<string, unknown> } {
  const errors: Record<string, unknown> = {};
  for (const p of problems) {
    let node = errors;
    for (const key of p.path) node = (node[key] ??= {}) as Record<string, unknown>;
    ((node._errors ??= []) as unknown[]).push({ code: p.code, message: p.message });
  }
  return { code: 50035, message: 'Invalid Form Body', errors };
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

function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Length in characters (code points), as Discord counts. */
function chars(v: unknown): number {
  return typeof v === 'string' ? [...v].length : 0;
}

const tooLong = (n: number): string => `Must be ${n} or fewer in length.`;
const between = (a: number, b: number): string => `Must be between ${a} and ${b} in length.`;

/**
 * Problems Discord reports for a message body (create or edit; lengths and counts only, emptiness is checked on the
 * resulting message), each with its path in the body. `flags` decides whether components are classic action rows.
 */
export function messageProblems(body: Record<string, unknown>, flags = 0): Problem[] {
  const out: Problem[] = [];
  const max = (path: string[], v: unknown, n: number): void => {
    if (chars(v) > n) out.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: tooLong(n) });
  };
  max(['content'], body.content, 2000);
  if (Array.isArray(body.embeds)) {
    const embeds = body.embeds as unknown[];
    if (embeds.length > 10) out.push({ path: ['embeds'], code: 'BASE_TYPE_MAX_LENGTH', message: tooLong(10) });
    let total = 0;
    embeds.forEach((raw, i) => {
      const e = record(raw);
      const at = ['embeds', String(i)];
      max([...at, 'title'], e.title, 256);
      max([...at, 'description'], e.description, 4096);
      max([...at, 'footer', 'text'], record(e.footer).text, 2048);
      max([...at, 'author', 'name'], record(e.author).name, 256);
      total += chars(e.title) + chars(e.description) + chars(record(e.footer).text) + chars(record(e.author).name);
      const fields = Array.isArray(e.fields) ? (e.fields as unknown[]) : [];
      if (fields.length > 25) out.push({ path: [...at, 'fields'], code: 'BASE_TYPE_MAX_LENGTH', message: tooLong(25) });
      fields.forEach((rawField, k) => {
        const f = record(rawField);
        const fat = [...at, 'fields', String(k)];
        for (const key of ['name', 'value'] as const) {
          if (typeof f[key] !== 'string' || f[key] === '') out.push({ path: [...fat, key], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
        }
        max([...fat, 'name'], f.name, 256);
        max([...fat, 'value'], f.value, 1024);
        total += chars(f.name) + chars(f.value);
      });
    });
    if (total > 6000) out.push({ path: ['embeds'], code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' });
  }
  // Components V2 (flag 32768) lay out other top-level components; only classic action rows are modelled here.
  if (Array.isArray(body.components) && (flags & FLAG_COMPONENTS_V2) === 0) {
    const rows = body.components as unknown[];
    if (rows.length > 5) out.push({ path: ['components'], code: 'BASE_TYPE_MAX_LENGTH', message: tooLong(5) });
    const seen = new Set<string>();
    rows.forEach((rawRow, i) => {
      const row = record(rawRow);
      const at = ['components', String(i)];
      if (row.type !== 1) {
        out.push({ path: [...at, 'type'], code: 'BASE_TYPE_CHOICES', message: 'Value must be one of {1}.' });
        return;
      }
      const children = Array.isArray(row.components) ? (row.components as unknown[]) : [];
      if (children.length < 1 || children.length > 5) out.push({ path: [...at, 'components'], code: 'BASE_TYPE_BAD_LENGTH', message: between(1, 5) });
      children.forEach((rawChild, k) => {
        const c = record(rawChild);
        const cat = [...at, 'components', String(k)];
        const linkOrPremium = c.type === 2 && (c.style === 5 || c.style === 6);
        if (c.type === 2 && c.style === 5 && typeof c.url !== 'string') out.push({ path: [...cat, 'url'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
        if (!linkOrPremium) {
          const id = c.custom_id;
          if (typeof id !== 'string') out.push({ path: [...cat, 'custom_id'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
          else if (chars(id) < 1 || chars(id) > 100) out.push({ path: [...cat, 'custom_id'], code: 'BASE_TYPE_BAD_LENGTH', message: between(1, 100) });
          else if (seen.has(id)) out.push({ path: [...cat, 'custom_id'], code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: 'Component custom id cannot be duplicated' });
          else seen.add(id);
        }
        if (c.type === 2) max([...cat, 'label'], c.label, 80);
      });
    });
  }
  return out;
}

/** Problems Discord reports for an autocomplete result (`data` of a type-8 callback). */
export function choiceProblems(data: Record<string, unknown>): Problem[] {
  const out: Problem[] = [];
  if (!Array.isArray(data.choices)) return [{ path: ['data', 'choices'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }];
  const choices = data.choices as unknown[];
  if (choices.length > 25) out.push({ path: ['data', 'choices'], code: 'BASE_TYPE_MAX_LENGTH', message: tooLong(25) });
  choices.forEach((raw, i) => {
    const c = record(raw);
    if (typeof c.name !== 'string' || chars(c.name) < 1 || chars(c.name) > 100) out.push({ path: ['data', 'choices', String(i), 'name'], code: 'BASE_TYPE_BAD_LENGTH', message: between(1, 100) });
    if (typeof c.value === 'string' && chars(c.value) > 100) out.push({ path: ['data', 'choices', String(i), 'value'], code: 'BASE_TYPE_BAD_LENGTH', message: between(1, 100) });
    else if (c.value === undefined || c.value === null) out.push({ path: ['data', 'choices', String(i), 'value'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
  });
  return out;
}

/** One part of a multipart/form-data body. */
export interface FormPart {
  readonly name: string;
  readonly filename?: string;
  readonly contentType?: string;
  readonly data: Buffer;
}

/** Undoes the escaping browsers and undici apply to quoted form-data parameters. */
function unquote(v: string): string {
  return v.replace(/\\(.)/g, '$1').replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
}

/**
 * Parses a multipart/form-data body (RFC 7578): the boundary from the content type, then each part's
 * Content-Disposition (name, filename; `filename*=UTF-8''…` too) and Content-Type. Null when malformed.
 */
export function parseMultipart(body: Buffer, contentType: string): FormPart[] | null {
  const b = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = b?.[1] ?? b?.[2];
  if (!boundary) return null;
  const delimiter = Buffer.from(`--${boundary}`);
  const between = Buffer.from(`\r\n--${boundary}`);
  const parts: FormPart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) return null;
  pos += delimiter.length;
  for (;;) {
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts; // "--": the closing delimiter
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) return null;
    pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) return null;
    const next = body.indexOf(between, headerEnd + 4);
    if (next < 0) return null;
    const headers = new Map<string, string>();
    for (const line of body.subarray(pos, headerEnd).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const disposition = headers.get('content-disposition') ?? '';
    const params = new Map<string, string>();
    for (const m of disposition.matchAll(/;\s*([\w*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g)) {
      params.set(m[1]!.toLowerCase(), m[2] !== undefined ? unquote(m[2]) : m[3]!.trim());
    }
    const star = params.get('filename*');
    const filename = star ? decodeURIComponent(star.replace(/^[\w-]*'[\w-]*'/, '')) : params.get('filename');
    const name = params.get('name');
    if (name === undefined) return null;
    const type = headers.get('content-type');
    parts.push({ name, data: body.subarray(headerEnd + 4, next), ...(filename !== undefined ? { filename } : {}), ...(type ? { contentType: type } : {}) });
    pos = next + between.length;
  }
}

/** Width and height of a PNG (from its IHDR chunk), if the bytes are one. */
function pngSize(data: Buffer): { width: number; height: number } | null {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (data.length < 24 || !data.subarray(0, 8).equals(signature)) return null;
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

function fileInfo(f: UploadedFile): FileInfo {
  return { name: f.name, size: f.size, contentType: f.contentType };
}

function attachmentUrl(channelId: string, a: StoredAttachment, host: 'cdn.discordapp.com' | 'media.discordapp.net'): string {
  return `https://${host}/attachments/${channelId}/${a.id}/${encodeURIComponent(a.name)}`;
}

function attachmentJson(channelId: string, a: StoredAttachment): Record<string, unknown> {
  return {
    id: a.id, filename: a.name, size: a.size, url: attachmentUrl(channelId, a, 'cdn.discordapp.com'), proxy_url: attachmentUrl(channelId, a, 'media.discordapp.net'),
    content_type: a.contentType, ...(a.description !== undefined ? { description: a.description } : {}),
    ...(a.width !== undefined ? { width: a.width, height: a.height } : {}),
  };
}

/** The callback types Discord accepts for each interaction type. */
const CALLBACK_TYPES: Record<Pending['type'], readonly number[]> = { 2: [4, 5, 9], 3: [4, 5, 6, 7, 9], 4: [8] };

interface EnvelopeOptions {
  readonly userId: string;
  readonly username?: string;
  readonly roles?: string[];
  readonly guildId?: string;
  readonly channelId?: string;
  readonly dm?: true;
}

export class FakeDiscord {
  readonly guilds: FakeGuild[];
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private readonly sessions = new Map<string, Session>();
  private readonly log: RestCall[] = [];
  private readonly callbacks: InteractionCallback[] = [];
  private readonly callbacksByToken = new Map<string, InteractionCallback>();
  private readonly interactions = new Map<string, Pending>();
  private readonly interactionsByToken = new Map<string, Pending>();
  /** DM channel id by user id (created by the first DM interaction). */
  private readonly dmChannels = new Map<string, string>();
  private readonly failures: { route: RegExp; status: number; retryAfter?: number }[] = [];
  private readonly lostResponses: RegExp[] = [];
  /** Called as each interaction callback is accepted (benchmarks time round trips with it, without polling). */
  callbackListener: ((c: InteractionCallback) => void) | undefined;
  /** Channel message nonces (channel:nonce → message id, time), for `enforce_nonce`. */
  private readonly nonces = new Map<string, { id: string; at: number }>();
  /** How long Discord remembers an enforced nonce (ms; "a few minutes"). */
  nonceWindowMs = 5 * 60_000;
  private outage = false;
  /** Registered commands by scope ("global" or the guild id). */
  readonly commands = new Map<string, unknown[]>();
  /** Every message the bot sent (channel messages, interaction responses, follow-ups), by id. */
  readonly messages = new Map<string, StoredMessage>();
  /** How long after dispatch an interaction may be answered (Discord: 3 s); later callbacks get 10062. */
  interactionWindowMs = 3_000;
  /** How long after dispatch an interaction token works for webhook calls (Discord: 15 min). */
  interactionTokenTtlMs = 15 * 60_000;
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
    server.on('upgrade', (req, socket, head) => {
      socket.on('error', () => undefined);
      if (this.outage) {
        const body = JSON.stringify({ message: '503: Service Unavailable', code: 0 });
        socket.end(`HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
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

  /** Interaction callbacks accepted, oldest first. */
  interactionCallbacks(): readonly InteractionCallback[] {
    return [...this.callbacks];
  }

  /** The accepted callback of the interaction with this token. */
  callbackFor(token: string): InteractionCallback | undefined {
    return this.callbacksByToken.get(token);
  }

  /** The message `@original` designates for this interaction token (its response, or the component's message). */
  original(token: string): StoredMessage | undefined {
    const id = this.interactionsByToken.get(token)?.originalId;
    return id ? this.messages.get(id) : undefined;
  }

  /** The messages the bot has in a channel (including interaction responses there), oldest first. */
  channelMessages(channelId: string): StoredMessage[] {
    return [...this.messages.values()].filter((m) => m.channelId === channelId).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  /** The next request whose "METHOD /path" matches `route` fails with `status` (429: with `retry-after` seconds). */
  failNext(route: RegExp, status: number, retryAfter = 0.05): void {
    this.failures.push({ route, status, retryAfter });
  }

  /**
   * The next request matching `route` is carried out, but its answer is lost (the connection is cut before the
   * response): what a client sees when Discord created the message and the network failed on the way back.
   */
  loseResponseNext(route: RegExp): void {
    this.lostResponses.push(route);
  }

  /**
   * An outage: while on, every REST request answers 503 and the gateway is unreachable (open sockets are cut, as a
   * network failure would, and new connections are refused with HTTP 503 on upgrade). Sessions survive, so a client
   * resumes once it is over; dispatches meanwhile are queued for the resume.
   */
  down(on = true): void {
    this.outage = on;
    if (!on) return;
    for (const s of this.sessions.values()) {
      s.socket?.terminate();
      s.socket = null;
    }
  }

  /** Ends an outage (`down(false)`). */
  up(): void {
    this.down(false);
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

  /**
   * A slash command as a guild member would run it (or, with `dm: true`, a user in the bot's DM: no guild or member, a
   * top-level `user`, context 1, a DM channel); returns the interaction id and token.
   */
  chatInput(o: EnvelopeOptions & { name: string; options?: unknown[] }): { id: string; token: string } {
    return this.interaction(2, o, { data: { id: nextId(), name: o.name, type: 1, options: o.options ?? [] } }, { commandName: o.name });
  }

  /** A guild member typing into a command option with autocomplete (one of `options` has `focused: true`). */
  autocomplete(o: EnvelopeOptions & { name: string; options: unknown[] }): { id: string; token: string } {
    return this.interaction(4, o, { data: { id: nextId(), name: o.name, type: 1, options: o.options } }, { commandName: o.name });
  }

  /**
   * A guild member clicking a button (custom id `customId`) on message `messageId`: the message as the fake stored it
   * when it has it (its channel too), else a blank message by the bot.
   */
  button(o: EnvelopeOptions & { customId: string; messageId: string }): { id: string; token: string } {
    const stored = this.messages.get(o.messageId);
    const channelId = stored?.channelId ?? o.channelId;
    const target = { ...o, ...(channelId ? { channelId } : {}) };
    const fallbackChannel = this.channelFor(target).id;
    const message = stored ? this.messageJson(stored) : {
      id: o.messageId, channel_id: fallbackChannel, author: BOT_USER, content: '', embeds: [], components: [], attachments: [],
      timestamp: new Date().toISOString(), edited_timestamp: null, type: 0, flags: 0, mentions: [], mention_roles: [], pinned: false,
      mention_everyone: false, tts: false,
    };
    return this.interaction(3, target, { data: { custom_id: o.customId, component_type: 2 }, message }, { message });
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

  private channelFor(o: EnvelopeOptions): { id: string; name: string; guild: FakeGuild | undefined } {
    const guild = this.guilds.find((g) => g.id === (o.guildId ?? this.guilds[0]?.id));
    const id = o.channelId ?? guild?.channels[0]?.id ?? '0';
    return { id, name: guild?.channels.find((c) => c.id === id)?.name ?? 'general', guild };
  }

  /** The envelope every interaction shares, with `fields` (data, message) added; dispatched and remembered. */
  private interaction(type: Pending['type'], o: EnvelopeOptions, fields: Record<string, unknown>, extra: { commandName?: string; message?: Record<string, unknown> }): { id: string; token: string } {
    const id = nextId();
    const token = `itoken-${randomUUID()}`;
    const user: ApiUser = { id: o.userId, username: o.username ?? `user${o.userId.slice(-4)}`, discriminator: '0', global_name: o.username ?? null, avatar: null };
    let place: Record<string, unknown>;
    let channelId: string;
    let guildId: string | null = null;
    if (o.dm) {
      channelId = o.channelId ?? this.dmChannels.get(o.userId) ?? nextId();
      this.dmChannels.set(o.userId, channelId);
      // In the bot's DM the guild-install owner is "0" (no guild), the context BOT_DM.
      place = {
        user, context: 1, authorizing_integration_owners: { 0: '0' }, channel_id: channelId,
        channel: { id: channelId, type: 1, last_message_id: null, flags: 0, recipients: [user] },
      };
    } else {
      const ch = this.channelFor(o);
      channelId = ch.id;
      guildId = ch.guild?.id ?? null;
      place = {
        guild_id: guildId ?? undefined, guild_locale: 'en-US', context: 0, authorizing_integration_owners: { 0: guildId ?? '0' }, channel_id: channelId,
        channel: { id: channelId, type: 0, guild_id: guildId ?? undefined, name: ch.name, position: 0, permission_overwrites: [], nsfw: false, parent_id: null, flags: 0, last_message_id: null, rate_limit_per_user: 0, topic: null },
        member: {
          user, roles: o.roles ?? [], joined_at: '2026-01-01T00:00:00.000Z', premium_since: null, deaf: false, mute: false, flags: 0, pending: false,
          permissions: MEMBER_PERMISSIONS, nick: null, avatar: null, communication_disabled_until: null,
        },
      };
    }
    const pending: Pending = { id, token, type, dispatchedAt: Date.now(), channelId, guildId, user, ...extra, answeredWith: null, originalId: null };
    this.interactions.set(id, pending);
    this.interactionsByToken.set(token, pending);
    this.dispatch('INTERACTION_CREATE', {
      id, application_id: APPLICATION_ID, type, token, version: 1, locale: 'en-US', app_permissions: APP_PERMISSIONS, entitlements: [],
      attachment_size_limit: ATTACHMENT_SIZE_LIMIT, ...place, ...fields,
    });
    return { id, token };
  }

  private messageJson(m: StoredMessage): Record<string, unknown> {
    const json: Record<string, unknown> = {
      id: m.id, channel_id: m.channelId, author: BOT_USER, content: m.content, timestamp: new Date(m.createdAt).toISOString(),
      edited_timestamp: m.editedAt === null ? null : new Date(m.editedAt).toISOString(), tts: false, mention_everyone: false, mentions: [],
      mention_roles: [], attachments: m.attachments.map((a) => attachmentJson(m.channelId, a)), embeds: m.embeds, components: m.components,
      pinned: false, type: m.type, flags: m.flags,
    };
    const it = m.interactionToken ? this.interactionsByToken.get(m.interactionToken) : undefined;
    if (it) {
      Object.assign(json, {
        webhook_id: APPLICATION_ID, application_id: APPLICATION_ID,
        interaction_metadata: {
          id: it.id, type: it.type, user: it.user, authorizing_integration_owners: { 0: it.guildId ?? '0' },
          ...(m.via === 'followup' && it.originalId ? { original_response_message_id: it.originalId } : {}),
          ...(it.type === 3 && it.message ? { interacted_message_id: it.message.id } : {}),
        },
        ...(it.commandName ? { interaction: { id: it.id, type: it.type, name: it.commandName, user: it.user } } : {}),
      });
    }
    return json;
  }

  /**
   * Applies a message body to `base` (null: a new message) as Discord would: length and count checks, attachments
   * (`attachments` lists what to keep and describes the new `files[n]`), `attachment://` embed images, emptiness.
   */
  private compose(body: Record<string, unknown>, files: readonly UploadedFile[], base: Draft | null, at: readonly string[], o: { channelId: string; allowedFlags: number; mayBeEmpty?: boolean }): { draft: Draft } | { reply: Reply } {
    const given = typeof body.flags === 'number' ? body.flags : null;
    const flags = base
      ? (base.flags & ~FLAG_LOADING & ~FLAG_SUPPRESS_EMBEDS) | ((given ?? base.flags) & (FLAG_SUPPRESS_EMBEDS | FLAG_COMPONENTS_V2))
      : (given ?? 0) & o.allowedFlags;
    const problems = messageProblems(body, flags);
    const meta = Array.isArray(body.attachments) ? (body.attachments as unknown[]).map(record) : null;
    const fresh = files.map((f): StoredAttachment => {
      const index = /^files\[(\d+)\]$/.exec(f.field)?.[1] ?? f.field;
      const entry = meta?.find((e) => String(e.id) === index);
      const dims = f.contentType === 'image/png' ? pngSize(f.data) : null;
      return {
        id: nextId(), name: typeof entry?.filename === 'string' ? entry.filename : f.name, size: f.size, contentType: f.contentType,
        ...(typeof entry?.description === 'string' ? { description: entry.description } : {}), ...(dims ?? {}),
      };
    });
    const kept = base ? (meta ? base.attachments.filter((a) => meta.some((e) => String(e.id) === a.id)) : base.attachments) : [];
    const attachments = [...kept, ...fresh];
    if (attachments.length > 10) problems.push({ path: ['attachments'], code: 'BASE_TYPE_MAX_LENGTH', message: tooLong(10) });
    if (problems.length > 0) return { reply: [400, formErrors(problems.map((p) => ({ ...p, path: [...at, ...p.path] })))] };
    if (files.some((f) => f.size > ATTACHMENT_SIZE_LIMIT)) return { reply: [413, { message: 'Request entity too large', code: 40005 }] };
    const resolveImage = (v: unknown): Record<string, unknown> | null => {
      const url = record(v).url;
      if (typeof url !== 'string' || !url.startsWith('attachment://')) return record(v);
      const a = attachments.find((x) => x.name === url.slice('attachment://'.length));
      if (!a) return null;
      return { url: attachmentUrl(o.channelId, a, 'cdn.discordapp.com'), proxy_url: attachmentUrl(o.channelId, a, 'media.discordapp.net'), content_type: a.contentType, ...(a.width !== undefined ? { width: a.width, height: a.height } : {}) };
    };
    const list = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
    const rawEmbeds = 'embeds' in body ? list(body.embeds) : (base?.embeds ?? []);
    const embeds = rawEmbeds.map((raw) => {
      const e: Record<string, unknown> = { type: 'rich', ...record(raw) };
      for (const key of ['image', 'thumbnail'] as const) {
        if (!(key in e)) continue;
        const resolved = resolveImage(e[key]);
        if (resolved) e[key] = resolved;
        else delete e[key];
      }
      return e;
    });
    const content = 'content' in body ? (typeof body.content === 'string' ? body.content : '') : (base?.content ?? '');
    const components = 'components' in body ? list(body.components) : (base?.components ?? []);
    const hasExtras = (Array.isArray(body.sticker_ids) && body.sticker_ids.length > 0) || body.poll !== undefined;
    if (!o.mayBeEmpty && content === '' && embeds.length === 0 && attachments.length === 0 && components.length === 0 && !hasExtras) return { reply: [400, EMPTY_MESSAGE] };
    return { draft: { content, embeds, components, attachments, flags } };
  }

  private store(d: Draft, via: StoredMessage['via'], channelId: string, it?: Pending): StoredMessage {
    const m: StoredMessage = {
      id: nextId(), channelId, ...d, via, ...(it ? { interactionToken: it.token } : {}), edits: 0,
      type: via === 'original' && it?.type === 2 ? 20 : 0, createdAt: Date.now(), editedAt: null,
    };
    this.messages.set(m.id, m);
    return m;
  }

  private edit(m: StoredMessage, d: Draft): void {
    // Filling in a deferred ("thinking…") response is not an edit to the reader: no edited timestamp.
    if ((m.flags & FLAG_LOADING) === 0) m.editedAt = Date.now();
    Object.assign(m, d);
    m.edits += 1;
  }

  /** The message a component interaction's component is on: stored, or taken from the payload (kept once changed). */
  private componentMessage(it: Pending): { message: StoredMessage; stored: boolean } {
    const raw = it.message?.id;
    const id = typeof raw === 'string' ? raw : '';
    const known = this.messages.get(id);
    if (known) return { message: known, stored: true };
    const p = it.message ?? {};
    const arr = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
    return {
      message: {
        id, channelId: it.channelId, content: typeof p.content === 'string' ? p.content : '', embeds: arr(p.embeds), components: arr(p.components),
        attachments: [], flags: typeof p.flags === 'number' ? p.flags : 0, via: 'channel', edits: 0, type: 0, createdAt: Date.now(), editedAt: null,
      },
      stored: false,
    };
  }

  private knownChannel(id: string): boolean {
    return this.guilds.some((g) => g.channels.some((c) => c.id === id)) || [...this.dmChannels.values()].includes(id);
  }

  private onCallback(id: string, token: string, body: unknown, files: readonly UploadedFile[], query: URLSearchParams): Reply {
    const it = this.interactions.get(id);
    if (!it || it.token !== token) return [404, UNKNOWN_INTERACTION];
    if (it.answeredWith !== null) return [400, { message: 'Interaction has already been acknowledged.', code: 40060 }];
    if (Date.now() - it.dispatchedAt > this.interactionWindowMs) return [404, UNKNOWN_INTERACTION];
    const b = record(body);
    const type = typeof b.type === 'number' ? b.type : -1;
    if (![4, 5, 6, 7, 8, 9].includes(type)) return [400, invalidForm('type', 'Value must be one of {1, 4, 5, 6, 7, 8, 9, 10, 12}.')];
    const allowed = CALLBACK_TYPES[it.type];
    if (!allowed.includes(type)) return [400, formErrors([{ path: ['type'], code: 'BASE_TYPE_CHOICES', message: `Value must be one of {${allowed.join(', ')}}.` }])];
    const data = record(b.data);
    let originalId: string | null = null;
    switch (type) {
      case 8: {
        const problems = choiceProblems(data);
        if (problems.length > 0) return [400, formErrors(problems)];
        break;
      }
      case 4: {
        const r = this.compose(data, files, null, ['data'], { channelId: it.channelId, allowedFlags: FLAG_EPHEMERAL | FLAG_SUPPRESS_EMBEDS | FLAG_SUPPRESS_NOTIFICATIONS | FLAG_COMPONENTS_V2 });
        if ('reply' in r) return r.reply;
        originalId = this.store(r.draft, 'original', it.channelId, it).id;
        break;
      }
      case 5: {
        const flags = FLAG_LOADING | ((typeof data.flags === 'number' ? data.flags : 0) & FLAG_EPHEMERAL);
        originalId = this.store({ content: '', embeds: [], components: [], attachments: [], flags }, 'original', it.channelId, it).id;
        break;
      }
      case 6:
      case 7: {
        const { message, stored } = this.componentMessage(it);
        if (type === 7) {
          const r = this.compose(data, files, message, ['data'], { channelId: message.channelId, allowedFlags: 0, mayBeEmpty: !stored });
          if ('reply' in r) return r.reply;
          this.edit(message, r.draft);
        }
        // From now on the message is addressable as @original, so the fake keeps it.
        this.messages.set(message.id, message);
        originalId = message.id;
        break;
      }
      default:
        break;
    }
    it.answeredWith = type;
    it.originalId = originalId;
    const callback: InteractionCallback = { interactionId: id, token, type, data: b.data ?? null, files: files.map(fileInfo), at: Date.now() };
    this.callbacks.push(callback);
    this.callbackListener?.(callback);
    this.callbacksByToken.set(token, callback);
    // with_response=true: Discord answers the interaction callback resource instead of 204.
    if (query.get('with_response') === 'true') {
      const message = originalId && [4, 5, 7].includes(type) ? this.messages.get(originalId) : undefined;
      return [200, {
        interaction: {
          id, type: it.type, ...(originalId ? { response_message_id: originalId } : {}), response_message_loading: type === 5,
          response_message_ephemeral: ((message?.flags ?? 0) & FLAG_EPHEMERAL) !== 0,
        },
        resource: { type, ...(message ? { message: this.messageJson(message) } : {}) },
      }];
    }
    return [204, null];
  }

  private onWebhook(method: string, app: string, token: string, messageId: string | undefined, body: unknown, files: readonly UploadedFile[], query: URLSearchParams): Reply {
    const it = this.interactionsByToken.get(token);
    // The interaction webhook exists once the interaction was acknowledged (an autocomplete result opens none).
    if (app !== APPLICATION_ID || !it || it.answeredWith === null || it.answeredWith === 8) return [404, UNKNOWN_WEBHOOK];
    if (Date.now() - it.dispatchedAt > this.interactionTokenTtlMs) return [401, { message: 'Invalid Webhook Token', code: 50027 }];
    if (messageId === undefined) {
      if (method !== 'POST') return [405, METHOD_NOT_ALLOWED];
      const r = this.compose(record(body), files, null, [], { channelId: it.channelId, allowedFlags: FLAG_EPHEMERAL | FLAG_SUPPRESS_EMBEDS | FLAG_SUPPRESS_NOTIFICATIONS | FLAG_COMPONENTS_V2 });
      if ('reply' in r) return r.reply;
      const m = this.store(r.draft, 'followup', it.channelId, it);
      return query.get('wait') === 'true' ? [200, this.messageJson(m)] : [204, null];
    }
    const id = messageId === '@original' ? it.originalId : messageId;
    const m = id ? this.messages.get(id) : undefined;
    if (!m || (m.id !== it.originalId && m.interactionToken !== token)) return [404, UNKNOWN_MESSAGE];
    return this.onMessage(method, m, body, files);
  }

  private onChannelMessages(method: string, channelId: string, messageId: string | undefined, body: unknown, files: readonly UploadedFile[], query: URLSearchParams): Reply {
    if (!this.knownChannel(channelId)) return [404, UNKNOWN_CHANNEL];
    if (messageId === undefined) {
      if (method === 'GET') {
        const limit = Math.min(100, Math.max(1, Number(query.get('limit') ?? 50) || 50));
        return [200, this.channelMessages(channelId).filter((m) => (m.flags & FLAG_EPHEMERAL) === 0).reverse().slice(0, limit).map((m) => this.messageJson(m))];
      }
      if (method !== 'POST') return [405, METHOD_NOT_ALLOWED];
      // nonce: an integer or a string of at most 25 characters; with enforce_nonce, a repeat within a few minutes
      // returns the message it created instead of a second one.
      const { nonce, enforce_nonce: enforce } = record(body) as { nonce?: unknown; enforce_nonce?: unknown };
      if (nonce !== undefined && !(Number.isInteger(nonce) || (typeof nonce === 'string' && nonce.length <= 25))) {
        return [400, invalidForm('nonce', 'Must be 25 or fewer in length.')];
      }
      const nonceKey = nonce !== undefined && enforce === true ? `${channelId}:${typeof nonce === 'string' ? nonce : (nonce as number).toString()}` : null;
      const seen = nonceKey ? this.nonces.get(nonceKey) : undefined;
      const earlier = seen && Date.now() - seen.at < this.nonceWindowMs ? this.messages.get(seen.id) : undefined;
      if (earlier) return [200, this.messageJson(earlier)];
      const r = this.compose(record(body), files, null, [], { channelId, allowedFlags: FLAG_SUPPRESS_EMBEDS | FLAG_SUPPRESS_NOTIFICATIONS | FLAG_COMPONENTS_V2 });
      if ('reply' in r) return r.reply;
      const stored = this.store(r.draft, 'channel', channelId);
      if (nonceKey) this.nonces.set(nonceKey, { id: stored.id, at: Date.now() });
      return [200, this.messageJson(stored)];
    }
    const m = this.messages.get(messageId);
    // Ephemeral messages exist only for their interaction's webhook.
    if (!m || m.channelId !== channelId || (m.flags & FLAG_EPHEMERAL) !== 0) return [404, UNKNOWN_MESSAGE];
    return this.onMessage(method, m, body, files);
  }

  /** GET, PATCH or DELETE of one stored message. */
  private onMessage(method: string, m: StoredMessage, body: unknown, files: readonly UploadedFile[]): Reply {
    switch (method) {
      case 'GET':
        return [200, this.messageJson(m)];
      case 'DELETE':
        this.messages.delete(m.id);
        return [204, null];
      case 'PATCH': {
        const r = this.compose(record(body), files, m, [], { channelId: m.channelId, allowedFlags: 0 });
        if ('reply' in r) return r.reply;
        this.edit(m, r.draft);
        return [200, this.messageJson(m)];
      }
      default:
        return [405, METHOD_NOT_ALLOWED];
    }
  }

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
            v: 10, user: BOT_USER,
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
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://x');
    let pathname = url.pathname;
    try {
      // discord.js sends "@original" as "%40original".
      pathname = decodeURIComponent(pathname);
    } catch {
      // keep the raw path
    }
    const path = pathname.startsWith(API) ? pathname.slice(API.length) : pathname;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const contentType = req.headers['content-type'] ?? '';
    let body: unknown = null;
    const files: UploadedFile[] = [];
    let unreadable: Reply | null = null;
    if (raw.length > 0 && contentType.includes('application/json')) {
      try {
        body = JSON.parse(raw.toString('utf8')) as unknown;
      } catch {
        unreadable = [400, INVALID_JSON];
      }
    } else if (raw.length > 0 && contentType.startsWith('multipart/form-data')) {
      const parts = parseMultipart(raw, contentType);
      if (!parts) unreadable = [400, { message: '400: Bad Request', code: 0 }];
      const fields: Record<string, string> = {};
      for (const p of parts ?? []) {
        if (p.filename !== undefined) files.push({ field: p.name, name: p.filename, size: p.data.length, contentType: p.contentType ?? 'application/octet-stream', data: p.data });
        else if (p.name === 'payload_json') {
          try {
            body = JSON.parse(p.data.toString('utf8')) as unknown;
          } catch {
            unreadable = [400, INVALID_JSON];
          }
        } else fields[p.name] = p.data.toString('utf8');
      }
      if (body === null && Object.keys(fields).length > 0) body = fields;
    }
    const answer = (status: number, payload: unknown, extra: Record<string, string> = {}): void => {
      this.log.push({ method, path, body, files: files.map(fileInfo), status, at: Date.now() });
      const headers: Record<string, string> = {
        'content-type': 'application/json', 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '4', 'x-ratelimit-reset-after': '1',
        'x-ratelimit-reset': String(Date.now() / 1000 + 1), 'x-ratelimit-bucket': `bucket-${path.split('/')[1] ?? 'x'}`, ...extra,
      };
      // A 204 has no body, so no content type (a JSON type on an empty body makes clients fail to parse it).
      if (status === 204) delete headers['content-type'];
      res.writeHead(status, headers);
      res.end(status === 204 ? undefined : JSON.stringify(payload));
    };
    if (this.outage) {
      answer(503, { message: '503: Service Unavailable', code: 0 });
      return;
    }
    const route = `${method} ${path}`;
    const failure = this.failures.findIndex((f) => f.route.test(route));
    if (failure >= 0) {
      const f = this.failures.splice(failure, 1)[0]!;
      if (f.status === 429) {
        // Discord: `retry-after` in whole seconds (rounded up), the exact value in the body.
        const after = f.retryAfter ?? 0.05;
        answer(429, { message: 'You are being rate limited.', retry_after: after, global: false }, {
          'retry-after': String(Math.max(1, Math.ceil(after))), 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': String(after),
          'x-ratelimit-reset': String(Date.now() / 1000 + after), 'x-ratelimit-scope': 'user',
        });
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
    if (unreadable) {
      answer(...unreadable);
      return;
    }
    const result = this.route(method, path, url.searchParams, body, files);
    const lost = this.lostResponses.findIndex((r) => r.test(route));
    if (lost >= 0) {
      this.lostResponses.splice(lost, 1);
      this.log.push({ method, path, body, files: files.map(fileInfo), status: -1, at: Date.now() });
      req.socket.destroy();
      return;
    }
    answer(...result);
  }

  private route(method: string, path: string, query: URLSearchParams, body: unknown, files: readonly UploadedFile[]): Reply {
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/gateway/bot') {
      return [200, { url: `ws://127.0.0.1:${this.port}`, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } }];
    }
    if (method === 'PUT' && (m = /^\/applications\/(\d+)\/(?:guilds\/(\d+)\/)?commands$/.exec(path))) {
      if (m[1] !== APPLICATION_ID) return [403, { message: 'Missing Access', code: 50001 }];
      const problems = commandProblems(body);
      if (problems.length > 0) return [400, invalidForm('body', problems.join('; '))];
      const guild = m[2];
      const registered = (body as Record<string, unknown>[]).map((c) => ({ ...c, id: nextId(), application_id: APPLICATION_ID, version: nextId(), ...(guild ? { guild_id: guild } : {}) }));
      this.commands.set(guild ?? 'global', registered);
      return [200, registered];
    }
    if ((m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path))) {
      return method === 'POST' ? this.onCallback(m[1]!, m[2]!, body, files, query) : [405, METHOD_NOT_ALLOWED];
    }
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/([^/]+))?$/.exec(path))) return this.onWebhook(method, m[1]!, m[2]!, m[3], body, files, query);
    if ((m = /^\/channels\/(\d+)\/messages(?:\/(\d+))?$/.exec(path))) return this.onChannelMessages(method, m[1]!, m[2], body, files, query);
    return [404, { message: '404: Not Found', code: 0 }];
  }
}
