/**
 * A local stand-in for the Telegram Bot API (node:http on 127.0.0.1, a free port, no network), close enough to
 * Telegram that grammY cannot tell: point a bot at it with `new Bot(token, { client: { apiRoot: fake.url } })`.
 *
 * Requests are `GET|POST /bot<token>/<method>` (method names case-insensitive, as Telegram's), with parameters in the
 * query string, a JSON body, an urlencoded body or multipart/form-data (parsed with the Web `FormData` API; files
 * referenced as `attach://<name>` like grammY sends them). Answers are `{ok:true,result}` or
 * `{ok:false,error_code,description,parameters?}` with the same HTTP status, and the descriptions are Telegram's.
 *
 * Modelled: getMe, getUpdates (offset confirmation, negative offsets, limit, long polling without busy loops,
 * allowed_updates, 409 when a newer getUpdates terminates a pending one or a webhook is set), set/delete/getWebhookInfo,
 * set/get/deleteMyCommands per scope and language, sendMessage with Telegram's HTML / MarkdownV2 / Markdown entity
 * parsers (TDLib's error messages and byte offsets; the visible text and UTF-16 entities are stored), inline keyboard
 * validation, replies, editMessageText / editMessageReplyMarkup / editMessageCaption (keyboard removed when
 * reply_markup is absent, "message is not modified"), deleteMessage(s), answerCallbackQuery (once, within 15 s),
 * sendChatAction, sendPhoto / sendDocument (uploads, file_ids, URLs), getChat; privacy mode in groups; users who
 * blocked the bot.
 *
 * HTML is stricter than Telegram by default (`strictHtml`): Telegram shows a bare `&` that starts no entity literally
 * ("1M&BONK" passes), the Bot API documentation says it must be escaped, and an escaper that forgets it is wrong; the
 * fake rejects it (and `&apos;`, which Telegram would show as is) with a 400 "can't parse entities" error.
 *
 * Faults: `failNext(method, fault)` answers the next call(s) with Telegram's 429/5xx/4xx shapes, drops the connection
 * or delays the answer; `setOutage(true)` resets every connection until cleared. Every call is recorded (`calls()`),
 * every bot message kept with its edit history (`sent()`), and `waitFor` resolves on recorded events, without polling.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

// ---------------------------------------------------------------------------------------------------------------
// Telegram objects (the subset the fake produces)
// ---------------------------------------------------------------------------------------------------------------

export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  can_join_groups?: boolean;
  can_read_all_group_messages?: boolean;
  supports_inline_queries?: boolean;
}

export type ChatType = 'private' | 'group' | 'supergroup' | 'channel';

export interface TgChat {
  id: number;
  type: ChatType;
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
}

export interface TgEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
}

export interface TgInlineButton {
  text: string;
  url?: string;
  callback_data?: string;
  [field: string]: unknown;
}

export interface TgInlineKeyboardMarkup {
  inline_keyboard: TgInlineButton[][];
}

export interface TgPhotoSize {
  file_id: string;
  file_unique_id: string;
  width: number;
  height: number;
  file_size: number;
}

export interface TgDocument {
  file_id: string;
  file_unique_id: string;
  file_name?: string;
  mime_type?: string;
  file_size: number;
}

export interface TgMessage {
  message_id: number;
  from?: TgUser;
  chat: TgChat;
  date: number;
  edit_date?: number;
  message_thread_id?: number;
  reply_to_message?: TgMessage;
  text?: string;
  entities?: TgEntity[];
  caption?: string;
  caption_entities?: TgEntity[];
  photo?: TgPhotoSize[];
  document?: TgDocument;
  reply_markup?: TgInlineKeyboardMarkup;
}

export interface TgCallbackQuery {
  id: string;
  from: TgUser;
  message?: TgMessage;
  chat_instance: string;
  data?: string;
}

export interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
  callback_query?: TgCallbackQuery;
  [kind: string]: unknown;
}

export interface BotCommand {
  command: string;
  description: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------------------------

/** A file that arrived in a multipart upload. */
export interface UploadedFile {
  /** The multipart part's name (grammY uses a random id and refers to it with `attach://<id>`). */
  readonly field: string;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  /** The first 16 bytes. */
  readonly head: Buffer;
  readonly bytes: Buffer;
}

export type Encoding = 'none' | 'query' | 'json' | 'urlencoded' | 'multipart';

/** One HTTP request to a Bot API method. Filled in when answered (`status` stays undefined while pending). */
export interface ApiCall {
  readonly seq: number;
  /** Method name as the URL spelled it. */
  readonly method: string;
  /** Parameters as Telegram reads them: JSON fields parsed, numbers/booleans of form fields converted, files resolved. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The fake clock (epoch ms) when the request arrived. */
  readonly at: number;
  readonly httpMethod: string;
  readonly encoding: Encoding;
  /** HTTP status answered; 0 when the connection was dropped or the client went away first. */
  status?: number;
  /** The JSON answer ({ok, result} or {ok:false, error_code, description, parameters}). */
  response?: unknown;
  /** Set when an injected fault decided the answer. */
  fault?: 'status' | 'drop' | 'delay';
  /** The client closed the connection before the answer (e.g. grammY aborting a long poll). */
  aborted?: boolean;
  finishedAt?: number;
}

/** One state of a bot message: as sent, then after each edit. */
export interface MessageVersion {
  readonly at: number;
  /** What the user sees: tags stripped, entities decoded, trimmed (the caption for media). */
  readonly text: string;
  /** What the bot sent (the HTML, for parse_mode HTML). */
  readonly rawText: string;
  readonly parseMode: string | undefined;
  readonly entities: readonly TgEntity[];
  readonly replyMarkup: TgInlineKeyboardMarkup | undefined;
}

export interface SentPhoto {
  readonly source: 'upload' | 'file_id' | 'url';
  readonly fileId: string;
  readonly width: number;
  readonly height: number;
  /** Bytes received (0 for a URL or a file_id of something not uploaded here). */
  readonly size: number;
  readonly upload: UploadedFile | undefined;
  readonly url: string | undefined;
}

export interface SentDocument {
  readonly source: 'upload' | 'file_id' | 'url';
  readonly fileId: string;
  readonly fileName: string | undefined;
  readonly mimeType: string | undefined;
  readonly size: number;
  readonly upload: UploadedFile | undefined;
  readonly url: string | undefined;
}

/**
 * A message the bot sent, kept current: edits update it (and append to `versions`), deletion sets `deleted`.
 * For photos and documents `text`/`rawText`/`entities` are the caption's.
 */
export interface SentMessage {
  readonly chatId: number;
  readonly messageId: number;
  readonly kind: 'text' | 'photo' | 'document';
  readonly text: string;
  readonly rawText: string;
  readonly parseMode: string | undefined;
  readonly entities: readonly TgEntity[];
  /** The inline keyboard currently attached, if any. */
  readonly replyMarkup: TgInlineKeyboardMarkup | undefined;
  /** A reply keyboard / remove / force-reply markup sent with the message (not part of Telegram's Message). */
  readonly otherMarkup: unknown;
  readonly disableNotification: boolean;
  readonly protectContent: boolean;
  readonly replyToMessageId: number | undefined;
  readonly messageThreadId: number | undefined;
  readonly photo: SentPhoto | undefined;
  readonly document: SentDocument | undefined;
  /** Unix seconds. */
  readonly date: number;
  readonly editDate: number | undefined;
  readonly deleted: boolean;
  /** versions[0] as sent, then one per edit. */
  readonly versions: readonly MessageVersion[];
  /** The Message object Telegram would return for it now. */
  readonly message: TgMessage;
  /** The parameters of the call that sent it. */
  readonly params: Readonly<Record<string, unknown>>;
}

export interface CallbackAnswer {
  readonly callbackQueryId: string;
  readonly text: string | undefined;
  readonly showAlert: boolean;
  readonly url: string | undefined;
  readonly cacheTime: number | undefined;
  readonly at: number;
  readonly query: TgCallbackQuery;
}

export type FakeEvent =
  | { readonly seq: number; readonly kind: 'call'; readonly call: ApiCall }
  | {
      readonly seq: number;
      readonly kind: 'message';
      readonly change: 'sent' | 'edited' | 'deleted';
      /** Live: reflects later edits. */
      readonly message: SentMessage;
      /** The state this event produced. */
      readonly version: MessageVersion;
    }
  | { readonly seq: number; readonly kind: 'callbackAnswer'; readonly answer: CallbackAnswer };

/**
 * What the next call(s) of a method get instead of a normal answer.
 * - `{ status: 429, retryAfter: 2 }` → "Too Many Requests: retry after 2" with parameters.retry_after
 * - `{ status: 500 }` (or any status, with an optional description/parameters) → Telegram's error shape
 * - `{ drop: true }` → the socket is destroyed without an answer; with `afterEffect: true` the call is carried out first
 *   (the ambiguous "did it send?" case)
 * - `{ delayMs }` → answered normally (or with `status`) after the delay
 */
export interface Fault {
  readonly status?: number;
  readonly retryAfter?: number;
  readonly description?: string;
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly drop?: boolean;
  readonly afterEffect?: boolean;
  readonly delayMs?: number;
  /** How many calls it applies to (default 1). */
  readonly count?: number;
}

export interface UserOptions {
  readonly userId: number;
  /** Defaults to the user's private chat (id = userId). Negative ids are groups. */
  readonly chatId?: number;
  /** Defaults to 'private' for positive ids, 'supergroup' for -100… ids, else 'group'. */
  readonly chatType?: ChatType;
  readonly chatTitle?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly username?: string;
  readonly languageCode?: string;
}

export interface UserSendsOptions extends UserOptions {
  readonly replyToMessageId?: number;
  readonly messageThreadId?: number;
}

export interface UserPressesOptions {
  readonly userId: number;
  readonly chatId?: number;
  readonly firstName?: string;
  readonly username?: string;
  readonly languageCode?: string;
  /** Press even if no button of the message carries this callback_data (a stale client). */
  readonly anyData?: boolean;
}

export interface ChatSeed {
  readonly id: number;
  readonly type?: ChatType;
  readonly title?: string;
  readonly username?: string;
  readonly firstName?: string;
  readonly lastName?: string;
}

export interface FakeTelegramOptions {
  /** `<bot id>:<secret>`; the bot's user id is the numeric part. */
  readonly token?: string;
  readonly username?: string;
  readonly firstName?: string;
  /** Reject a bare `&` and unsupported entities like `&apos;` in HTML (default true; Telegram shows them as is). */
  readonly strictHtml?: boolean;
  /** Bots in groups only see commands, replies to them and mentions (Telegram's default; default true). */
  readonly privacyMode?: boolean;
  readonly firstUpdateId?: number;
  /** Chats the bot can already write to. */
  readonly chats?: readonly ChatSeed[];
}

export const DEFAULT_TOKEN = '7000000001:AAFakeTokenForVigilTests_0123456789ab';

// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------

const STATUS_PREFIX: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
};

class TgError extends Error {
  readonly status: number;
  readonly description: string;
  readonly parameters: Readonly<Record<string, unknown>> | undefined;
  constructor(status: number, description: string, parameters?: Readonly<Record<string, unknown>>) {
    super(description);
    this.status = status;
    this.description = description;
    this.parameters = parameters;
  }
}

const bad = (what: string): TgError => new TgError(400, `Bad Request: ${what}`);

class EntityError extends Error {}

