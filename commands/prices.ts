import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, reply, UserError } from '../src/core/index.ts';
import { fmtPrice, fmtSignedPct, fmtTime } from '../src/shared/format.ts';

const HOUR = 3_600_000;

export default defineCommand<AppServices>()({
  name: 'prices',
  description: 'Current prices with 24h change; /prices SOL for one asset',
  role: 'viewer',
  group: 'Market',
  args: { asset: arg.string({ optional: true, upper: true, suggest: 'asset', pattern: /^[A-Z0-9]{2,10}$/, expected: 'an asset symbol such as SOL' }) },
  async run({ args, services }) {
    const p = await services.portfolio.refresh();
    const now = p.asOf;
    const known = Object.keys(p.prices).sort();
    const change = async (asset: string, hours: number): Promise<number | null> => {
      const s = await services.history.closes(asset, { interval: '1h', to: now - hours * HOUR, limit: 1 });
      const then = s.close[0];
      const current = p.prices[asset];
      return then && current ? current / then - 1 : null;
    };
    if (args.asset) {
      const price = p.prices[args.asset];
      if (price === undefined) throw new UserError('not_found', `No price for ${args.asset}.`, `Known assets: ${known.join(', ')}`);
      const day = await services.history.closes(args.asset, { interval: '1h', from: now - 24 * HOUR, to: now });
      return reply.of(
        reply.title(`${args.asset} ${fmtPrice(price)}`),
        reply.fields([
          ['1h', fmtSignedPct(await change(args.asset, 1) ?? NaN)],
          ['24h', fmtSignedPct(await change(args.asset, 24) ?? NaN)],
          ['7d', fmtSignedPct(await change(args.asset, 24 * 7) ?? NaN)],
          ['24h range', day.close.length ? `${fmtPrice(Math.min(...day.close))} – ${fmtPrice(Math.max(...day.close))}` : '—'],
        ]),
        reply.muted(`As of ${fmtTime(now, services.runtime.timeZone)} · ${services.history.name}`),
      );
    }
    const rows = await Promise.all(known.map(async (a) => [a, fmtPrice(p.prices[a]), fmtSignedPct(await change(a, 24) ?? NaN)]));
    return reply.of(
      reply.title('Prices'),
      reply.table(['Asset', { header: 'Price', align: 'right' }, { header: '24h', align: 'right' }], rows),
      reply.muted(`As of ${fmtTime(now, services.runtime.timeZone)} · ${services.history.name}`),
    );
  },
});
