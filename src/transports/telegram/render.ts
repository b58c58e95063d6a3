/**
 * Reply → Telegram messages in HTML parse mode. Pure. Text is escaped once, here; tables become <pre> blocks laid out
 * for a phone (PHONE_COLUMNS: aligned when they fit, else their narrow variant, else stacked per row); long replies
 * split at block boundaries; links become <a>; buttons become an inline keyboard on the last message.
 */
import { fitTable, renderFitted } from '../../core/layout.ts';
import { encodeActionRef, type Block, type Button, type Reply, type TableBlock } from '../../core/reply.ts';

/** Telegram's limits (Bot API): visible characters per message and per photo caption, bytes of callback_data. */
export const MESSAGE_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;
export const CALLBACK_DATA_LIMIT = 64;
/** Buttons per keyboard row: three still fit a phone screen with readable labels. */
export const BUTTONS_PER_ROW = 3;
/** Monospace columns a phone shows in a <pre> without wrapping (portrait, default font size). */
export const PHONE_COLUMNS = 35;

/** Telegram's InlineKeyboardMarkup with callback buttons (mutable arrays, as grammY's types expect). */
export interface InlineKeyboard {
  inline_keyboard: { text: string; callback_data: string }[][];
}

export type TelegramPart =
  | { readonly kind: 'text'; readonly html: string; readonly keyboard?: InlineKeyboard }
  | { readonly kind: 'photo'; readonly png: Uint8Array; readonly filename: string; readonly captionHtml: string; readonly keyboard?: InlineKeyboard };

/** Escapes text for Telegram HTML (&, <, > and, for attributes, "). */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One rendered block: its HTML and the length the user will see (what Telegram counts). */
interface Piece {
  readonly html: string;
  readonly visible: number;
}

const len = (s: string): number => [...s].length;

function piece(html: string, plain: string): Piece {
  return { html, visible: len(plain) };
}

/**
 * A table as <pre> within PHONE_COLUMNS, split by rows into several tables (header repeated) when one would exceed
 * the message limit.
 */
function tablePieces(t: TableBlock): Piece[] {
  const fitted = fitTable(t, PHONE_COLUMNS);
  const render = (rows: readonly (readonly string[])[]): string => renderFitted(fitted, rows, PHONE_COLUMNS);
  const whole = render(fitted.table.rows);
  if (len(whole) <= MESSAGE_LIMIT) return [piece(`<pre>${escapeHtml(whole)}</pre>`, whole)];
  const out: Piece[] = [];
  let rows: (readonly string[])[] = [];
  for (const row of fitted.table.rows) {
    const next = render([...rows, row]);
    if (len(next) > MESSAGE_LIMIT && rows.length > 0) {
      const text = render(rows);
      out.push(piece(`<pre>${escapeHtml(text)}</pre>`, text));
      rows = [];
    }
    rows.push(row);
  }
  const text = render(rows);
  out.push(piece(`<pre>${escapeHtml(text)}</pre>`, text));
  return out;
}

/** Text longer than a message (rare: a huge note) is cut at line ends. */
function longText(plain: string, wrap: (s: string) => string): Piece[] {
  if (len(plain) <= MESSAGE_LIMIT) return [piece(wrap(escapeHtml(plain)), plain)];
  const out: Piece[] = [];
  let cur = '';
  for (const line of plain.split('\n')) {
    const candidate = cur ? `${cur}\n${line}` : line;
    if (len(candidate) > MESSAGE_LIMIT && cur) {
      out.push(piece(wrap(escapeHtml(cur)), cur));
      cur = line;
    } else cur = candidate;
    while (len(cur) > MESSAGE_LIMIT) {
      const head = [...cur].slice(0, MESSAGE_LIMIT).join('');
      out.push(piece(wrap(escapeHtml(head)), head));
      cur = [...cur].slice(MESSAGE_LIMIT).join('');
    }
  }
  if (cur) out.push(piece(wrap(escapeHtml(cur)), cur));
  return out;
}

function pieces(b: Block): Piece[] {
  switch (b.kind) {
    case 'text':
      switch (b.style) {
        case 'title': return longText(b.text, (h) => `<b>${h}</b>`);
        case 'muted': return longText(b.text, (h) => `<i>${h}</i>`);
        case 'code': return longText(b.text, (h) => (b.text.includes('\n') ? `<pre>${h}</pre>` : `<code>${h}</code>`));
        case 'error': return longText(`✖ ${b.text}`, (h) => h);
        case 'warning': return longText(`⚠ ${b.text}`, (h) => h);
        default: return longText(b.text, (h) => h);
      }
    case 'fields': {
      const plain = b.fields.map((f) => `${f.label}: ${f.value}`).join('\n');
      if (len(plain) > MESSAGE_LIMIT) return longText(plain, (h) => h);
      return [piece(b.fields.map((f) => `${escapeHtml(f.label)}: <b>${escapeHtml(f.value)}</b>`).join('\n'), plain)];
    }
    case 'table':
      return tablePieces(b);
    case 'link':
      return [piece(`<a href="${escapeHtml(b.url)}">${escapeHtml(b.text)}</a>`, b.text)];
    case 'divider':
      return [piece('', '')];
    case 'image':
    case 'buttons':
      return [];
  }
}

/** Inline keyboard rows of at most BUTTONS_PER_ROW; callback_data is the encoded ActionRef (≤ 64 bytes). */
export function keyboard(buttons: readonly Button[]): InlineKeyboard | undefined {
  if (buttons.length === 0) return undefined;
  const rows: { text: string; callback_data: string }[][] = [];
  buttons.forEach((b, i) => {
    const data = encodeActionRef(b.action);
    if (Buffer.byteLength(data) > CALLBACK_DATA_LIMIT) throw new RangeError(`callback_data over ${CALLBACK_DATA_LIMIT} bytes: ${data}`);
    if (i % BUTTONS_PER_ROW === 0) rows.push([]);
    rows[rows.length - 1]?.push({ text: b.label, callback_data: data });
  });
  return { inline_keyboard: rows };
}

/** Renders a reply as the Telegram messages to send, in order; the keyboard rides on the last one. */
export function renderTelegram(reply: Reply): TelegramPart[] {
  const parts: TelegramPart[] = [];
  let html: string[] = [];
  let visible = 0;
  const flush = (): void => {
    const text = html.join('\n').replace(/\n{3,}/g, '\n\n').trim();
    if (text) parts.push({ kind: 'text', html: text });
    html = [];
    visible = 0;
  };
  for (const b of reply.blocks) {
    if (b.kind === 'image') {
      flush();
      const caption = [...b.alt].slice(0, CAPTION_LIMIT).join('');
      parts.push({ kind: 'photo', png: b.png, filename: b.filename, captionHtml: escapeHtml(caption) });
      continue;
    }
    for (const p of pieces(b)) {
      const added = p.visible + (html.length > 0 ? 1 : 0);
      if (visible + added > MESSAGE_LIMIT && html.length > 0) flush();
      html.push(p.html);
      visible += p.visible + (html.length > 1 ? 1 : 0);
    }
  }
  flush();
  const kb = keyboard(reply.blocks.flatMap((b) => (b.kind === 'buttons' ? [...b.buttons] : [])));
  if (parts.length === 0) parts.push({ kind: 'text', html: kb ? '…' : '(empty reply)' });
  if (kb) {
    const last = parts[parts.length - 1] as TelegramPart;
    parts[parts.length - 1] = { ...last, keyboard: kb };
  }
  return parts;
}
