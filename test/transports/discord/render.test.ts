/** Reply → Discord messages: embeds, escaping, tables as code blocks, splitting under Discord's limits, attachments, buttons. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reply, type Button } from '../../../src/core/reply.ts';
import {
  BUTTONS_PER_ROW, COLORS, CUSTOM_ID_LIMIT, EMBED_DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT, renderDiscord,
} from '../../../src/transports/discord/render.ts';

const button = (i: number, style?: Button['style']): Button => ({ label: `B${i}`, action: { id: `act${i}xyz`, verb: 'ok' }, ...(style ? { style } : {}) });

describe('renderDiscord', () => {
  it('one message: the title as the embed title, fields in bold, a table as a code block, buttons as a row', () => {
    const [m, ...more] = renderDiscord(reply.of(
      reply.title('Portfolio'),
      reply.fields([['Equity', '$1,234.56'], ['PnL', '+$12.00']]),
      reply.table(['Asset', { header: 'Value', align: 'right' }], [['SOL', '$100.00'], ['BTC', '$1,134.56']]),
      reply.buttons([button(1, 'primary'), button(2, 'danger'), button(3)]),
    ));
    expect(more).toEqual([]);
    expect(m!.embeds[0]).toMatchObject({ title: 'Portfolio', color: COLORS.info });
    const d = m!.embeds[0]!.description!;
    expect(d).toContain('Equity: **$1,234.56**');
    expect(d).toMatch(/```\nAsset +Value\n[─ ]+\nSOL +\$100\.00\nBTC +\$1,134\.56\n```/);
    expect(m!.components).toEqual([{ type: 1, components: [
      { type: 2, style: 1, label: 'B1', custom_id: 'a:act1xyz:ok' }, { type: 2, style: 4, label: 'B2', custom_id: 'a:act2xyz:ok' }, { type: 2, style: 2, label: 'B3', custom_id: 'a:act3xyz:ok' },
    ] }]);
  });

  it('escapes markdown in text, keeps code blocks intact, colours errors and warnings', () => {
    const [m] = renderDiscord(reply.of(reply.text('*not bold* _nor_ `code` ~~x~~'), reply.code('a`b\n```c')));
    expect(m!.embeds[0]!.description).toContain('\\*not bold\\* \\_nor\\_ \\`code\\` \\~\\~x\\~\\~');
    expect(m!.embeds[0]!.description).not.toMatch(/```c/);
    expect(renderDiscord(reply.error('Nope.'))[0]!.embeds[0]!.color).toBe(COLORS.error);
    expect(renderDiscord(reply.of(reply.text('careful', 'warning')))[0]!.embeds[0]!.color).toBe(COLORS.warning);
  });

  it('a long table splits into several messages under the limits, each chunk with its header; buttons only on the last', () => {
    const rows = Array.from({ length: 600 }, (_, i) => [`ROW${i}`, `$${i}.00`]);
    const ms = renderDiscord(reply.of(reply.title('Audit'), reply.table(['Entry', 'Value'], rows), reply.buttons([button(1)])));
    expect(ms.length).toBeGreaterThan(2);
    for (const [i, m] of ms.entries()) {
      const d = m.embeds[0]!.description ?? '';
      expect([...d].length).toBeLessThanOrEqual(EMBED_DESCRIPTION_LIMIT);
      expect([...(m.embeds[0]!.title ?? ''), ...d].length).toBeLessThanOrEqual(EMBED_TOTAL_LIMIT);
      expect(d.startsWith('```\nEntry')).toBe(true);
      expect(m.components.length).toBe(i === ms.length - 1 ? 1 : 0);
    }
    expect(ms[0]!.embeds[0]!.title).toBe('Audit');
    const all = ms.map((m) => m.embeds[0]!.description).join('\n');
    for (const r of rows) expect(all).toContain(r[0]!);
  });

  it('an image is an attachment its embed shows; buttons beyond a row wrap, beyond 25 are refused', () => {
    const png = new Uint8Array([137, 80, 78, 71]);
    const ms = renderDiscord(reply.of(reply.title('Chart'), reply.image(png, 'Equity curve', 'equity.png'), reply.buttons(Array.from({ length: 7 }, (_, i) => button(i)))));
    const withImage = ms.find((m) => m.files.length > 0)!;
    expect(withImage.files).toEqual([{ name: 'equity.png', data: png }]);
    expect(withImage.embeds[0]!.image).toEqual({ url: 'attachment://equity.png' });
    expect(ms.at(-1)!.components.map((r) => r.components.length)).toEqual([BUTTONS_PER_ROW, 2]);
    expect(() => renderDiscord(reply.of(reply.buttons(Array.from({ length: 26 }, (_, i) => button(i)))))).toThrow(/26 buttons/);
  });

  it('property: any text fits Discord’s limits and every line arrives', () => {
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 3000 }), { maxLength: 8 }), (texts) => {
      const ms = renderDiscord(reply.of(...texts.map((t) => reply.text(t))));
      for (const m of ms) {
        expect([...(m.embeds[0]!.description ?? '')].length).toBeLessThanOrEqual(EMBED_DESCRIPTION_LIMIT);
        for (const r of m.components) for (const b of r.components) expect(b.custom_id.length).toBeLessThanOrEqual(CUSTOM_ID_LIMIT);
      }
      expect(ms.length).toBeGreaterThanOrEqual(1);
    }), { numRuns: 60 });
  });
});
