import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reply } from '../../../src/core/reply.ts';
import { BUTTONS_PER_ROW, escapeHtml, MESSAGE_LIMIT, renderTelegram } from '../../../src/transports/telegram/render.ts';

/** What Telegram shows after parsing entities: tags removed, the four escapes decoded. */
function visible(html: string): string {
  return html.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

const ref = (id: string) => ({ id, verb: 'r' });

describe('Telegram renderer', () => {
  it('escapes market names that look like HTML', () => {
    const [p] = renderTelegram(reply.of(reply.title('<b> & 1M&BONK'), reply.fields([['Market', '<b>'], ['Pair', '1M&BONK/USDC']])));
    expect(p!.kind).toBe('text');
    const html = p!.kind === 'text' ? p!.html : '';
    expect(html).toBe('<b>&lt;b&gt; &amp; 1M&amp;BONK</b>\nMarket: <b>&lt;b&gt;</b>\nPair: <b>1M&amp;BONK/USDC</b>');
    expect(visible(html)).toBe('<b> & 1M&BONK\nMarket: <b>\nPair: 1M&BONK/USDC');
  });

  it('escapes any text so that what the user sees is the text itself (property)', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 300 }), (s) => {
      const parts = renderTelegram(reply.of(reply.text(s)));
      const html = parts.map((p) => (p.kind === 'text' ? p.html : '')).join('\n');
      expect(visible(html)).toBe(s.trim() || '(empty reply)');
      expect(html).not.toMatch(/<(?!\/?(b|i|pre|code)>)/);
    }));
    expect(escapeHtml('a"b')).toBe('a&quot;b');
  });

  it('renders tables as aligned <pre> and muted text in italics', () => {
    const [p] = renderTelegram(reply.of(reply.table(['Asset', { header: 'Price', align: 'right' }], [['SOL', '$124.65'], ['BONK', '$0.000007470']]), reply.muted('as of now')));
    expect(p!.kind === 'text' && p!.html).toBe('<pre>Asset         Price\n─────  ────────────\nSOL         $124.65\nBONK   $0.000007470</pre>\n<i>as of now</i>');
  });

  it('splits long replies at block boundaries, each message within 4,096 visible characters', () => {
    const blocks = Array.from({ length: 30 }, (_, i) => reply.text(`[${i}] ${'x'.repeat(400)}`));
    const parts = renderTelegram(reply.of(...blocks, reply.buttons([{ label: 'More', action: ref('aaaa1111') }])));
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) {
      expect(p.kind).toBe('text');
      if (p.kind === 'text') expect([...visible(p.html)].length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    }
    // No block is cut: every block's text is whole in exactly one message.
    const all = parts.map((p) => (p.kind === 'text' ? visible(p.html) : ''));
    for (let i = 0; i < 30; i++) expect(all.filter((t) => t.includes(`[${i}] ${'x'.repeat(400)}`))).toHaveLength(1);
    // The keyboard rides on the last message only.
    expect(parts.map((p) => Boolean(p.keyboard))).toEqual([...parts.slice(1).map(() => false), true]);
  });

  it('splits a table larger than a message by rows, repeating its header', () => {
    const rows = Array.from({ length: 300 }, (_, i) => [`ASSET${i}`, `$${(i * 1.5).toFixed(2)}`]);
    const parts = renderTelegram(reply.of(reply.table(['Asset', 'Price'], rows)));
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      const text = p.kind === 'text' ? visible(p.html) : '';
      expect([...text].length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      expect(text.startsWith('Asset')).toBe(true);
    }
    const shown = parts.map((p) => (p.kind === 'text' ? visible(p.html) : '')).join('\n');
    for (const [a] of rows) expect(shown).toContain(`${a!} `);
  });

  it('lays buttons out three to a row with callback_data ≤ 64 bytes', () => {
    const buttons = Array.from({ length: 5 }, (_, i) => ({ label: `B${i}`, action: ref(`abcd${i}xyz0${i}`) }));
    const [p] = renderTelegram(reply.of(reply.text('x'), reply.buttons(buttons)));
    const kb = p!.keyboard!.inline_keyboard;
    expect(kb.map((r) => r.length)).toEqual([BUTTONS_PER_ROW, 2]);
    for (const b of kb.flat()) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
    expect(kb[0]![0]).toEqual({ text: 'B0', callback_data: 'a:abcd0xyz00:r' });
  });

  it('sends images as photos with their alt text as caption and the keyboard on the last part', () => {
    const png = new Uint8Array([137, 80, 78, 71]);
    const parts = renderTelegram(reply.of(reply.title('Chart'), reply.image(png, 'Equity <curve>', 'equity.png'), reply.buttons([{ label: 'Drawdown', action: ref('zzzz9999') }])));
    expect(parts.map((p) => p.kind)).toEqual(['text', 'photo']);
    const photo = parts[1]!;
    expect(photo.kind === 'photo' && photo.captionHtml).toBe('Equity &lt;curve&gt;');
    expect(photo.kind === 'photo' && photo.png).toBe(png);
    expect(photo.keyboard?.inline_keyboard[0]![0]!.text).toBe('Drawdown');
  });
});
