/** Monospace layout shared by text transports (terminal, Telegram <pre>). Pure. */
import type { TableBlock } from './reply.ts';

/** Display width of a string, counting each code point as one column. */
export function textWidth(s: string): number {
  return [...s].length;
}

/** Pads to `w` columns on the given side. */
export function pad(s: string, w: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, w - textWidth(s)));
  return align === 'right' ? fill + s : s + fill;
}

/** A table as aligned monospace lines: header, a rule, then rows; columns two spaces apart. */
export function renderTable(t: TableBlock): string {
  const widths = t.columns.map((c, i) => Math.max(textWidth(c.header), ...t.rows.map((r) => textWidth(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => pad(cell, widths[i] ?? 0, t.columns[i]?.align ?? 'left')).join('  ').trimEnd();
  return [line(t.columns.map((c) => c.header)), widths.map((w) => '─'.repeat(w)).join('  '), ...t.rows.map(line)].join('\n');
}
