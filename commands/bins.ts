import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, reply, UserError } from '../src/core/index.ts';
import { fmtPriceIn, fmtQty } from '../src/shared/format.ts';

/** Bar width in characters: with an 8-character price and a marker the lines stay within 35 columns on a phone. */
const WIDTH = 14;

export default defineCommand<AppServices>()({
  name: 'bins',
  description: 'Liquidity over the bins of an LP position, active bin and price marked',
  role: 'viewer',
  group: 'Portfolio',
  args: {
    position: arg.string({ maxLength: 64, suggest: 'position', expected: 'a position number from /lp (1, 2 …) or the start of its address', description: 'Position (# from /lp)' }),
  },
  async run({ args, services, buttons }) {
    const p = await services.portfolio.refresh();
    const views = services.views.lps(p);
    const v = services.views.findLp(views, args.position);
    if (!v) {
      throw new UserError('not_found', views.length === 0 ? 'No liquidity positions to show.' : `No position "${args.position}": use a number from /lp (1–${views.length}).`);
    }
    const lp = v.position;
    // Value of each bin in quote units: base at the bin's own price (what it converts at) plus quote.
    const rows = lp.bins.map((b) => {
      const base = (Number(b.base.raw) / 10 ** b.base.decimals) * b.price;
      const quote = Number(b.quote.raw) / 10 ** b.quote.decimals;
      return { id: b.binId, price: b.price, base, quote };
    }).sort((a, b) => b.id - a.id);
    const max = Math.max(...rows.map((r) => r.base + r.quote), 0);
    const lines = rows.map((r) => {
      const n = max > 0 ? Math.round(((r.base + r.quote) / max) * WIDTH) : 0;
      const nb = max > 0 ? Math.round((r.base / max) * WIDTH) : 0;
      const bar = '█'.repeat(Math.min(nb, n)) + '░'.repeat(Math.max(0, n - nb));
      const marks = `${r.id === lp.activeBinId ? ' ◀' : ''}${r.id === v.oracleBinId ? ' •' : ''}`;
      // Five significant digits tell neighbouring bins apart down to 1 bp steps at any price.
      return `${fmtQty(r.price, Math.max(0, 4 - Math.floor(Math.log10(r.price)))).padStart(9)} ${bar.padEnd(WIDTH)}${marks}`;
    });
    const outside = lp.inRange ? '' : `\nActive bin ${fmtPriceIn(v.poolPrice, lp.quoteAsset)} is outside the range.`;
    return reply.of(
      reply.title(`#${v.index} ${lp.pool} bins ${lp.lowerBinId}…${lp.upperBinId}`),
      reply.code(lines.join('\n')),
      reply.muted(`█ ${lp.baseAsset} · ░ ${lp.quoteAsset} (value in ${lp.quoteAsset}) · ◀ active bin · • oracle ${fmtPriceIn(v.oraclePrice, lp.quoteAsset)}${outside}`),
      reply.buttons([await buttons.command('↻ Refresh', 'bins', [String(v.index)]), await buttons.command('All LPs', 'lp')]),
    );
  },
});