/** A successful answer that also carries Telegram's `description` (setWebhook, deleteWebhook). */
class Described {
  readonly result: unknown;
  readonly description: string;
  constructor(result: unknown, description: string) {
    this.result = result;
    this.description = description;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Text formatting: ports of TDLib's parse_html / parse_markdown_v2 / parse_markdown
// ---------------------------------------------------------------------------------------------------------------

export interface FormattedText {
  readonly text: string;
  readonly entities: TgEntity[];
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isAlnum = (c: number): boolean => isAlpha(c) || isDigit(c);
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
/** UTF-16 units a UTF-8 byte starts (0 for continuation bytes). */
const utf16Units = (c: number): number => ((c & 0xc0) === 0x80 ? 0 : c >= 0xf0 ? 2 : 1);

function appendUtf8(out: number[], code: number): void {
  if (code < 0x80) out.push(code);
  else if (code < 0x800) out.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
  else if (code < 0x10000) out.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
  else out.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
}

const bytesToString = (bytes: readonly number[]): string => Buffer.from(bytes).toString('utf8');

/** TDLib's decode_html_entity: &lt; &gt; &amp; &quot; and numeric references, `;` optional. */
function decodeHtmlEntity(t: Buffer, pos: number): { code: number; end: number; semicolon: boolean; name: string } | undefined {
  const at = (i: number): number => t[i] ?? 0;
  let end = pos + 1;
  let code = 0;
  if (at(pos + 1) === 0x23 /* # */) {
    end++;
    if (at(pos + 2) === 0x78 /* x */) {
      end++;
      while (isHex(at(end))) {
        code = code * 16 + parseInt(String.fromCharCode(at(end)), 16);
        end++;
        if (code >= 0x10ffff) return undefined;
      }
    } else {
      while (isDigit(at(end))) {
        code = code * 10 + at(end) - 0x30;
        end++;
        if (code >= 0x10ffff) return undefined;
      }
    }
    if (code === 0 || code >= 0x10ffff || end - pos >= 10) return undefined;
  } else {
    while (isAlpha(at(end))) end++;
    const name = t.subarray(pos + 1, end).toString('latin1');
    code = name === 'lt' ? 0x3c : name === 'gt' ? 0x3e : name === 'amp' ? 0x26 : name === 'quot' ? 0x22 : 0;
    if (code === 0) return undefined;
  }
  const name = t.subarray(pos, end).toString('latin1');
  return at(end) === 0x3b ? { code, end: end + 1, semicolon: true, name } : { code, end, semicolon: false, name };
}

const HTML_TAGS = new Set(['a', 'b', 'strong', 'i', 'em', 's', 'strike', 'del', 'u', 'ins', 'tg-spoiler', 'tg-emoji', 'span', 'pre', 'code', 'blockquote']);

/**
 * Telegram's HTML: the supported tags, TDLib's error messages with byte offsets, entities in UTF-16 units.
 * `strict` additionally rejects a `&` that does not start a complete `&lt;` `&gt;` `&amp;` `&quot;` `&#N;` reference.
 */
export function parseTelegramHtml(input: string, strict = true): FormattedText {
  const t = Buffer.from(input, 'utf8');
  const at = (i: number): number => t[i] ?? 0;
  const out: number[] = [];
  const entities: TgEntity[] = [];
  const nested: { tag: string; arg: string; offset: number; resultPos: number }[] = [];
  let u16 = 0;
  let surrogate = false;
  const lower = (from: number, to: number): string => t.subarray(from, to).toString('utf8').toLowerCase();

  for (let i = 0; i < t.length; i++) {
    const c = at(i);
    if (c === 0x26 /* & */) {
      const d = decodeHtmlEntity(t, i);
      if (d) {
        if (strict && !d.semicolon) throw new EntityError(`HTML entity "${d.name}" at byte offset ${i} must end with ";"`);
        i = d.end - 1;
        u16 += d.code > 0xffff ? 2 : 1;
        if (d.code >= 0xd800 && d.code <= 0xdfff) surrogate = true;
        appendUtf8(out, d.code);
        continue;
      }
      if (strict) {
        let e = i + 1;
        if (at(e) === 0x23) e++;
        while (isAlnum(at(e))) e++;
        const shown = t.subarray(i, Math.min(e + (at(e) === 0x3b ? 1 : 0), i + 24)).toString('utf8');
        throw new EntityError(`Unescaped "&" at byte offset ${i} ("${shown}"): write it as "&amp;"`);
      }
    }
    if (c !== 0x3c /* < */) {
      u16 += utf16Units(c);
      out.push(c);
      continue;
    }

    const begin = i++;
    if (at(i) !== 0x2f /* / */) {
      // a start tag
      while (!isSpace(at(i)) && at(i) !== 0x3e && at(i) !== 0) i++;
      if (at(i) === 0) throw new EntityError(`Unclosed start tag at byte offset ${begin}`);
      const tag = lower(begin + 1, i);
      if (!HTML_TAGS.has(tag)) throw new EntityError(`Unsupported start tag "${tag}" at byte offset ${begin}`);
      let arg = '';
      while (at(i) !== 0x3e) {
        while (at(i) !== 0 && isSpace(at(i))) i++;
        if (at(i) === 0x3e) break;
        const attrBegin = i;
        while (at(i) !== 0 && !isSpace(at(i)) && ![0x3d, 0x3e, 0x2f, 0x22, 0x27].includes(at(i))) i++;
        const attr = t.subarray(attrBegin, i).toString('utf8');
        if (attr.length === 0) throw new EntityError(`Empty attribute name in the tag "${tag}" at byte offset ${begin}`);
        while (at(i) !== 0 && isSpace(at(i))) i++;
        if (at(i) !== 0x3d /* = */) {
          if (at(i) === 0) throw new EntityError(`Unclosed start tag "${tag}" at byte offset ${begin}`);
          if (tag === 'blockquote' && attr === 'expandable') arg = '1';
          continue;
        }
        i++;
        while (at(i) !== 0 && isSpace(at(i))) i++;
        if (at(i) === 0) throw new EntityError(`Unclosed start tag "${tag}" at byte offset ${begin}`);
        let value: string;
        if (at(i) !== 0x27 && at(i) !== 0x22) {
          const tokenBegin = i;
          while (isAlnum(at(i)) || at(i) === 0x2e || at(i) === 0x2d) i++;
          if (!isSpace(at(i)) && at(i) !== 0x3e) throw new EntityError(`Unexpected end of name token at byte offset ${tokenBegin}`);
          value = lower(tokenBegin, i);
        } else {
          const quote = at(i++);
          const v: number[] = [];
          while (at(i) !== quote && at(i) !== 0) {
            if (at(i) === 0x26) {
              const d = decodeHtmlEntity(t, i);
              if (d) {
                appendUtf8(v, d.code);
                i = d.end;
                continue;
              }
            }
            v.push(at(i++));
          }
          if (at(i) === quote) i++;
          value = bytesToString(v);
        }
        if (at(i) === 0) throw new EntityError(`Unclosed start tag at byte offset ${begin}`);
        if ((tag === 'a' && attr === 'href') || (tag === 'tg-emoji' && attr === 'emoji-id')) arg = value;
        else if (tag === 'code' && attr === 'class' && value.startsWith('language-')) arg = value.slice(9);
        else if (tag === 'span' && attr === 'class' && value.startsWith('tg-')) arg = value.slice(3);
        else if (tag === 'blockquote' && attr === 'expandable') arg = '1';
      }
      if (tag === 'span' && arg !== 'spoiler') throw new EntityError(`Tag "span" must have class "tg-spoiler" at byte offset ${begin}`);
      nested.push({ tag, arg, offset: u16, resultPos: out.length });
      continue;
    }

    // an end tag
    const open = nested.at(-1);
    if (!open) throw new EntityError(`Unexpected end tag at byte offset ${begin}`);
    while (at(i) !== 0 && !isSpace(at(i)) && at(i) !== 0x3e) i++;
    const endTag = lower(begin + 2, i);
    while (at(i) !== 0 && isSpace(at(i))) i++;
    if (at(i) !== 0x3e) throw new EntityError(`Unclosed end tag at byte offset ${begin}`);
    if (endTag.length > 0 && endTag !== open.tag) {
      throw new EntityError(`Unmatched end tag at byte offset ${begin}, expected "</${open.tag}>", found "</${endTag}>"`);
    }
    nested.pop();
    if (u16 <= open.offset) continue;
    const offset = open.offset;
    const length = u16 - offset;
    const last = entities.at(-1);
    const sameSpan = last !== undefined && last.offset === offset && last.length === length;
    switch (open.tag) {
      case 'b':
      case 'strong':
        entities.push({ type: 'bold', offset, length });
        break;
      case 'i':
      case 'em':
        entities.push({ type: 'italic', offset, length });
        break;
      case 'u':
      case 'ins':
        entities.push({ type: 'underline', offset, length });
        break;
      case 's':
      case 'strike':
      case 'del':
        entities.push({ type: 'strikethrough', offset, length });
        break;
      case 'tg-spoiler':
      case 'span':
        entities.push({ type: 'spoiler', offset, length });
        break;
      case 'tg-emoji':
        if (!/^[1-9]\d{0,18}$/.test(open.arg)) throw new EntityError('Invalid custom emoji identifier specified');
        entities.push({ type: 'custom_emoji', offset, length, custom_emoji_id: open.arg });
        break;
      case 'a': {
        const url = open.arg.length > 0 ? open.arg : bytesToString(out.slice(open.resultPos));
        if (url.length > 0) entities.push({ type: 'text_link', offset, length, url });
        break;
      }
      case 'pre':
        if (last && sameSpan && last.type === 'code' && last.language !== undefined) last.type = 'pre';
        else entities.push({ type: 'pre', offset, length });
        break;
      case 'code':
        if (last && sameSpan && last.type === 'pre' && open.arg.length > 0) last.language = open.arg;
        else entities.push(open.arg.length > 0 ? { type: 'code', offset, length, language: open.arg } : { type: 'code', offset, length });
        break;
      case 'blockquote':
        entities.push({ type: open.arg.length > 0 ? 'expandable_blockquote' : 'blockquote', offset, length });
        break;
      default:
        break;
    }
  }
  const unclosed = nested.at(-1);
  if (unclosed) throw new EntityError(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  for (const e of entities) if (e.type === 'code') delete e.language;
  if (surrogate) {
    throw new EntityError('Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units');
  }
  return { text: bytesToString(out), entities: sortEntities(entities) };
}

type MdType = 'bold' | 'italic' | 'underline' | 'strikethrough' | 'spoiler' | 'code' | 'pre' | 'pre_code' | 'text_link' | 'custom_emoji';
const MD_NAMES: Readonly<Record<MdType, string>> = {
  bold: 'Bold', italic: 'Italic', underline: 'Underline', strikethrough: 'Strikethrough', spoiler: 'Spoiler', code: 'Code',
  pre: 'Pre', pre_code: 'PreCode', text_link: 'TextUrl', custom_emoji: 'CustomEmoji',
};

/** Telegram's MarkdownV2 (TDLib's parse_markdown_v2; `>` quotes at line starts become blockquotes). */
export function parseTelegramMarkdownV2(input: string): FormattedText {
  const t = Buffer.from(input, 'utf8');
  const at = (i: number): number => t[i] ?? 0;
  const out: number[] = [];
  const entities: TgEntity[] = [];
  const nested: { type: MdType; arg: string; offset: number; byteOffset: number; resultPos: number }[] = [];
  let u16 = 0;
  let quoteStart = -1;
  const reservedError = (c: number): EntityError =>
    new EntityError(`Character '${String.fromCharCode(c)}' is reserved and must be escaped with the preceding '\\'`);

  for (let i = 0; i < t.length; i++) {
    const c = at(i);
    if (c === 0x5c /* \ */ && at(i + 1) > 0 && at(i + 1) <= 126) {
      i++;
      u16 += 1;
      out.push(at(i));
      continue;
    }
    const top = nested.at(-1);
    const inCode = top !== undefined && (top.type === 'code' || top.type === 'pre' || top.type === 'pre_code');
    const reserved = inCode ? '`' : '_*[]()~`>#+-=|{}.!';
    if (!reserved.includes(String.fromCharCode(c))) {
      if (c === 0x0a && quoteStart >= 0 && at(i + 1) !== 0x3e) {
        if (u16 > quoteStart) entities.push({ type: 'blockquote', offset: quoteStart, length: u16 - quoteStart });
        quoteStart = -1;
      }
      u16 += utf16Units(c);
      out.push(c);
      continue;
    }
    if (c === 0x3e /* > */ && (i === 0 || at(i - 1) === 0x0a)) {
      if (quoteStart < 0) quoteStart = u16;
      continue;
    }
    let isEnd = false;
    if (top) {
      switch (top.type) {
        case 'bold': isEnd = c === 0x2a; break;
        case 'italic': isEnd = c === 0x5f && at(i + 1) !== 0x5f; break;
        case 'code': isEnd = c === 0x60; break;
        case 'pre':
        case 'pre_code': isEnd = c === 0x60 && at(i + 1) === 0x60 && at(i + 2) === 0x60; break;
        case 'text_link':
        case 'custom_emoji': isEnd = c === 0x5d; break;
        case 'underline': isEnd = c === 0x5f && at(i + 1) === 0x5f; break;
        case 'strikethrough': isEnd = c === 0x7e; break;
        case 'spoiler': isEnd = c === 0x7c && at(i + 1) === 0x7c; break;
      }
    }
    if (!isEnd) {
      let type: MdType;
      let arg = '';
      const byteOffset = i;
      switch (c) {
        case 0x5f:
          if (at(i + 1) === 0x5f) {
            type = 'underline';
            i++;
          } else type = 'italic';
          break;
        case 0x2a: type = 'bold'; break;
        case 0x7e: type = 'strikethrough'; break;
        case 0x7c:
          if (at(i + 1) !== 0x7c) throw reservedError(c);
          i++;
          type = 'spoiler';
          break;
        case 0x5b: type = 'text_link'; break;
        case 0x60:
          if (at(i + 1) === 0x60 && at(i + 2) === 0x60) {
            i += 3;
            type = 'pre';
            let langEnd = i;
            while (at(langEnd) !== 0 && !isSpace(at(langEnd)) && at(langEnd) !== 0x60) langEnd++;
            if (i !== langEnd && langEnd < t.length && at(langEnd) !== 0x60) {
              type = 'pre_code';
              arg = t.subarray(i, langEnd).toString('utf8');
              i = langEnd;
            }
            if (at(i) === 0x0a || at(i) === 0x0d) {
              if ((at(i + 1) === 0x0a || at(i + 1) === 0x0d) && at(i) !== at(i + 1)) i += 2;
              else i++;
            }
            i--;
          } else type = 'code';
          break;
        case 0x21:
          if (at(i + 1) !== 0x5b) throw reservedError(c);
          i++;
          type = 'custom_emoji';
          break;
        default:
          throw reservedError(c);
      }
      nested.push({ type, arg, offset: u16, byteOffset, resultPos: out.length });
      continue;
    }
    const open = nested.pop();
    if (!open) continue;
    const offset = open.offset;
    const length = u16 - offset;
    let url = '';
    switch (open.type) {
      case 'underline':
      case 'spoiler':
        i++;
        break;
      case 'pre':
      case 'pre_code':
        i += 2;
        break;
      case 'text_link':
      case 'custom_emoji':
        if (at(i + 1) !== 0x28 /* ( */) {
          url = bytesToString(out.slice(open.resultPos));
        } else {
          i += 2;
          const urlBegin = i;
          const u: number[] = [];
          while (i < t.length && at(i) !== 0x29) {
            if (at(i) === 0x5c && at(i + 1) > 0 && at(i + 1) <= 126) {
              u.push(at(i + 1));
              i += 2;
              continue;
            }
            u.push(at(i++));
          }
          if (at(i) !== 0x29) throw new EntityError(`Can't find end of a URL at byte offset ${urlBegin}`);
          url = bytesToString(u);
        }
        break;
      default:
        break;
    }
    if (length <= 0) continue;
    switch (open.type) {
      case 'pre_code': entities.push({ type: 'pre', offset, length, language: open.arg }); break;
      case 'text_link': if (url.length > 0) entities.push({ type: 'text_link', offset, length, url }); break;
      case 'custom_emoji': {
        const m = /^tg:\/\/emoji\?id=(\d+)$/.exec(url);
        if (!m) throw new EntityError('Custom emoji URL must have an emoji identifier');
        entities.push({ type: 'custom_emoji', offset, length, custom_emoji_id: m[1] ?? '' });
        break;
      }
      default: entities.push({ type: open.type, offset, length });
    }
  }
  const unclosed = nested.at(-1);
  if (unclosed) throw new EntityError(`Can't find end of ${MD_NAMES[unclosed.type]} entity at byte offset ${unclosed.byteOffset}`);
  if (quoteStart >= 0 && u16 > quoteStart) entities.push({ type: 'blockquote', offset: quoteStart, length: u16 - quoteStart });
  return { text: bytesToString(out), entities: sortEntities(entities) };
}

/** Telegram's legacy Markdown (TDLib's parse_markdown). */
export function parseTelegramMarkdown(input: string): FormattedText {
  const t = Buffer.from(input, 'utf8');
  const at = (i: number): number => t[i] ?? 0;
  const out: number[] = [];
  const entities: TgEntity[] = [];
  let u16 = 0;
  for (let i = 0; i < t.length; i++) {
    const c = at(i);
    if (c === 0x5c && [0x5f, 0x2a, 0x60, 0x5b].includes(at(i + 1))) {
      i++;
      out.push(at(i));
      u16++;
      continue;
    }
    if (c !== 0x5f && c !== 0x2a && c !== 0x60 && c !== 0x5b) {
      u16 += utf16Units(c);
      out.push(c);
      continue;
    }
    const begin = i;
    const endChar = c === 0x5b ? 0x5d : c;
    let isPre = false;
    let language = '';
    i++;
    if (c === 0x60 && at(i) === 0x60 && at(i + 1) === 0x60) {
      i += 2;
      isPre = true;
      let langEnd = i;
      while (at(langEnd) !== 0 && !isSpace(at(langEnd)) && at(langEnd) !== 0x60) langEnd++;
      if (i !== langEnd && langEnd < t.length && at(langEnd) !== 0x60) {
        language = t.subarray(i, langEnd).toString('utf8');
        i = langEnd;
      }
      if (at(i) === 0x0a || at(i) === 0x0d) {
        if ((at(i + 1) === 0x0a || at(i + 1) === 0x0d) && at(i) !== at(i + 1)) i += 2;
        else i++;
      }
    }
    const entityOffset = u16;
    const resultPos = out.length;
    while (i < t.length && (at(i) !== endChar || (isPre && !(at(i + 1) === 0x60 && at(i + 2) === 0x60)))) {
      u16 += utf16Units(at(i));
      out.push(at(i++));
    }
    if (i >= t.length) throw new EntityError(`Can't find end of the entity starting at byte offset ${begin}`);
    if (entityOffset !== u16) {
      const length = u16 - entityOffset;
      if (c === 0x5f) entities.push({ type: 'italic', offset: entityOffset, length });
      else if (c === 0x2a) entities.push({ type: 'bold', offset: entityOffset, length });
      else if (c === 0x5b) {
        let url: string;
        if (at(i + 1) !== 0x28) url = bytesToString(out.slice(resultPos));
        else {
          i += 2;
          const urlBegin = i;
          while (i < t.length && at(i) !== 0x29) i++;
          if (i >= t.length) throw new EntityError(`Can't find end of a URL at byte offset ${urlBegin}`);
          url = t.subarray(urlBegin, i).toString('utf8');
        }
        if (url.length > 0) entities.push({ type: 'text_link', offset: entityOffset, length, url });
      } else if (isPre) {
        entities.push(language ? { type: 'pre', offset: entityOffset, length, language } : { type: 'pre', offset: entityOffset, length });
      } else entities.push({ type: 'code', offset: entityOffset, length });
    } else if (c === 0x5b && at(i + 1) === 0x28) {
      while (i < t.length && at(i) !== 0x29) i++;
    }
    if (isPre) i += 2;
  }
  return { text: bytesToString(out), entities: sortEntities(entities) };
}

function sortEntities(entities: TgEntity[]): TgEntity[] {
  return entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
}

/** Telegram trims leading/trailing whitespace that no entity covers; entities shift accordingly. */
function trimFormatted(f: FormattedText): FormattedText {
  const ws = /[\t\n\v\f\r ]/;
  const firstEntity = f.entities.reduce((m, e) => Math.min(m, e.offset), Infinity);
  const lastEntityEnd = f.entities.reduce((m, e) => Math.max(m, e.offset + e.length), -Infinity);
  let start = 0;
  while (start < f.text.length && start < firstEntity && ws.test(f.text[start] ?? '')) start++;
  let end = f.text.length;
  while (end > start && end > lastEntityEnd && ws.test(f.text[end - 1] ?? '')) end--;
  if (start === 0 && end === f.text.length) return f;
  const entities = f.entities
    .map((e) => ({ ...e, offset: e.offset - start, length: Math.min(e.length, end - e.offset) }))
    .filter((e) => e.length > 0 && e.offset >= 0);
  return { text: f.text.slice(start, end), entities };
}

// ---------------------------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------------------------

const INT_FIELDS = new Set([
  'chat_id', 'from_chat_id', 'message_id', 'offset', 'limit', 'timeout', 'user_id', 'message_thread_id',
  'reply_to_message_id', 'cache_time', 'max_connections', 'duration', 'width', 'height',
]);
const BOOL_FIELDS = new Set([
  'disable_notification', 'protect_content', 'show_alert', 'drop_pending_updates', 'allow_sending_without_reply',
  'disable_web_page_preview', 'has_spoiler', 'disable_content_type_detection', 'allow_paid_broadcast', 'show_caption_above_media',
]);
const JSON_FIELDS = new Set([
  'reply_markup', 'reply_parameters', 'allowed_updates', 'commands', 'scope', 'entities', 'caption_entities',
  'link_preview_options', 'media', 'message_ids',
]);

type Params = Record<string, unknown>;

/** Converts form/query strings the way Telegram reads each field; JSON bodies keep their types. */
function normalizeField(key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (INT_FIELDS.has(key) && /^\s*-?\d+\s*$/.test(value)) return Number(value);
  if (BOOL_FIELDS.has(key) && /^(true|false|1|0)$/i.test(value)) return /^(true|1)$/i.test(value);
  if (JSON_FIELDS.has(key)) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

function optInt(p: Params, key: string): number | undefined {
  const v = p[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw bad(`field "${key}" must be of type Integer`);
}

function optBool(p: Params, key: string): boolean {
  const v = p[key];
  return v === true || v === 1 || (typeof v === 'string' && /^(true|1)$/i.test(v));
}

function optStr(p: Params, key: string): string | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw bad(`field "${key}" must be of type String`);
}

function optJson(p: Params, key: string, what: string): unknown {
  const v = p[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    throw bad(`can't parse ${what} JSON object`);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

const BUTTON_ACTIONS = [
  'url', 'callback_data', 'web_app', 'login_url', 'switch_inline_query', 'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat', 'copy_text', 'callback_game', 'pay',
] as const;

function validUrl(u: string): boolean {
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(u) ? u : `http://${u}`;
  try {
    const url = new URL(withScheme);
    if (url.protocol === 'tg:') return true;
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0 && !/\s/.test(u);
  } catch {
    return false;
  }
}

/** Validates a reply_markup like Telegram; an inline keyboard comes back normalized (only the known fields). */
function parseReplyMarkup(raw: unknown): { inline?: TgInlineKeyboardMarkup; other?: unknown } {
  if (raw === undefined || raw === null || raw === '') return {};
  let v: unknown = raw;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v) as unknown;
    } catch {
      throw bad("can't parse reply keyboard markup JSON object");
    }
  }
  if (!isRecord(v)) throw bad("can't parse reply keyboard markup JSON object");
  if (v.inline_keyboard === undefined) {
    if (v.keyboard === undefined && v.remove_keyboard === undefined && v.force_reply === undefined) {
      throw bad("can't parse reply keyboard markup JSON object");
    }
    if (v.keyboard !== undefined && (!Array.isArray(v.keyboard) || !v.keyboard.every(Array.isArray))) {
      throw bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays');
    }
    return { other: v };
  }
  const rows = v.inline_keyboard;
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
    throw bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
  }
  const keyboard: TgInlineButton[][] = [];
  for (const row of rows as unknown[][]) {
    const out: TgInlineButton[] = [];
    for (const b of row) {
      if (!isRecord(b)) throw bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
      if (b.text === undefined) throw bad('can\'t parse inline keyboard button: Can\'t find field "text"');
      if (typeof b.text !== 'string') throw bad('can\'t parse inline keyboard button: Field "text" must be of type String');
      for (const f of ['url', 'callback_data', 'switch_inline_query', 'switch_inline_query_current_chat', 'copy_text'] as const) {
        if (b[f] !== undefined && f !== 'copy_text' && typeof b[f] !== 'string') {
          throw bad(`can't parse inline keyboard button: Field "${f}" must be of type String`);
        }
      }
      const actions = BUTTON_ACTIONS.filter((a) => b[a] !== undefined);
      if (actions.length === 0) throw bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
      if (b.text.trim().length === 0) throw bad('BUTTON_TEXT_INVALID');
      if (typeof b.callback_data === 'string') {
        const n = utf8Length(b.callback_data);
        if (n < 1 || n > 64) throw bad('BUTTON_DATA_INVALID');
      }
      if (typeof b.url === 'string' && !validUrl(b.url)) throw bad('BUTTON_URL_INVALID');
      const norm: TgInlineButton = { text: b.text };
      for (const a of actions) (norm as Record<string, unknown>)[a] = b[a];
      out.push(norm);
    }
    if (out.length > 0) keyboard.push(out);
  }
  if (keyboard.flat().length > 100) throw bad('reply markup is too long');
  return keyboard.length > 0 ? { inline: { inline_keyboard: keyboard } } : {};
}

// ---------------------------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------------------------

/** Width and height of a PNG/JPEG/GIF/BMP/WebP, or undefined when the bytes are no image Telegram could process. */
function imageSize(b: Buffer): { width: number; height: number } | undefined {
  if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a) {
    return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return { width: 512, height: 512 };
      const marker = b[i + 1] ?? 0;
      const len = b.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
      }
      i += 2 + len;
    }
    return { width: 512, height: 512 };
  }
  if (b.length >= 10 && b.toString('latin1', 0, 4) === 'GIF8') return { width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
  if (b.length >= 26 && b.toString('latin1', 0, 2) === 'BM') return { width: b.readInt32LE(18), height: Math.abs(b.readInt32LE(22)) };
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return { width: 512, height: 512 };
  return undefined;
}

const MIME_BY_EXT: Readonly<Record<string, string>> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', pdf: 'application/pdf',
  csv: 'text/csv', txt: 'text/plain', json: 'application/json', html: 'text/html', zip: 'application/zip',
};

