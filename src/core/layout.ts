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

/** Widest line of a multi-line text, in columns. */
export function widestLine(s: string): number {
  return Math.max(0, ...s.split('\n').map(textWidth));
}

/** Indent of a stacked row's value lines under its heading. */
const STACK_INDENT = 2;

/** Splits `s` into lines of at most `w` columns, at spaces where possible (a longer word is cut). */
export function wrapText(s: string, w: number): string[] {
  const width = Math.max(1, w);
  const out: string[] = [];
  let cur = '';
  for (const word of s.split(' ')) {
    const next = cur ? `${cur} ${word}` : word;
    if (textWidth(next) <= width) {
      cur = next;
      continue;
    }
    if (cur) out.push(cur);
    let rest = [...word];
    while (rest.length > width) {
      out.push(rest.slice(0, width).join(''));
      rest = rest.slice(width);
    }
    cur = rest.join('');
  }
  if (cur || out.length === 0) out.push(cur);
  return out;
}

/**
 * A table stacked per row for a narrow screen, every line at most `width` columns: the row's first cell as its heading,
 * then one indented `Header  value` line per other non-empty cell (headers padded alike, right-aligned columns' values
 * aligned on their right edge); a value too long for its line wraps under itself.
 */
export function renderStacked(t: Pick<TableBlock, 'columns' | 'rows'>, width: number): string {
  const fields = t.columns.slice(1);
  const labelW = Math.max(0, ...fields.map((c) => textWidth(c.header)));
  const prefixW = STACK_INDENT + (labelW > 0 ? labelW + 2 : 0);
  // A long header would leave too little room for values beside it: the value then goes on its own lines.
  const beside = width - prefixW >= 12;
  const valueW = beside ? width - prefixW : width - STACK_INDENT * 2;
  const rightW = Math.min(valueW, Math.max(0, ...t.rows.flatMap((r) => fields.map((c, i) => (c.align === 'right' ? textWidth(r[i + 1] ?? '') : 0)))));
  const lines: string[] = [];
  for (const row of t.rows) {
    lines.push(...wrapText(row[0] ?? '', width));
    fields.forEach((c, i) => {
      const value = row[i + 1] ?? '';
      if (!value) return;
      const label = labelW > 0 ? `${pad(c.header, labelW, 'left')}  ` : '';
      const shown = c.align === 'right' && textWidth(value) <= rightW ? pad(value, rightW, 'right') : value;
      const wrapped = textWidth(shown) <= valueW ? [shown] : wrapText(value, valueW);
      if (beside) {
        wrapped.forEach((v, j) => lines.push(`${' '.repeat(STACK_INDENT)}${j === 0 ? label : ' '.repeat(textWidth(label))}${v}`.trimEnd()));
      } else {
        if (label.trim()) lines.push(`${' '.repeat(STACK_INDENT)}${label.trimEnd()}`);
        for (const v of wrapped) lines.push(`${' '.repeat(STACK_INDENT * 2)}${v}`.trimEnd());
      }
    });
  }
  return lines.join('\n');
}

/** How a table is shown within a width: which content (the table or its narrow variant) and in what layout. */
export interface FittedTable {
  readonly table: TableBlock;
  readonly stacked: boolean;
}

/**
 * Picks the layout of a table for at most `width` columns: the table itself, aligned, when it fits; else its narrow
 * variant, aligned, when that fits; else that variant (or the table) stacked per row.
 */
export function fitTable(t: TableBlock, width: number): FittedTable {
  if (widestLine(renderTable(t)) <= width) return { table: t, stacked: false };
  const narrow: TableBlock = t.narrow ? { kind: 'table', columns: t.narrow.columns, rows: t.narrow.rows } : t;
  if (narrow !== t && widestLine(renderTable(narrow)) <= width) return { table: narrow, stacked: false };
  return { table: narrow, stacked: true };
}

/** A fitted table's text for some of its rows (a table split across messages keeps one layout). */
export function renderFitted(f: FittedTable, rows: readonly (readonly string[])[], width: number): string {
  return f.stacked ? renderStacked({ ...f.table, rows }, width) : renderTable({ ...f.table, rows });
}
