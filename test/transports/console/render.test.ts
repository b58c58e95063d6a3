import { describe, expect, it } from 'vitest';
import { reply } from '../../../src/core/reply.ts';
import { renderReply, renderTable } from '../../../src/transports/console/render.ts';

describe('console renderer', () => {
  it('aligns fields and right-aligns numeric table columns', () => {
    const r = renderReply(reply.of(
      reply.title('Health 96/100'),
      reply.fields([['Maint. margin', '$360.00'], ['Free', '$8,300.00']]),
      reply.table(['Market', { header: 'Liq.', align: 'right' }], [['SOL-PERP', '$18.49'], ['ETH-PERP', '$10,388.35']]),
    ));
    expect(r.text).toBe([
      '== Health 96/100 ==',
      '  Maint. margin  $360.00',
      '  Free           $8,300.00',
      'Market          Liq.',
      '────────  ──────────',
      'SOL-PERP      $18.49',
      'ETH-PERP  $10,388.35',
    ].join('\n'));
  });

  it('numbers buttons across blocks in order', () => {
    const a = { id: 'aaaa1111', verb: 'r' };
    const r = renderReply(reply.of(reply.buttons([{ label: 'One', action: a }, { label: 'Two', action: a }]), reply.buttons([{ label: 'Three', action: a }])));
    expect(r.text).toBe('[1] One  [2] Two\n[3] Three');
    expect(r.buttons.map((b) => b.label)).toEqual(['One', 'Two', 'Three']);
  });

  it('marks errors, warnings and images', () => {
    expect(renderReply(reply.error('bad', 'Usage: /x')).text).toBe('✖ bad\n  Usage: /x');
    expect(renderReply(reply.of(reply.text('careful', 'warning'), reply.image(new Uint8Array([1]), 'equity curve'))).text).toBe('⚠ careful\n[chart: equity curve]');
  });

  it('pads by code points so symbols do not break alignment', () => {
    expect(renderTable({ kind: 'table', columns: [{ header: 'A' }, { header: 'B' }], rows: [['◀', 'x'], ['ab', 'y']] })).toBe('A   B\n──  ─\n◀   x\nab  y');
  });
});