interface StoredFile {
  readonly kind: 'photo' | 'document';
  readonly fileId: string;
  readonly uniqueId: string;
  readonly size: number;
  readonly width: number;
  readonly height: number;
  readonly fileName: string | undefined;
  readonly mimeType: string | undefined;
  readonly upload: UploadedFile | undefined;
  readonly url: string | undefined;
  readonly sizes: TgPhotoSize[];
}

// ---------------------------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------------------------

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type WithoutSeq<T> = T extends unknown ? Omit<T, 'seq'> : never;
type MutableSent = Mutable<SentMessage> & { versions: MessageVersion[]; entities: TgEntity[] };

type Stored =
  | { readonly from: 'bot'; readonly sent: MutableSent }
  | { readonly from: 'user'; readonly message: TgMessage; deleted: boolean };

interface ChatState {
  chat: TgChat;
  nextMessageId: number;
  readonly messages: Map<number, Stored>;
  readonly instance: string;
  forbidden: string | undefined;
}

interface PendingQuery {
  readonly query: TgCallbackQuery;
  readonly createdAt: number;
  answered: boolean;
}

interface Poll {
  readonly limit: number;
  readonly timer: NodeJS.Timeout;
  readonly resolve: (updates: TgUpdate[]) => void;
  readonly reject: (e: TgError) => void;
  readonly socket: Socket;
  done: boolean;
}

