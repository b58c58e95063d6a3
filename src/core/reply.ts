/**
 * The neutral reply model every transport renders. Blocks carry plain text; each renderer escapes for its platform.
 */

/** A button's reference into storage: `id` names a stored action, `verb` what the press means (≤ 8 chars). */
export interface ActionRef {
  readonly id: string;
  readonly verb: string;
}

export type ButtonStyle = 'primary' | 'danger' | 'default';

export interface Button {
  readonly label: string;
  readonly action: ActionRef;
  readonly style?: ButtonStyle;
}

export type TextStyle = 'title' | 'body' | 'muted' | 'code' | 'error' | 'warning';

export interface TextBlock {
  readonly kind: 'text';
  readonly text: string;
  readonly style?: TextStyle;
}

export interface Field {
  readonly label: string;
  readonly value: string;
}

export interface FieldsBlock {
  readonly kind: 'fields';
  readonly fields: readonly Field[];
}

export interface Column {
  readonly header: string;
  readonly align?: 'left' | 'right';
}

export interface TableBlock {
  readonly kind: 'table';
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly string[])[];
  /**
   * The same content for a narrow screen (a phone): fewer columns or compact units, first cell a good row heading.
   * Transports with room show the table itself; a narrow one uses this when the table does not fit.
   */
  readonly narrow?: NarrowTable;
}

export type NarrowTable = Pick<TableBlock, 'columns' | 'rows'>;

/** A short text that opens `url` (e.g. a shortened signature → its explorer page). */
export interface LinkBlock {
  readonly kind: 'link';
  readonly text: string;
  readonly url: string;
}

export interface ImageBlock {
  readonly kind: 'image';
  /** PNG bytes. */
  readonly png: Uint8Array;
  readonly alt: string;
  readonly filename: string;
}

export interface ButtonsBlock {
  readonly kind: 'buttons';
  readonly buttons: readonly Button[];
}

export interface DividerBlock {
  readonly kind: 'divider';
}

export type Block = TextBlock | FieldsBlock | TableBlock | LinkBlock | ImageBlock | ButtonsBlock | DividerBlock;

export interface Reply {
  readonly blocks: readonly Block[];
  /** private: only the requester should see it (Discord ephemeral; DM where a platform has no such thing). */
  readonly visibility?: 'public' | 'private';
}

/** Builders for the blocks and replies commands return. */
export const reply = {
  of(...blocks: (Block | null | undefined | false)[]): Reply {
    return { blocks: blocks.filter((b): b is Block => Boolean(b)) };
  },
  private(r: Reply): Reply {
    return { ...r, visibility: 'private' };
  },
  title(text: string): TextBlock {
    return { kind: 'text', text, style: 'title' };
  },
  text(text: string, style: TextStyle = 'body'): TextBlock {
    return { kind: 'text', text, style };
  },
  muted(text: string): TextBlock {
    return { kind: 'text', text, style: 'muted' };
  },
  code(text: string): TextBlock {
    return { kind: 'text', text, style: 'code' };
  },
  fields(fields: readonly (Field | [string, string])[]): FieldsBlock {
    return { kind: 'fields', fields: fields.map((f) => (Array.isArray(f) ? { label: f[0], value: f[1] } : f)) };
  },
  /** `narrow`: the same content for a phone (see TableBlock.narrow), built with the same builder. */
  table(columns: readonly (Column | string)[], rows: readonly (readonly string[])[], narrow?: NarrowTable): TableBlock {
    return { kind: 'table', columns: columns.map((c) => (typeof c === 'string' ? { header: c } : c)), rows, ...(narrow ? { narrow: { columns: narrow.columns, rows: narrow.rows } } : {}) };
  },
  link(text: string, url: string): LinkBlock {
    return { kind: 'link', text, url };
  },
  image(png: Uint8Array, alt: string, filename = 'chart.png'): ImageBlock {
    return { kind: 'image', png, alt, filename };
  },
  buttons(buttons: readonly Button[]): ButtonsBlock {
    return { kind: 'buttons', buttons };
  },
  divider(): DividerBlock {
    return { kind: 'divider' };
  },
  /** A one-block error reply with an optional hint line (e.g. usage); private to the asker where a platform can. */
  error(message: string, hint?: string): Reply {
    const blocks: Block[] = [{ kind: 'text', text: message, style: 'error' }];
    if (hint) blocks.push({ kind: 'text', text: hint, style: 'muted' });
    return { blocks, visibility: 'private' };
  },
};

/** Every button in a reply, in order. */
export function buttonsOf(r: Reply): Button[] {
  return r.blocks.flatMap((b) => (b.kind === 'buttons' ? [...b.buttons] : []));
}

/** The reply's text content, block by block (for logs, tests and plain transports). */
export function plainText(r: Reply): string {
  return r.blocks
    .map((b) => {
      switch (b.kind) {
        case 'text': return b.text;
        case 'fields': return b.fields.map((f) => `${f.label}: ${f.value}`).join('\n');
        case 'table': return [b.columns.map((c) => c.header).join(' | '), ...b.rows.map((r) => r.join(' | '))].join('\n');
        case 'link': return `${b.text} ${b.url}`;
        case 'image': return `[image: ${b.alt}]`;
        case 'buttons': return b.buttons.map((x) => `[${x.label}]`).join(' ');
        case 'divider': return '---';
      }
    })
    .join('\n');
}

const ACTION_PREFIX = 'a';
const ID_PATTERN = /^[a-z0-9]{4,32}$/;
const VERB_PATTERN = /^[a-z0-9_]{1,8}$/;

/** Encodes an ActionRef as `a:<id>:<verb>` (≤ 43 bytes: fits Telegram's 64-byte callback_data and Discord's custom_id). */
export function encodeActionRef(ref: ActionRef): string {
  if (!ID_PATTERN.test(ref.id) || !VERB_PATTERN.test(ref.verb)) throw new RangeError(`bad action ref ${ref.id}:${ref.verb}`);
  return `${ACTION_PREFIX}:${ref.id}:${ref.verb}`;
}

/** Decodes `a:<id>:<verb>`; null for anything else (a forged or foreign payload is not an error, just unknown). */
export function decodeActionRef(data: string): ActionRef | null {
  const parts = data.split(':');
  if (parts.length !== 3 || parts[0] !== ACTION_PREFIX) return null;
  const [, id = '', verb = ''] = parts;
  if (!ID_PATTERN.test(id) || !VERB_PATTERN.test(verb)) return null;
  return { id, verb };
}
