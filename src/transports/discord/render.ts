/**
 * Reply → Discord messages. Pure. One embed per message: the reply's title as the embed title, text and fields as its
 * description (fields in bold, escaped with discord.js's escapeMarkdown), tables as code blocks (embeds cannot align
 * columns); a long reply splits into several messages at block boundaries; images become attachments shown in their
 * message's embed; buttons become action rows on the last message, their custom_id only the stored action's id.
 * Every Discord limit used is a named constant below.
 */
import { escapeCodeBlock, escapeMarkdown } from 'discord.js';
import { renderTable } from '../../core/layout.ts';
import { encodeActionRef, type Block, type Button, type Reply } from '../../core/reply.ts';

/** Discord's limits (API v10). */
export const EMBED_TITLE_LIMIT = 256;
export const EMBED_DESCRIPTION_LIMIT = 4096;
/** All embeds of one message together. */
export const EMBED_TOTAL_LIMIT = 6000;
export const CUSTOM_ID_LIMIT = 100;
export const BUTTON_LABEL_LIMIT = 80;
export const BUTTONS_PER_ROW = 5;
export const ROWS_PER_MESSAGE = 5;
/** Our own cap on a message's description: under the embed limit, leaving room for the title. */
const DESCRIPTION_BUDGET = EMBED_DESCRIPTION_LIMIT - 96;

/** Embed colours by tone (decimal RGB). */
export const COLORS = { info: 0x3b82f6, warning: 0xf59e0b, error: 0xef4444 } as const;

export interface DiscordButton {
  readonly type: 2;
  /** 1 primary, 2 secondary, 4 danger. */
  readonly style: 1 | 2 | 4;
  readonly label: string;
  readonly custom_id: string;
}

export interface DiscordMessage {
  readonly embeds: readonly { title?: string; description?: string; color: number; image?: { url: string } }[];
  readonly files: readonly { name: string; data: Uint8Array }[];
  readonly components: readonly { type: 1; components: DiscordButton[] }[];
}

const len = (s: string): number => [...s].length;

/** A block's markdown (the title is taken out separately; images and buttons are not text). */
function markdown(b: Block): string[] {
  switch (b.kind) {
    case 'text':
      switch (b.style) {
        case 'title': return [`**${escapeMarkdown(b.text)}**`];
        case 'muted': return [`-# ${escapeMarkdown(b.text).split('\n').join('\n-# ')}`];
        case 'code': return [b.text.includes('\n') ? `\`\`\`\n${escapeCodeBlock(b.text)}\n\`\`\`` : `\`${b.text.replace(/`/g, 'ˋ')}\``];
        case 'error': return [`✖ ${escapeMarkdown(b.text)}`];
        case 'warning': return [`⚠ ${escapeMarkdown(b.text)}`];
        default: return [escapeMarkdown(b.text)];
      }
    case 'fields':
      return [b.fields.map((f) => `${escapeMarkdown(f.label)}: **${escapeMarkdown(f.value)}**`).join('\n')];
    case 'table': {
      // A table longer than one message goes out in several code blocks, each with the header.
      const out: string[] = [];
      let rows: (readonly string[])[] = [];
      const block = (rs: (readonly string[])[]): string => `\`\`\`\n${escapeCodeBlock(renderTable({ ...b, rows: rs }))}\n\`\`\``;
      for (const row of b.rows) {
        if (rows.length > 0 && len(block([...rows, row])) > DESCRIPTION_BUDGET) {
          out.push(block(rows));
          rows = [];
        }
        rows.push(row);
      }
      out.push(block(rows));
      return out;
    }
    case 'link': return [`[${escapeMarkdown(b.text)}](${b.url})`];
    case 'divider':
      return ['─────────'];
    case 'image':
    case 'buttons':
      return [];
  }
}