interface RequestContext {
  readonly socket: Socket;
  /** Registers a callback for the client going away before the answer. */
  onAbort(cb: () => void): void;
}

type Handler = (p: Params, ctx: RequestContext) => unknown;

const DEFAULT_ALLOWED = ['message', 'edited_message', 'channel_post', 'edited_channel_post', 'business_connection',
  'business_message', 'edited_business_message', 'deleted_business_messages', 'inline_query', 'chosen_inline_result',
  'callback_query', 'shipping_query', 'pre_checkout_query', 'purchased_paid_media', 'poll', 'poll_answer', 'my_chat_member',
  'chat_join_request', 'chat_boost', 'removed_chat_boost'];

const CHAT_ACTIONS = new Set(['typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice',
  'upload_document', 'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note']);

/** Real Bot API methods the fake does not model: answered 501 so a test says what is missing instead of a bare 404. */
const UNMODELLED = ['logOut', 'close', 'forwardMessage', 'forwardMessages', 'copyMessage', 'copyMessages', 'sendAudio',
  'sendVideo', 'sendAnimation', 'sendVoice', 'sendVideoNote', 'sendPaidMedia', 'sendMediaGroup', 'sendLocation', 'sendVenue',
  'sendContact', 'sendPoll', 'sendDice', 'sendSticker', 'setMessageReaction', 'getUserProfilePhotos', 'getFile', 'banChatMember',
  'unbanChatMember', 'restrictChatMember', 'promoteChatMember', 'pinChatMessage', 'unpinChatMessage', 'unpinAllChatMessages',
  'leaveChat', 'getChatAdministrators', 'getChatMemberCount', 'getChatMember', 'setMyName', 'getMyName', 'setMyDescription',
  'getMyDescription', 'setMyShortDescription', 'getMyShortDescription', 'setChatMenuButton', 'getChatMenuButton',
  'setMyDefaultAdministratorRights', 'getMyDefaultAdministratorRights', 'editMessageMedia', 'editMessageLiveLocation',
  'stopMessageLiveLocation', 'stopPoll', 'answerInlineQuery', 'exportChatInviteLink', 'createChatInviteLink', 'setChatTitle',
  'setChatDescription', 'setChatPhoto', 'deleteChatPhoto', 'getBusinessConnection', 'getStarTransactions', 'sendInvoice'];

export class FakeTelegramBotApi {
  readonly token: string;
  readonly botId: number;
  readonly botUser: TgUser;
  private readonly strictHtml: boolean;
  private readonly privacyMode: boolean;
  private server: Server | undefined;
  private baseUrl = '';
  private outage = false;
  private skewMs = 0;

  private readonly users = new Map<number, TgUser>();
  private readonly chats = new Map<number, ChatState>();
  private readonly queue: TgUpdate[] = [];
  private readonly droppedUpdates: TgUpdate[] = [];
  private nextUpdateId: number;
  private allowedUpdates: readonly string[] = DEFAULT_ALLOWED;
  private poll: Poll | undefined;
  private flushScheduled = false;
  private webhook: { url: string; allowedUpdates?: readonly string[]; maxConnections?: number; secretToken?: string } | undefined;
  private readonly commandSets = new Map<string, BotCommand[]>();
  private readonly queries = new Map<string, PendingQuery>();
  private nextQueryId = 1;
  private readonly files = new Map<string, StoredFile>();
  private nextFileNo = 1;

  private readonly callLog: ApiCall[] = [];
  private readonly sentLog: MutableSent[] = [];
  private readonly answers: CallbackAnswer[] = [];
  private readonly events: FakeEvent[] = [];
  private readonly listeners = new Set<(e: FakeEvent) => void>();
  private readonly faults = new Map<string, Fault[]>();
  private readonly handlers: ReadonlyMap<string, { name: string; fn: Handler }>;

