/** Reply → plain terminal text. Pure; buttons become numbered choices. */
import type { Block, Button, ImageBlock, Reply, TableBlock } from '../../core/reply.ts';

export interface RenderedText {
  readonly text: string;
  /** Buttons in the order they were numbered (choice n is buttons[n-1]). */
  readonly buttons: readonly Button[];
}

/** Display width of a string, counting each code point as one column. */
function width(s: string): number {
  return [...s].length;
}

function pad(s: string, w: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, w - width(s)));
  return align === 'right' ? fill + s : s + fill;
}

/** Aligns a table's columns; numbers are usually right-aligned by the command. */
export function renderTable(t: TableBlock): string {
  const widths = t.columns.map((c, i) => Math.max(width(c.header), ...t.rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => pad(cell, widths[i] ?? 0, t.columns[i]?.align ?? 'left')).join('  ').trimEnd();
  return [line(t.columns.map((c) => c.header)), widths.map((w) => '─'.repeat(w)).join('  '), ...t.rows.map(line)].join('\n');
}

function renderBlock(b: Block, buttons: Button[], images: ReadonlyMap<ImageBlock, string>): string {
  switch (b.kind) {
    case 'text':
      switch (b.style) {
        case 'title': return `== ${b.text} ==`;
        case 'error': return `✖ ${b.text}`;
        case 'warning': return `⚠ ${b.text}`;
        case 'muted': return `  ${b.text}`;
        default: return b.text;
      }
    case 'fields': {
      const w = Math.max(...b.fields.map((f) => width(f.label)));
      return b.fields.map((f) => `  ${pad(f.label, w, 'left')}  ${f.value}`).join('\n');
    }
    case 'table':
      return renderTable(b);
    case 'image':
      return images.has(b) ? `[chart: ${b.alt}] saved to ${images.get(b) ?? ''}` : `[chart: ${b.alt}]`;
    case 'divider':
      return '';
    case 'buttons':
      return b.buttons.map((btn) => {
        buttons.push(btn);
        return `[${buttons.length}] ${btn.label}`;
      }).join('  ');
  }
}

/** `images` maps image blocks to where the transport saved them (a terminal cannot show a PNG inline). */
export function renderReply(reply: Reply, images: ReadonlyMap<ImageBlock, string> = new Map()): RenderedText {
  const buttons: Button[] = [];
  const text = reply.blocks.map((b) => renderBlock(b, buttons, images)).join('\n');
  return { text, buttons };
}