/** Text longer than a description is cut at line ends (and hard, as a last resort). */
function fit(text: string): string[] {
  if (len(text) <= DESCRIPTION_BUDGET) return [text];
  const out: string[] = [];
  let cur = '';
  for (const line of text.split('\n')) {
    const next = cur ? `${cur}\n${line}` : line;
    if (len(next) > DESCRIPTION_BUDGET && cur) {
      out.push(cur);
      cur = line;
    } else cur = next;
    while (len(cur) > DESCRIPTION_BUDGET) {
      out.push([...cur].slice(0, DESCRIPTION_BUDGET).join(''));
      cur = [...cur].slice(DESCRIPTION_BUDGET).join('');
    }
  }
  if (cur) out.push(cur);
  return out;
}

const STYLE: Readonly<Record<NonNullable<Button['style']>, 1 | 2 | 4>> = { primary: 1, danger: 4, default: 2 };

/** Buttons as action rows (≤ 5 per row, ≤ 5 rows); custom_id is the encoded stored action (≤ 100 characters). */
export function actionRows(buttons: readonly Button[]): DiscordMessage['components'] {
  if (buttons.length > BUTTONS_PER_ROW * ROWS_PER_MESSAGE) throw new RangeError(`${buttons.length} buttons: a message holds ${BUTTONS_PER_ROW * ROWS_PER_MESSAGE}`);
  const rows: { type: 1; components: DiscordButton[] }[] = [];
  buttons.forEach((b, i) => {
    const id = encodeActionRef(b.action);
    if (id.length > CUSTOM_ID_LIMIT) throw new RangeError(`custom_id over ${CUSTOM_ID_LIMIT} characters: ${id}`);
    if (i % BUTTONS_PER_ROW === 0) rows.push({ type: 1, components: [] });
    rows[rows.length - 1]?.components.push({ type: 2, style: STYLE[b.style ?? 'default'], label: [...b.label].slice(0, BUTTON_LABEL_LIMIT).join(''), custom_id: id });
  });
  return rows;
}

/** The reply's tone: an error or warning block colours its embeds. */
function colorOf(reply: Reply): number {
  if (reply.blocks.some((b) => b.kind === 'text' && b.style === 'error')) return COLORS.error;
  if (reply.blocks.some((b) => b.kind === 'text' && b.style === 'warning')) return COLORS.warning;
  return COLORS.info;
}

/** Renders a reply as the Discord messages to send, in order; the buttons ride on the last one. */
export function renderDiscord(reply: Reply): DiscordMessage[] {
  const color = colorOf(reply);
  const first = reply.blocks.find((b) => b.kind === 'text' && b.style === 'title');
  const title = first && first.kind === 'text' ? [...first.text].slice(0, EMBED_TITLE_LIMIT).join('') : undefined;
  const messages: { description: string; image?: { name: string; data: Uint8Array } }[] = [];
  let cur: string[] = [];
  const flush = (): void => {
    const description = cur.join('\n').replace(/\n{3,}/g, '\n\n').trim();
    if (description) messages.push({ description });
    cur = [];
  };
  for (const b of reply.blocks) {
    if (b === first) continue;
    if (b.kind === 'image') {
      flush();
      messages.push({ description: escapeMarkdown([...b.alt].slice(0, DESCRIPTION_BUDGET).join('')), image: { name: b.filename, data: b.png } });
      continue;
    }
    for (const md of markdown(b).flatMap(fit)) {
      if (cur.length > 0 && len([...cur, md].join('\n')) > DESCRIPTION_BUDGET) flush();
      cur.push(md);
    }
  }
  flush();
  if (messages.length === 0) messages.push({ description: title ? '' : '(empty reply)' });
  const rows = actionRows(reply.blocks.flatMap((b) => (b.kind === 'buttons' ? [...b.buttons] : [])));
  return messages.map((m, i) => ({
    embeds: [{
      ...(i === 0 && title ? { title } : {}), ...(m.description ? { description: m.description } : {}), color,
      ...(m.image ? { image: { url: `attachment://${m.image.name}` } } : {}),
    }],
    files: m.image ? [m.image] : [],
    components: i === messages.length - 1 ? rows : [],
  }));
}