  constructor(options: FakeTelegramOptions = {}) {
    this.token = options.token ?? DEFAULT_TOKEN;
    const m = /^(\d+):[\w-]+$/.exec(this.token);
    if (!m) throw new Error(`FakeTelegramBotApi: token must look like "<bot id>:<secret>", got "${this.token}"`);
    this.botId = Number(m[1]);
    this.botUser = {
      id: this.botId,
      is_bot: true,
      first_name: options.firstName ?? 'Vigil',
      username: options.username ?? 'VigilTestBot',
      can_join_groups: true,
      can_read_all_group_messages: options.privacyMode === false,
      supports_inline_queries: false,
    };
    this.strictHtml = options.strictHtml ?? true;
    this.privacyMode = options.privacyMode ?? true;
    this.nextUpdateId = options.firstUpdateId ?? 100_000_001;
    for (const c of options.chats ?? []) this.addChat(c);

    const table: [string, Handler][] = [
      ['getMe', () => ({ ...this.botUser, can_connect_to_business: false, has_main_web_app: false })],
      ['getUpdates', (p, ctx) => this.getUpdates(p, ctx)],
      ['setWebhook', (p) => this.setWebhook(p)],
      ['deleteWebhook', (p) => this.deleteWebhook(p)],
      ['getWebhookInfo', () => this.getWebhookInfo()],
      ['setMyCommands', (p) => this.setMyCommands(p)],
      ['getMyCommands', (p) => (this.commandSets.get(this.scopeKey(p)) ?? []).map((c) => ({ ...c }))],
      ['deleteMyCommands', (p) => {
        this.commandSets.delete(this.scopeKey(p));
        return true;
      }],
      ['sendMessage', (p) => this.sendMessage(p)],
      ['sendPhoto', (p) => this.sendMedia(p, 'photo')],
      ['sendDocument', (p) => this.sendMedia(p, 'document')],
      ['editMessageText', (p) => this.editMessageText(p)],
      ['editMessageCaption', (p) => this.editMessageCaption(p)],
      ['editMessageReplyMarkup', (p) => this.editMessageReplyMarkup(p)],
      ['deleteMessage', (p) => this.deleteMessage(p)],
      ['deleteMessages', (p) => this.deleteMessages(p)],
      ['answerCallbackQuery', (p) => this.answerCallbackQuery(p)],
      ['sendChatAction', (p) => this.sendChatAction(p)],
      ['getChat', (p) => this.getChat(p)],
    ];
    const handlers = new Map<string, { name: string; fn: Handler }>();
    for (const [name, fn] of table) handlers.set(name.toLowerCase(), { name, fn });
    for (const name of UNMODELLED) {
      handlers.set(name.toLowerCase(), {
        name,
        fn: () => {
          throw new TgError(501, `Not Implemented: the fake Bot API does not model ${name}`);
        },
      });
    }
    this.handlers = handlers;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Lifecycle
  // -------------------------------------------------------------------------------------------------------------

  /** The API root to give grammY (`client.apiRoot`). */
  get url(): string {
    if (!this.server) throw new Error('FakeTelegramBotApi: not started');
    return this.baseUrl;
  }

  async start(): Promise<{ url: string }> {
    if (this.server) return { url: this.baseUrl };
    const server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent && !res.destroyed) this.reply(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(e)}` });
      });
    });
    server.keepAliveTimeout = 60_000;
    server.on('connection', (socket) => {
      if (this.outage) socket.resetAndDestroy();
    });
    server.on('clientError', (_e, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url: this.baseUrl };
  }

  /** Closes the server and every connection, pending long polls included. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    if (this.poll) {
      clearTimeout(this.poll.timer);
      this.poll.done = true;
      this.poll = undefined;
    }
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Faults and time
  // -------------------------------------------------------------------------------------------------------------

  /** The next call(s) of `method` (case-insensitive; '*' for any method) get `fault` instead of a normal answer. */
  failNext(method: string, fault: Fault, options: { count?: number } = {}): void {
    const key = method.toLowerCase();
    const list = this.faults.get(key) ?? [];
    const count = options.count ?? fault.count ?? 1;
    for (let i = 0; i < count; i++) list.push(fault);
    this.faults.set(key, list);
  }

  /** Faults still queued. */
  pendingFaults(method?: string): number {
    if (method !== undefined) return this.faults.get(method.toLowerCase())?.length ?? 0;
    return [...this.faults.values()].reduce((n, l) => n + l.length, 0);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** While on, every connection is reset (ECONNRESET), pending long polls included. */
  setOutage(on: boolean): void {
    this.outage = on;
    if (on && this.poll) {
      const p = this.poll;
      clearTimeout(p.timer);
      p.done = true;
      this.poll = undefined;
      p.socket.resetAndDestroy();
    }
    if (on) this.server?.closeIdleConnections();
  }

  /** The fake clock (epoch ms): real time plus whatever `advanceTime` added. Dates and callback expiry use it. */
  now(): number {
    return Date.now() + this.skewMs;
  }

  advanceTime(ms: number): void {
    this.skewMs += ms;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Acting as users
  // -------------------------------------------------------------------------------------------------------------

  /** Makes a chat known (the bot may then write to it). */
  addChat(seed: ChatSeed): TgChat {
    const type = seed.type ?? (seed.id > 0 ? 'private' : seed.id <= -1_000_000_000_000 ? 'supergroup' : 'group');
    const chat: TgChat = { id: seed.id, type };
    if (type === 'private') {
      chat.first_name = seed.firstName ?? this.users.get(seed.id)?.first_name ?? `User${seed.id}`;
      if (seed.lastName !== undefined) chat.last_name = seed.lastName;
    } else chat.title = seed.title ?? `Group ${seed.id}`;
    if (seed.username !== undefined) chat.username = seed.username;
    const existing = this.chats.get(seed.id);
    if (existing) {
      existing.chat = { ...existing.chat, ...chat };
      return existing.chat;
    }
    this.chats.set(seed.id, {
      chat,
      nextMessageId: 1,
      messages: new Map(),
      instance: String(BigInt.asIntN(64, BigInt(seed.id) * 2654435761n + BigInt(this.botId))),
      forbidden: undefined,
    });
    return chat;
  }

  /** The user blocks (or unblocks) the bot: sends to the private chat get 403 "Forbidden: bot was blocked by the user". */
  userBlocksBot(userId: number, blocked = true): void {
    const chat = this.chats.get(userId) ?? this.chats.get(this.addChat({ id: userId }).id);
    if (chat) chat.forbidden = blocked ? 'Forbidden: bot was blocked by the user' : undefined;
  }

  /** The bot is removed from a group: sends get 403 "Forbidden: bot was kicked from the group chat". */
  botRemovedFrom(chatId: number, removed = true): void {
    const chat = this.chats.get(chatId);
    if (!chat) throw new Error(`FakeTelegramBotApi: unknown chat ${chatId}`);
    chat.forbidden = removed ? `Forbidden: bot was kicked from the ${chat.chat.type === 'supergroup' ? 'supergroup' : 'group'} chat` : undefined;
  }

  /** A user sends a message; returns the update (queued unless privacy mode or allowed_updates hide it from the bot). */
  userSends(text: string, options: UserSendsOptions): TgUpdate {
    const from = this.touchUser(options);
    const chatId = options.chatId ?? options.userId;
    const chat = this.touchChat(chatId, options);
    if (chat.chat.type === 'private') chat.forbidden = undefined;
    const message: TgMessage = { message_id: chat.nextMessageId++, from: { ...from }, chat: { ...chat.chat }, date: this.unixNow(), text };
    if (options.messageThreadId !== undefined) message.message_thread_id = options.messageThreadId;
    const cmd = /^\/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,32})?/.exec(text);
    if (cmd) message.entities = [{ type: 'bot_command', offset: 0, length: cmd[0].length }];
    let repliesToBot = false;
    if (options.replyToMessageId !== undefined) {
      const target = chat.messages.get(options.replyToMessageId);
      if (!target) throw new Error(`FakeTelegramBotApi.userSends: no message ${options.replyToMessageId} in chat ${chatId}`);
      message.reply_to_message = this.shallow(target.from === 'bot' ? target.sent.message : target.message);
      repliesToBot = target.from === 'bot';
    }
    chat.messages.set(message.message_id, { from: 'user', message, deleted: false });
    const update: TgUpdate = { update_id: 0, message };
    const visible = chat.chat.type === 'private' || !this.privacyMode || repliesToBot || this.addressedToBot(text, cmd?.[0]);
    if (visible) return this.enqueue(update);
    return update;
  }

  /** A user presses an inline button of a bot message; returns the callback_query update. */
  userPresses(messageId: number, data: string, options: UserPressesOptions): TgUpdate {
    const chatId = options.chatId ?? options.userId;
    const chat = this.chats.get(chatId);
    const stored = chat?.messages.get(messageId);
    if (!chat || !stored || stored.from !== 'bot' || stored.sent.deleted) {
      throw new Error(`FakeTelegramBotApi.userPresses: the bot has no message ${messageId} in chat ${chatId}`);
    }
    const buttons = stored.sent.replyMarkup?.inline_keyboard.flat() ?? [];
    if (!options.anyData && !buttons.some((b) => b.callback_data === data)) {
      const have = buttons.map((b) => JSON.stringify(b.callback_data ?? b.url ?? b.text)).join(', ') || 'no inline keyboard';
      throw new Error(`FakeTelegramBotApi.userPresses: message ${messageId} in chat ${chatId} has no button with callback_data ${JSON.stringify(data)} (it has ${have})`);
    }
    const from = this.touchUser(options);
    const id = `${this.botId}${String(this.nextQueryId++).padStart(9, '0')}`;
    const query: TgCallbackQuery = { id, from: { ...from }, message: structuredClone(stored.sent.message), chat_instance: chat.instance, data };
    this.queries.set(id, { query, createdAt: this.now(), answered: false });
    return this.enqueue({ update_id: 0, callback_query: query });
  }

  /** Queues any update (edited_message, my_chat_member …); the update_id is assigned here. */
  pushUpdate(update: Omit<TgUpdate, 'update_id'>): TgUpdate {
    return this.enqueue({ ...update, update_id: 0 });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Reading what happened
  // -------------------------------------------------------------------------------------------------------------

  /** The bot's messages in the order sent (in one chat, or all), deleted ones included (`deleted: true`). */
  sent(chatId?: number): readonly SentMessage[] {
    return chatId === undefined ? [...this.sentLog] : this.sentLog.filter((m) => m.chatId === chatId);
  }

  /** A bot message. */
  message(chatId: number, messageId: number): SentMessage | undefined {
    const s = this.chats.get(chatId)?.messages.get(messageId);
    return s?.from === 'bot' ? s.sent : undefined;
  }

  /** Messages users sent (in one chat, or all). */
  userMessages(chatId?: number): TgMessage[] {
    const out: TgMessage[] = [];
    for (const [id, c] of this.chats) {
      if (chatId !== undefined && id !== chatId) continue;
      for (const s of c.messages.values()) if (s.from === 'user') out.push(s.message);
    }
    return out;
  }

  callbackAnswers(): readonly CallbackAnswer[] {
    return [...this.answers];
  }

  /** Every API call (case-insensitive method filter), in arrival order, pending long polls included. */
  calls(method?: string): readonly ApiCall[] {
    if (method === undefined) return [...this.callLog];
    const m = method.toLowerCase();
    return this.callLog.filter((c) => c.method.toLowerCase() === m);
  }

  /** Updates queued and not yet confirmed by an offset. */
  pendingUpdates(): readonly TgUpdate[] {
    return [...this.queue];
  }

  /** Updates that were not queued because allowed_updates excluded their type. */
  filteredUpdates(): readonly TgUpdate[] {
    return [...this.droppedUpdates];
  }

  /** The commands set for a scope (default scope when omitted) and language. */
  commands(scope: Readonly<Record<string, unknown>> = { type: 'default' }, languageCode = ''): BotCommand[] {
    return (this.commandSets.get(this.scopeKey({ scope, language_code: languageCode })) ?? []).map((c) => ({ ...c }));
  }

  webhookInfo(): { url: string } | undefined {
    return this.webhook ? { ...this.webhook } : undefined;
  }

  /** The sequence number the next event will get: pass it as `since` to wait only for what happens after now. */
  mark(): number {
    return this.events.length;
  }

  /**
   * Resolves with the first recorded event (from `since` on, already recorded ones included) that satisfies the
   * predicate; rejects after `timeoutMs` with what was received.
   */
  waitFor(predicate: (e: FakeEvent) => boolean, timeoutMs = 5000, options: { since?: number } = {}): Promise<FakeEvent> {
    const since = options.since ?? 0;
    try {
      for (const e of this.events.slice(since)) if (predicate(e)) return Promise.resolve(e);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return new Promise<FakeEvent>((resolve, reject) => {
      const listener = (e: FakeEvent): void => {
        let ok: boolean;
        try {
          ok = predicate(e);
        } catch (err) {
          done();
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        if (ok) {
          done();
          resolve(e);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`FakeTelegramBotApi.waitFor: nothing matched within ${timeoutMs} ms.\n${this.describe()}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
    });
  }

  /** Waits for a bot message (sent or edited) satisfying the predicate; resolves with the (live) message. */
  async waitForMessage(predicate: (m: SentMessage) => boolean = () => true, timeoutMs = 5000, options: { since?: number } = {}): Promise<SentMessage> {
    const e = await this.waitFor((x) => x.kind === 'message' && x.change !== 'deleted' && predicate(x.message), timeoutMs, options);
    if (e.kind !== 'message') throw new Error('unreachable');
    return e.message;
  }

  /** Waits for an answered call of `method` satisfying the predicate. */
  async waitForCall(method: string, predicate: (c: ApiCall) => boolean = () => true, timeoutMs = 5000, options: { since?: number } = {}): Promise<ApiCall> {
    const m = method.toLowerCase();
    const e = await this.waitFor((x) => x.kind === 'call' && x.call.method.toLowerCase() === m && predicate(x.call), timeoutMs, options);
    if (e.kind !== 'call') throw new Error('unreachable');
    return e.call;
  }

  /** A readable summary of the calls and messages so far (used in waitFor's timeout error). */
  describe(): string {
    const clip = (s: string, n = 80): string => {
      const one = s.replace(/\s+/g, ' ');
      return one.length > n ? `${one.slice(0, n)}…` : one;
    };
    const calls = this.callLog.map((c) => {
      const p = Object.entries(c.params)
        .map(([k, v]) => `${k}=${clip(typeof v === 'string' ? JSON.stringify(v) : isRecord(v) && 'bytes' in v ? `<file ${String(v.size)} B>` : JSON.stringify(v) ?? String(v), 50)}`)
        .join(' ');
      const r = c.response as { ok?: boolean; description?: string } | undefined;
      const outcome = c.status === undefined ? 'pending' : c.status === 0 ? (c.aborted ? 'aborted by client' : 'dropped') : `${c.status}${r?.ok === false ? ` ${r.description ?? ''}` : ''}`;
      return `  #${c.seq} ${c.method}(${p}) → ${outcome}`;
    });
    const msgs = this.sentLog.map((m) => {
      const flags = [m.kind !== 'text' ? m.kind : '', m.versions.length > 1 ? `edited ${m.versions.length - 1}×` : '', m.deleted ? 'deleted' : '', m.replyMarkup ? `${m.replyMarkup.inline_keyboard.flat().length} buttons` : '']
        .filter(Boolean).join(', ');
      return `  chat ${m.chatId} #${m.messageId}: ${JSON.stringify(clip(m.text))}${flags ? ` (${flags})` : ''}`;
    });
    const tail = (lines: string[]): string[] => (lines.length > 40 ? [`  … ${lines.length - 40} earlier`, ...lines.slice(-40)] : lines);
    return [`Calls (${calls.length}):`, ...tail(calls), `Bot messages (${msgs.length}):`, ...tail(msgs),
      `Callback answers: ${this.answers.length}; updates pending: ${this.queue.length}`].join('\n');
  }

  // -------------------------------------------------------------------------------------------------------------
  // HTTP
  // -------------------------------------------------------------------------------------------------------------

  private reply(res: ServerResponse, status: number, body: unknown): void {
    if (res.destroyed || res.writableEnded) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.outage) {
      req.socket.resetAndDestroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = await readBody(req);
    if (this.outage) {
      req.socket.resetAndDestroy();
      return;
    }
    const route = /^\/bot([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (!route) {
      this.reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    const token = decodeURIComponent(route[1] ?? '');
    const methodName = decodeURIComponent(route[2] ?? '');
    if (token !== this.token) {
      this.reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      return;
    }

    let params: Params;
    let encoding: Encoding;
    let parseError: TgError | undefined;
    try {
      ({ params, encoding } = await decodeParams(url, req.headers['content-type'], body));
    } catch (e) {
      params = {};
      encoding = 'none';
      parseError = e instanceof TgError ? e : bad(String(e));
    }
    const call: ApiCall = { seq: this.callLog.length + 1, method: methodName, params, at: this.now(), httpMethod: req.method ?? 'GET', encoding };
    this.callLog.push(call);

    let aborted = false;
    const abortCallbacks: (() => void)[] = [];
    res.on('close', () => {
      if (res.writableFinished) return;
      aborted = true;
      for (const cb of abortCallbacks) cb();
    });
    const finish = (status: number, response: unknown, fault?: ApiCall['fault']): void => {
      if (call.status !== undefined) return;
      call.status = aborted ? 0 : status;
      if (!aborted && status !== 0) call.response = response;
      if (aborted) call.aborted = true;
      if (fault) call.fault = fault;
      call.finishedAt = this.now();
      if (!aborted && status !== 0) this.reply(res, status, response);
      this.emit({ kind: 'call', call });
    };
    const handler = this.handlers.get(methodName.toLowerCase());
    if (!handler) {
      finish(404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }

    const fault = this.takeFault(methodName);
    if (fault?.delayMs !== undefined) {
      await new Promise((r) => setTimeout(r, fault.delayMs));
      if (aborted || !this.server) return finish(0, undefined, 'delay');
    }
    if (fault?.drop && !fault.afterEffect) {
      call.fault = 'drop';
      req.socket.destroy();
      finish(0, undefined, 'drop');
      return;
    }
    if (fault?.status !== undefined) {
      const f = faultAnswer(fault);
      finish(fault.status, f, 'status');
      return;
    }

    const ctx: RequestContext = { socket: req.socket, onAbort: (cb) => abortCallbacks.push(cb) };
    try {
      if (parseError) throw parseError;
      const result = await handler.fn(params, ctx);
      if (fault?.drop) {
        req.socket.destroy();
        finish(0, undefined, 'drop');
        return;
      }
      finish(200, result instanceof Described ? { ok: true, result: result.result, description: result.description } : { ok: true, result }, fault ? 'delay' : undefined);
    } catch (e) {
      const err = e instanceof TgError ? e : new TgError(500, `Internal Server Error: ${e instanceof Error ? e.message : String(e)}`);
      finish(err.status, { ok: false, error_code: err.status, description: err.description, ...(err.parameters ? { parameters: err.parameters } : {}) }, fault ? 'delay' : undefined);
    }
  }

  private takeFault(method: string): Fault | undefined {
    for (const key of [method.toLowerCase(), '*']) {
      const list = this.faults.get(key);
      if (list && list.length > 0) return list.shift();
    }
    return undefined;
  }

  private emit(e: WithoutSeq<FakeEvent>): void {
    const event = { ...e, seq: this.events.length } as FakeEvent;
    this.events.push(event);
    for (const l of [...this.listeners]) l(event);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Updates
  // -------------------------------------------------------------------------------------------------------------

  private enqueue(update: TgUpdate): TgUpdate {
    update.update_id = this.nextUpdateId++;
    const kind = Object.keys(update).find((k) => k !== 'update_id') ?? '';
    if (!this.allowedUpdates.includes(kind)) {
      this.droppedUpdates.push(update);
      return update;
    }
    this.queue.push(update);
    this.scheduleFlush();
    return update;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || !this.poll) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const p = this.poll;
      if (!p || this.queue.length === 0) return;
      this.poll = undefined;
      clearTimeout(p.timer);
      p.done = true;
      p.resolve(this.queue.slice(0, p.limit).map((u) => structuredClone(u)));
    });
  }

  private getUpdates(p: Params, ctx: RequestContext): TgUpdate[] | Promise<TgUpdate[]> {
    if (this.webhook) throw new TgError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    const offset = optInt(p, 'offset') ?? 0;
    const limit = Math.min(100, Math.max(1, optInt(p, 'limit') ?? 100));
    const timeout = Math.min(50, Math.max(0, optInt(p, 'timeout') ?? 0));
    const allowed = optJson(p, 'allowed_updates', 'allowed_updates');
    if (allowed !== undefined) {
      if (!Array.isArray(allowed)) throw bad("can't parse allowed_updates JSON object");
      this.allowedUpdates = allowed.length === 0 ? DEFAULT_ALLOWED : allowed.map(String);
    }
    const previous = this.poll;
    if (previous) {
      this.poll = undefined;
      clearTimeout(previous.timer);
      previous.done = true;
      previous.reject(new TgError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
    }
    if (offset > 0) {
      while (this.queue.length > 0 && (this.queue[0]?.update_id ?? Infinity) < offset) this.queue.shift();
    } else if (offset < 0) {
      const keep = -offset;
      if (this.queue.length > keep) this.queue.splice(0, this.queue.length - keep);
    }
    if (this.queue.length > 0 || timeout === 0) return this.queue.slice(0, limit).map((u) => structuredClone(u));
    return new Promise<TgUpdate[]>((resolve, reject) => {
      const poll: Poll = {
        limit,
        socket: ctx.socket,
        done: false,
        resolve,
        reject,
        timer: setTimeout(() => {
          if (this.poll === poll) this.poll = undefined;
          poll.done = true;
          resolve([]);
        }, timeout * 1000),
      };
      this.poll = poll;
      ctx.onAbort(() => {
        clearTimeout(poll.timer);
        if (this.poll === poll) this.poll = undefined;
        if (!poll.done) {
          poll.done = true;
          resolve([]);
        }
      });
    });
  }

  private setWebhook(p: Params): Described {
    const url = optStr(p, 'url') ?? '';
    if (url === '') return this.deleteWebhook(p);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw bad('bad webhook: Failed to resolve host: Name or service not known');
    }
    if (parsed.protocol !== 'https:') throw bad('bad webhook: An HTTPS URL must be provided for webhook');
    const allowed = optJson(p, 'allowed_updates', 'allowed_updates');
    if (Array.isArray(allowed)) this.allowedUpdates = allowed.length === 0 ? DEFAULT_ALLOWED : allowed.map(String);
    if (optBool(p, 'drop_pending_updates')) this.queue.length = 0;
    const existed = this.webhook?.url === url;
    this.webhook = { url, allowedUpdates: this.allowedUpdates, maxConnections: optInt(p, 'max_connections') ?? 40, ...(p.secret_token !== undefined ? { secretToken: optStr(p, 'secret_token') } : {}) };
    if (this.poll) {
      const poll = this.poll;
      this.poll = undefined;
      clearTimeout(poll.timer);
      poll.done = true;
      poll.reject(new TgError(409, 'Conflict: terminated by setWebhook request'));
    }
    return new Described(true, existed ? 'Webhook is already set' : 'Webhook was set');
  }

  private deleteWebhook(p: Params): Described {
    if (optBool(p, 'drop_pending_updates')) this.queue.length = 0;
    const had = this.webhook !== undefined;
    this.webhook = undefined;
    return new Described(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
  }

  private getWebhookInfo(): Record<string, unknown> {
    if (!this.webhook) return { url: '', has_custom_certificate: false, pending_update_count: this.queue.length };
    return {
      url: this.webhook.url,
      has_custom_certificate: false,
      pending_update_count: this.queue.length,
      max_connections: this.webhook.maxConnections,
      ip_address: '127.0.0.1',
      ...(this.allowedUpdates !== DEFAULT_ALLOWED ? { allowed_updates: [...this.allowedUpdates] } : {}),
    };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Commands
  // -------------------------------------------------------------------------------------------------------------

  private scopeKey(p: Params): string {
    const lang = optStr(p, 'language_code') ?? '';
    if (lang !== '' && !/^[a-z]{2}$/.test(lang)) throw bad('invalid language code specified');
    const scope = optJson(p, 'scope', 'BotCommandScope') ?? { type: 'default' };
    if (!isRecord(scope)) throw bad("can't parse BotCommandScope JSON object");
    const type = scope.type;
    let key: string;
    switch (type) {
      case 'default':
      case 'all_private_chats':
      case 'all_group_chats':
      case 'all_chat_administrators':
        key = type;
        break;
      case 'chat':
      case 'chat_administrators':
      case 'chat_member': {
        const chat = this.resolveChat(scope.chat_id);
        if (type === 'chat_administrators' && chat.chat.type === 'private') throw bad('CHAT_ADMIN_REQUIRED');
        key = `${type}:${chat.chat.id}`;
        if (type === 'chat_member') {
          const userId = optInt(scope, 'user_id');
          if (userId === undefined) throw bad('user not found');
          key += `:${userId}`;
        }
        break;
      }
      default:
        throw bad(`unsupported bot command scope type "${String(type)}"`);
    }
    return `${key}|${lang}`;
  }

  private setMyCommands(p: Params): boolean {
    const raw = optJson(p, 'commands', 'commands');
    if (raw === undefined) throw bad('parameter "commands" is required');
    if (!Array.isArray(raw)) throw bad("can't parse commands JSON object");
    if (raw.length > 100) throw bad('BOT_COMMANDS_TOO_MUCH');
    const commands: BotCommand[] = [];
    for (const c of raw) {
      if (!isRecord(c)) throw bad("can't parse BotCommand: BotCommand must be an Object");
      for (const f of ['command', 'description'] as const) {
        if (c[f] === undefined) throw bad(`can't parse BotCommand: Can't find field "${f}"`);
        if (typeof c[f] !== 'string') throw bad(`can't parse BotCommand: Field "${f}" must be of type String`);
      }
      let command = String(c.command).trim();
      if (command.startsWith('/')) command = command.slice(1);
      const description = String(c.description).trim();
      if (command.length === 0) throw bad('command must be non-empty');
      if ([...command].length > 32) throw bad('command length must not exceed 32');
      if (!/^[a-z0-9_]{1,32}$/.test(command)) throw bad('BOT_COMMAND_INVALID');
      if (description.length === 0) throw bad('command description must be non-empty');
      if ([...description].length > 256) throw bad('command description length must not exceed 256');
      commands.push({ command, description });
    }
    const key = this.scopeKey(p);
    if (commands.length === 0) this.commandSets.delete(key);
    else this.commandSets.set(key, commands);
    return true;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Chats and messages
  // -------------------------------------------------------------------------------------------------------------

  private unixNow(): number {
    return Math.floor(this.now() / 1000);
  }

  private touchUser(o: { userId: number; firstName?: string; lastName?: string; username?: string; languageCode?: string }): TgUser {
    const prev = this.users.get(o.userId);
    const user: TgUser = { id: o.userId, is_bot: false, first_name: o.firstName ?? prev?.first_name ?? `User${o.userId}` };
    const lastName = o.lastName ?? prev?.last_name;
    const username = o.username ?? prev?.username;
    const lang = o.languageCode ?? prev?.language_code;
    if (lastName !== undefined) user.last_name = lastName;
    if (username !== undefined) user.username = username;
    if (lang !== undefined) user.language_code = lang;
    this.users.set(o.userId, user);
    return user;
  }

  private touchChat(chatId: number, o: UserOptions): ChatState {
    const existing = this.chats.get(chatId);
    if (existing && existing.chat.type !== 'private') return existing;
    const user = this.users.get(o.userId);
    this.addChat(chatId > 0
      ? { id: chatId, type: 'private', firstName: user?.first_name, ...(user?.last_name !== undefined ? { lastName: user.last_name } : {}), ...(user?.username !== undefined ? { username: user.username } : {}) }
      : { id: chatId, ...(o.chatType ? { type: o.chatType } : {}), ...(o.chatTitle !== undefined ? { title: o.chatTitle } : {}) });
    const chat = this.chats.get(chatId);
    if (!chat) throw new Error('unreachable');
    return chat;
  }

  private addressedToBot(text: string, command: string | undefined): boolean {
    const me = `@${this.botUser.username ?? ''}`.toLowerCase();
    if (command !== undefined) {
      const at = command.indexOf('@');
      return at < 0 || command.slice(at).toLowerCase() === me;
    }
    return text.toLowerCase().includes(me);
  }

  private resolveChat(raw: unknown): ChatState {
    if (raw === undefined || raw === null || raw === '') throw bad('chat_id is empty');
    if (typeof raw === 'string' && raw.startsWith('@')) {
      const name = raw.slice(1).toLowerCase();
      for (const c of this.chats.values()) if (c.chat.type !== 'private' && c.chat.username?.toLowerCase() === name) return c;
      throw bad('chat not found');
    }
    const id = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
    const chat = Number.isInteger(id) ? this.chats.get(id) : undefined;
    if (!chat) throw bad('chat not found');
    return chat;
  }

  private writableChat(p: Params): ChatState {
    const chat = this.resolveChat(p.chat_id);
    if (chat.forbidden) throw new TgError(403, chat.forbidden);
    return chat;
  }

  private format(raw: string, parseMode: string | undefined, entitiesRaw: unknown): FormattedText {
    let f: FormattedText;
    if (entitiesRaw !== undefined && entitiesRaw !== null && entitiesRaw !== '') {
      let list: unknown = entitiesRaw;
      if (typeof list === 'string') {
        try {
          list = JSON.parse(list) as unknown;
        } catch {
          throw bad("can't parse entities JSON object");
        }
      }
      if (!Array.isArray(list)) throw bad("can't parse entities JSON object");
      const entities = list.map((e): TgEntity => {
        if (!isRecord(e) || typeof e.type !== 'string' || typeof e.offset !== 'number' || typeof e.length !== 'number') {
          throw bad("can't parse MessageEntity: Field \"type\" must be of type String");
        }
        return { ...e, type: e.type, offset: e.offset, length: e.length };
      });
      f = { text: raw, entities };
    } else {
      try {
        switch ((parseMode ?? '').toLowerCase()) {
          case '':
            f = { text: raw, entities: [] };
            break;
          case 'html':
            f = parseTelegramHtml(raw, this.strictHtml);
            break;
          case 'markdownv2':
            f = parseTelegramMarkdownV2(raw);
            break;
          case 'markdown':
            f = parseTelegramMarkdown(raw);
            break;
          default:
            throw bad('unsupported parse_mode');
        }
      } catch (e) {
        if (e instanceof EntityError) throw bad(`can't parse entities: ${e.message}`);
        throw e;
      }
    }
    return trimFormatted(f);
  }

  private replyTarget(chat: ChatState, p: Params): number | undefined {
    const rp = optJson(p, 'reply_parameters', 'reply parameters');
    let target: number | undefined;
    let allowWithout = optBool(p, 'allow_sending_without_reply');
    if (isRecord(rp)) {
      target = optInt(rp, 'message_id');
      allowWithout = allowWithout || optBool(rp, 'allow_sending_without_reply');
      if (rp.chat_id !== undefined && this.resolveChat(rp.chat_id) !== chat) throw bad('message to be replied not found');
    } else if (rp !== undefined) throw bad("can't parse reply parameters JSON object");
    target ??= optInt(p, 'reply_to_message_id');
    if (target === undefined || target === 0) return undefined;
    const stored = chat.messages.get(target);
    const exists = stored !== undefined && !(stored.from === 'bot' ? stored.sent.deleted : stored.deleted);
    if (!exists) {
      if (allowWithout) return undefined;
      throw bad('message to be replied not found');
    }
    return target;
  }

  private shallow(m: TgMessage): TgMessage {
    const copy = structuredClone(m);
    delete copy.reply_to_message;
    return copy;
  }

  private buildMessage(s: MutableSent): TgMessage {
    const chat = this.chats.get(s.chatId);
    const m: TgMessage = { message_id: s.messageId, from: { ...this.botUser }, chat: { ...(chat?.chat ?? { id: s.chatId, type: 'private' }) }, date: s.date };
    if (s.editDate !== undefined) m.edit_date = s.editDate;
    if (s.messageThreadId !== undefined && chat?.chat.type === 'supergroup') m.message_thread_id = s.messageThreadId;
    if (s.replyToMessageId !== undefined) {
      const target = chat?.messages.get(s.replyToMessageId);
      if (target) m.reply_to_message = this.shallow(target.from === 'bot' ? target.sent.message : target.message);
    }
    if (s.kind === 'text') {
      m.text = s.text;
      if (s.entities.length > 0) m.entities = structuredClone(s.entities);
    } else {
      if (s.text !== '') m.caption = s.text;
      if (s.entities.length > 0) m.caption_entities = structuredClone(s.entities);
      const file = this.files.get((s.photo ?? s.document)?.fileId ?? '');
      if (s.kind === 'photo' && file) m.photo = structuredClone(file.sizes);
      if (s.kind === 'document' && file) {
        const d: TgDocument = { file_id: file.fileId, file_unique_id: file.uniqueId, file_size: file.size };
        if (file.fileName !== undefined) d.file_name = file.fileName;
        if (file.mimeType !== undefined) d.mime_type = file.mimeType;
        m.document = d;
      }
    }
    if (s.replyMarkup) m.reply_markup = structuredClone(s.replyMarkup);
    return m;
  }

  private store(chat: ChatState, p: Params, init: {
    kind: SentMessage['kind'];
    formatted: FormattedText;
    rawText: string;
    parseMode: string | undefined;
    markup: { inline?: TgInlineKeyboardMarkup; other?: unknown };
    replyTo: number | undefined;
    photo?: SentPhoto;
    document?: SentDocument;
  }): MutableSent {
    const version: MessageVersion = {
      at: this.now(), text: init.formatted.text, rawText: init.rawText, parseMode: init.parseMode,
      entities: init.formatted.entities, replyMarkup: init.markup.inline,
    };
    const s: MutableSent = {
      chatId: chat.chat.id,
      messageId: chat.nextMessageId++,
      kind: init.kind,
      text: init.formatted.text,
      rawText: init.rawText,
      parseMode: init.parseMode,
      entities: init.formatted.entities,
      replyMarkup: init.markup.inline,
      otherMarkup: init.markup.other,
      disableNotification: optBool(p, 'disable_notification'),
      protectContent: optBool(p, 'protect_content'),
      replyToMessageId: init.replyTo,
      messageThreadId: optInt(p, 'message_thread_id'),
      photo: init.photo,
      document: init.document,
      date: this.unixNow(),
      editDate: undefined,
      deleted: false,
      versions: [version],
      message: { message_id: 0, chat: chat.chat, date: 0 },
      params: p,
    };
    s.message = this.buildMessage(s);
    chat.messages.set(s.messageId, { from: 'bot', sent: s });
    this.sentLog.push(s);
    this.emit({ kind: 'message', change: 'sent', message: s, version });
    return s;
  }

  private sendMessage(p: Params): TgMessage {
    const raw = optStr(p, 'text');
    if (raw === undefined || raw === '') throw bad('message text is empty');
    const markup = parseReplyMarkup(p.reply_markup);
    const chat = this.writableChat(p);
    const parseMode = optStr(p, 'parse_mode');
    const formatted = this.format(raw, parseMode, p.entities);
    if (formatted.text.length === 0) throw bad('message text is empty');
    if (formatted.text.length > 4096) throw bad('message is too long');
    const replyTo = this.replyTarget(chat, p);
    return this.store(chat, p, { kind: 'text', formatted, rawText: raw, parseMode, markup, replyTo }).message;
  }

  private sendMedia(p: Params, kind: 'photo' | 'document'): TgMessage {
    const markup = parseReplyMarkup(p.reply_markup);
    const chat = this.writableChat(p);
    const input = p[kind];
    if (input === undefined || input === null || input === '') throw bad(`there is no ${kind} in the request`);
    const file = this.acceptFile(input, kind);
    const rawCaption = optStr(p, 'caption') ?? '';
    const parseMode = optStr(p, 'parse_mode');
    const formatted = this.format(rawCaption, parseMode, p.caption_entities);
    if (formatted.text.length > 1024) throw bad('message caption is too long');
    const replyTo = this.replyTarget(chat, p);
    const common = { source: file.upload ? 'upload' : file.url !== undefined ? 'url' : 'file_id', fileId: file.fileId, size: file.size, upload: file.upload, url: file.url } as const;
    return this.store(chat, p, {
      kind,
      formatted,
      rawText: rawCaption,
      parseMode,
      markup,
      replyTo,
      ...(kind === 'photo'
        ? { photo: { ...common, width: file.width, height: file.height } }
        : { document: { ...common, fileName: file.fileName, mimeType: file.mimeType } }),
    }).message;
  }

  private acceptFile(input: unknown, kind: 'photo' | 'document'): StoredFile {
    if (typeof input === 'string') {
      const known = this.files.get(input);
      if (known) {
        if (known.kind !== kind && kind === 'photo') throw bad(`wrong file identifier/HTTP URL specified`);
        return known;
      }
      if (/^https?:\/\/[^\s/]+/i.test(input)) {
        const name = decodeURIComponent(new URL(input).pathname.split('/').pop() ?? '') || undefined;
        return this.registerFile(kind, { size: 0, width: 800, height: 600, fileName: name, mimeType: mimeOf(name), upload: undefined, url: input });
      }
      throw bad('wrong file identifier/HTTP URL specified');
    }
    if (!isUploadedFile(input)) throw bad(`wrong file identifier/HTTP URL specified`);
    if (input.size === 0) throw bad('file must be non-empty');
    if (kind === 'photo') {
      const dims = imageSize(input.bytes);
      if (!dims) throw bad('IMAGE_PROCESS_FAILED');
      if (dims.width <= 0 || dims.height <= 0 || dims.width + dims.height > 10_000 || Math.max(dims.width / dims.height, dims.height / dims.width) > 20) {
        throw bad('PHOTO_INVALID_DIMENSIONS');
      }
      if (input.size > 10 * 1024 * 1024) throw bad('file is too big');
      return this.registerFile(kind, { size: input.size, ...dims, fileName: undefined, mimeType: undefined, upload: input, url: undefined });
    }
    if (input.size > 50 * 1024 * 1024) throw new TgError(413, 'Request Entity Too Large');
    const type = input.contentType && input.contentType !== 'application/octet-stream' ? input.contentType : mimeOf(input.filename);
    return this.registerFile(kind, { size: input.size, width: 0, height: 0, fileName: input.filename || undefined, mimeType: type, upload: input, url: undefined });
  }

  private registerFile(kind: 'photo' | 'document', f: Omit<StoredFile, 'kind' | 'fileId' | 'uniqueId' | 'sizes'>): StoredFile {
    const no = this.nextFileNo++;
    const id = (prefix: string, n: number): string => `${prefix}${Buffer.from(`vigil-fake-${this.botId}-${n}`).toString('base64url')}`;
    const fileId = id(kind === 'photo' ? 'AgACAgIAAxkBAAI' : 'BQACAgIAAxkBAAI', no * 10);
    const uniqueId = id('AQAD', no * 10);
    const sizes: TgPhotoSize[] = [];
    if (kind === 'photo') {
      const max = Math.max(f.width, f.height);
      const targets = [90, 320, 800, 1280].filter((t) => t < max);
      targets.push(Math.min(max, 2560));
      targets.forEach((target, i) => {
        const scale = target / max;
        const w = Math.max(1, Math.round(f.width * scale));
        const h = Math.max(1, Math.round(f.height * scale));
        const last = i === targets.length - 1;
        sizes.push({
          file_id: last ? fileId : id('AgACAgIAAxkBAAI', no * 10 + i + 1),
          file_unique_id: last ? uniqueId : id('AQAD', no * 10 + i + 1),
          width: w,
          height: h,
          file_size: last ? f.size : Math.max(1, Math.round(f.size * scale * scale)),
        });
      });
    }
    const stored: StoredFile = { ...f, kind, fileId, uniqueId, sizes };
    this.files.set(fileId, stored);
    return stored;
  }

  private editable(p: Params, action: 'edit' | 'delete'): { chat: ChatState; sent: MutableSent } {
    if (p.inline_message_id !== undefined) throw bad('MESSAGE_ID_INVALID');
    const chat = this.resolveChat(p.chat_id);
    const id = optInt(p, 'message_id');
    if (id === undefined) throw bad('message identifier is not specified');
    const stored = chat.messages.get(id);
    if (!stored || (stored.from === 'bot' ? stored.sent.deleted : stored.deleted)) throw bad(`message to ${action} not found`);
    if (stored.from !== 'bot') throw bad("message can't be edited");
    return { chat, sent: stored.sent };
  }

  private applyEdit(s: MutableSent, next: { formatted: FormattedText; rawText: string; parseMode: string | undefined; markup: TgInlineKeyboardMarkup | undefined }): TgMessage {
    const same = s.text === next.formatted.text
      && JSON.stringify(s.entities) === JSON.stringify(next.formatted.entities)
      && JSON.stringify(s.replyMarkup) === JSON.stringify(next.markup);
    if (same) {
      throw bad('message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
    }
    const version: MessageVersion = { at: this.now(), text: next.formatted.text, rawText: next.rawText, parseMode: next.parseMode, entities: next.formatted.entities, replyMarkup: next.markup };
    s.text = version.text;
    s.rawText = version.rawText;
    s.parseMode = version.parseMode;
    s.entities = next.formatted.entities;
    s.replyMarkup = next.markup;
    s.editDate = this.unixNow();
    s.versions.push(version);
    s.message = this.buildMessage(s);
    this.emit({ kind: 'message', change: 'edited', message: s, version });
    return s.message;
  }

  private editMessageText(p: Params): TgMessage {
    const raw = optStr(p, 'text');
    if (raw === undefined || raw === '') throw bad('message text is empty');
    const markup = parseReplyMarkup(p.reply_markup);
    if (markup.other !== undefined) throw bad('inline keyboard expected');
    const { sent } = this.editable(p, 'edit');
    if (sent.kind !== 'text') throw bad('there is no text in the message to edit');
    const parseMode = optStr(p, 'parse_mode');
    const formatted = this.format(raw, parseMode, p.entities);
    if (formatted.text.length === 0) throw bad('message text is empty');
    if (formatted.text.length > 4096) throw bad('MESSAGE_TOO_LONG');
    return this.applyEdit(sent, { formatted, rawText: raw, parseMode, markup: markup.inline });
  }

  private editMessageCaption(p: Params): TgMessage {
    const markup = parseReplyMarkup(p.reply_markup);
    if (markup.other !== undefined) throw bad('inline keyboard expected');
    const { sent } = this.editable(p, 'edit');
    if (sent.kind === 'text') throw bad('there is no caption in the message to edit');
    const raw = optStr(p, 'caption') ?? '';
    const parseMode = optStr(p, 'parse_mode');
    const formatted = this.format(raw, parseMode, p.caption_entities);
    if (formatted.text.length > 1024) throw bad('message caption is too long');
    return this.applyEdit(sent, { formatted, rawText: raw, parseMode, markup: markup.inline });
  }

  private editMessageReplyMarkup(p: Params): TgMessage {
    const markup = parseReplyMarkup(p.reply_markup);
    if (markup.other !== undefined) throw bad('inline keyboard expected');
    const { sent } = this.editable(p, 'edit');
    return this.applyEdit(sent, { formatted: { text: sent.text, entities: [...sent.entities] }, rawText: sent.rawText, parseMode: sent.parseMode, markup: markup.inline });
  }

  private deleteOne(chat: ChatState, id: number): boolean {
    const stored = chat.messages.get(id);
    if (!stored) return false;
    if (stored.from === 'user') {
      if (stored.deleted) return false;
      if (chat.chat.type !== 'private') throw bad("message can't be deleted");
      stored.deleted = true;
      return true;
    }
    const s = stored.sent;
    if (s.deleted) return false;
    s.deleted = true;
    this.emit({ kind: 'message', change: 'deleted', message: s, version: currentVersion(s) });
    return true;
  }

  private deleteMessage(p: Params): boolean {
    const chat = this.resolveChat(p.chat_id);
    const id = optInt(p, 'message_id');
    if (id === undefined) throw bad('message identifier is not specified');
    if (!this.deleteOne(chat, id)) throw bad('message to delete not found');
    return true;
  }

  private deleteMessages(p: Params): boolean {
    const chat = this.resolveChat(p.chat_id);
    const ids = optJson(p, 'message_ids', 'message_ids');
    if (!Array.isArray(ids) || ids.length < 1 || ids.length > 100) throw bad('message identifiers are not specified');
    let any = false;
    for (const id of ids) if (typeof id === 'number' && this.deleteOne(chat, id)) any = true;
    if (!any) throw bad('message to delete not found');
    return true;
  }

  private answerCallbackQuery(p: Params): boolean {
    const id = optStr(p, 'callback_query_id') ?? '';
    const q = this.queries.get(id);
    if (!q || q.answered || this.now() - q.createdAt > 15_000) {
      throw bad('query is too old and response timeout expired or query ID is invalid');
    }
    const text = optStr(p, 'text');
    if (text !== undefined && [...text].length > 200) throw bad('MESSAGE_TOO_LONG');
    q.answered = true;
    const answer: CallbackAnswer = {
      callbackQueryId: id,
      text,
      showAlert: optBool(p, 'show_alert'),
      url: optStr(p, 'url'),
      cacheTime: optInt(p, 'cache_time'),
      at: this.now(),
      query: q.query,
    };
    this.answers.push(answer);
    this.emit({ kind: 'callbackAnswer', answer });
    return true;
  }

  private sendChatAction(p: Params): boolean {
    this.writableChat(p);
    const action = optStr(p, 'action');
    if (action === undefined || action === '') throw bad('parameter "action" is required');
    if (!CHAT_ACTIONS.has(action)) throw bad('wrong parameter action in request');
    return true;
  }

  private getChat(p: Params): Record<string, unknown> {
    const chat = this.resolveChat(p.chat_id);
    return { ...chat.chat, accent_color_id: 0, max_reaction_count: 11, accepted_gift_types: { unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false } };
  }
}

/** Starts a fake on a free port. */
export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegramBotApi> {
  const fake = new FakeTelegramBotApi(options);
  await fake.start();
  return fake;
}

// ---------------------------------------------------------------------------------------------------------------
// Request decoding
// ---------------------------------------------------------------------------------------------------------------

function isUploadedFile(v: unknown): v is UploadedFile {
  return isRecord(v) && Buffer.isBuffer(v.bytes) && typeof v.size === 'number' && typeof v.filename === 'string';
}

function mimeOf(name: string | undefined): string | undefined {
  const ext = name?.split('.').pop()?.toLowerCase();
  return ext ? MIME_BY_EXT[ext] ?? 'application/octet-stream' : undefined;
}

function faultAnswer(f: Fault): Record<string, unknown> {
  const status = f.status ?? 500;
  if (status === 429) {
    const retryAfter = f.retryAfter ?? 1;
    return {
      ok: false,
      error_code: 429,
      description: f.description ?? `Too Many Requests: retry after ${retryAfter}`,
      parameters: { retry_after: retryAfter, ...f.parameters },
    };
  }
  const description = f.description ?? (status === 403 ? 'Forbidden: bot was blocked by the user' : STATUS_PREFIX[status] ?? 'Error');
  return { ok: false, error_code: status, description, ...(f.parameters ? { parameters: { ...f.parameters } } : {}) };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function currentVersion(s: SentMessage): MessageVersion {
  const v = s.versions[s.versions.length - 1];
  if (!v) throw new Error('unreachable: a message always has a version');
  return v;
}

/**
 * grammY writes `filename=<name>` unquoted (and may put quotes or spaces in it); the Web FormData parser wants a
 * quoted value. Only the part headers are touched.
 */
function quoteFilenames(body: Buffer, boundary: string): Buffer {
  const text = body.toString('latin1');
  const delimiter = `--${boundary}\r\n`;
  let out = '';
  let pos = 0;
  for (;;) {
    const d = text.indexOf(delimiter, pos);
    if (d < 0) break;
    const headersStart = d + delimiter.length;
    const headersEnd = text.indexOf('\r\n\r\n', headersStart);
    if (headersEnd < 0) break;
    const headers = text.slice(headersStart, headersEnd).replace(/(;\s*filename=)([^"\r\n][^\r\n]*)/gi, (_m, pre: string, name: string) =>
      `${pre}"${name.replace(/"/g, '%22')}"`);
    out += text.slice(pos, headersStart) + headers;
    pos = headersEnd;
  }
  out += text.slice(pos);
  return Buffer.from(out, 'latin1');
}

async function decodeParams(url: URL, contentType: string | undefined, body: Buffer): Promise<{ params: Params; encoding: Encoding }> {
  const params: Params = {};
  let encoding: Encoding = 'none';
  for (const [k, v] of url.searchParams) {
    params[k] = v;
    encoding = 'query';
  }
  const type = (contentType ?? '').toLowerCase();
  if (body.length > 0) {
    if (type.startsWith('application/json')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8')) as unknown;
      } catch {
        throw bad("can't parse JSON object");
      }
      if (!isRecord(parsed)) throw bad('JSON object expected');
      Object.assign(params, parsed);
      encoding = 'json';
    } else if (type.startsWith('application/x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params[k] = v;
      encoding = 'urlencoded';
    } else if (type.startsWith('multipart/form-data')) {
      const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
      const b = boundary?.[1] ?? boundary?.[2];
      if (!b) throw bad("can't parse multipart/form-data: no boundary");
      let form: FormData;
      try {
        form = await new Request('http://localhost/', { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${b}` }, body: quoteFilenames(body, b) }).formData();
      } catch (e) {
        throw bad(`can't parse multipart/form-data: ${e instanceof Error ? e.message : String(e)}`);
      }
      const files = new Map<string, UploadedFile>();
      const fields: [string, string][] = [];
      for (const [k, v] of form.entries()) {
        if (typeof v === 'string') fields.push([k, v]);
        else {
          const bytes = Buffer.from(await v.arrayBuffer());
          files.set(k, { field: k, filename: v.name, contentType: v.type, size: bytes.length, head: bytes.subarray(0, 16), bytes });
        }
      }
      for (const [k, v] of fields) params[k] = v;
      // Files sent directly under a field name; those referenced with attach:// replace their reference below.
      const referenced = new Set<string>();
      const resolve = (v: unknown): unknown => {
        if (typeof v === 'string' && v.startsWith('attach://')) {
          const name = v.slice(9);
          const f = files.get(name);
          if (!f) throw bad('wrong file identifier/HTTP URL specified');
          referenced.add(name);
          return f;
        }
        if (Array.isArray(v)) return v.map(resolve);
        if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
        return v;
      };
      for (const k of Object.keys(params)) params[k] = resolve(normalizeField(k, params[k]));
      for (const [k, f] of files) if (!referenced.has(k)) params[k] = f;
      encoding = 'multipart';
      return { params, encoding };
    }
  }
  for (const k of Object.keys(params)) params[k] = normalizeField(k, params[k]);
  return { params, encoding };
}
