/**
 * Tables on a phone: aligned when they fit PHONE_COLUMNS, else their narrow variant, else stacked per row; links.
 * The console keeps the full table.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reply, type Reply } from '../../../src/core/reply.ts';
import { renderReply } from '../../../src/transports/console/render.ts';
import { PHONE_COLUMNS, renderTelegram } from '../../../src/transports/telegram/render.ts';

/** What Telegram shows after parsing entities: tags removed, the four escapes decoded. */
function visible(html: string): string {
  return html.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

const html = (r: Reply): string => renderTelegram(r).map((p) => (p.kind === 'text' ? p.html : '')).join('\n');
const pre = (r: Reply): string => visible(/<pre>([\s\S]*?)<\/pre>/.exec(html(r))?.[1] ?? '');

const WIDE = reply.table(
  ['Market', { header: 'Mark', align: 'right' }, { header: 'Liq.', align: 'right' }, { header: 'Dist.', align: 'right' }],
  [['SOL-PERP', '$124.65', '$102.13', '-18.1%'], ['ETH-PERP', '$2,971.64', '$9,726.35', '+227.3%'], ['BTC', '$87,648.22', 'none', '—']],
);

describe('tables on a phone', () => {
  it('a table that fits is aligned as usual', () => {
    expect(pre(reply.of(reply.table(['Asset', { header: 'Price', align: 'right' }], [['SOL', '$124.65']])))).toBe('Asset    Price\n─────  ───────\nSOL    $124.65');
  });

  it('a wider one is stacked per row: the first cell as heading, then aligned `Header  value` lines', () => {
    expect(pre(reply.of(WIDE))).toBe([
      'SOL-PERP',
      '  Mark      $124.65',
      '  Liq.      $102.13',
      '  Dist.      -18.1%',
      'ETH-PERP',
      '  Mark    $2,971.64',
      '  Liq.    $9,726.35',
      '  Dist.     +227.3%',
      'BTC',
      '  Mark   $87,648.22',
      '  Liq.         none',
      '  Dist.           —',
    ].join('\n'));
  });

  it('uses the narrow variant when there is one and it fits; the console keeps the full table', () => {
    const t = reply.table(WIDE.columns, WIDE.rows, reply.table(['Market', { header: 'Liq.', align: 'right' }], WIDE.rows.map((r) => [r[0] ?? '', r[2] ?? ''])));
    expect(pre(reply.of(t))).toBe('Market         Liq.\n────────  ─────────\nSOL-PERP    $102.13\nETH-PERP  $9,726.35\nBTC            none');
    const console = renderReply(reply.of(t)).text;
    expect(console.split('\n')[0]).toBe('Market          Mark       Liq.    Dist.');
  });

  it('wraps long headings and values at spaces, under themselves; empty cells are left out', () => {
    const t = reply.table(['', 'Detail', 'Note'], [[
      '2026-11-21 09:00 UTC plan.cancelled by console:u1',
      'planId=g43y7stg kind=hedge mode=paper from=pending error=cancelled before Confirm',
      '',
    ]]);
    expect(pre(reply.of(t))).toBe([
      // 35 columns exactly, then the rest.
      '2026-11-21 09:00 UTC plan.cancelled',
      'by console:u1',
      '  Detail  planId=g43y7stg',
      '          kind=hedge mode=paper',
      '          from=pending',
      '          error=cancelled before',
      '          Confirm',
    ].join('\n'));
  });

  it('every <pre> line fits, however wide the cells or long the headers, even split over several messages (property)', () => {
    const cell = fc.string({ maxLength: 60 }).map((s) => s.replace(/\n/g, ' '));
    fc.assert(fc.property(
      fc.array(fc.record({ header: cell, align: fc.constantFrom('left' as const, 'right' as const) }), { minLength: 1, maxLength: 7 }),
      fc.array(fc.array(cell, { minLength: 7, maxLength: 7 }), { maxLength: 80 }),
      (columns, rows) => {
        const text = visible([...html(reply.of(reply.table(columns, rows.map((r) => r.slice(0, columns.length))))).matchAll(/<pre>([\s\S]*?)<\/pre>/g)].map((m) => m[1]).join('\n'));
        for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(PHONE_COLUMNS);
      },
    ), { numRuns: 200 });
  });
});

describe('links', () => {
  const sig = '5ya1LMqZbSNnrkVsUuDU7VkXNm8a9wwRHgQ7cJXkPfQ6ptiUH2jv4A1YqSNPn9PFt2yZkf1mGAhzUT2ExHBN3W';
  const r = reply.of(reply.link('5ya1LM…2ExHBN3W', `https://solscan.io/tx/${sig}`));

  it('Telegram shows the short text as a link', () => {
    expect(html(r)).toBe(`<a href="https://solscan.io/tx/${sig}">5ya1LM…2ExHBN3W</a>`);
  });

  it('the console prints the URL after the text', () => {
    expect(renderReply(r).text).toBe(`5ya1LM…2ExHBN3W  https://solscan.io/tx/${sig}`);
  });
});
