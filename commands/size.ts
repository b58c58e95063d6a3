import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, reply } from '../src/core/index.ts';
import { fmtPct, fmtPrice, fmtQty, fmtUsd } from '../src/shared/format.ts';
import { usdFromNumber } from '../src/shared/money.ts';

const CAP_LABEL = { none: 'no limit', maxPositionSizeUsd: 'max position size', maxPositionSizePercent: 'max concentration', maxPortfolioLeverage: 'max leverage' } as const;

export default defineCommand<AppServices>()({
  name: 'size',
  description: 'Position size for MARKET by strategy: fixed, vol, var or kelly; capped by your limits',
  role: 'viewer',
  group: 'Risk',
  help: 'RISK means: fixed → fraction of equity; vol → target annual vol; var → 1-day VaR budget (fraction of equity); kelly → ignored (half-Kelly).',
  args: {
    market: arg.string({ upper: true, suggest: 'market', pattern: /^[A-Z0-9]{2,10}(-PERP)?$/, expected: 'an asset or market such as SOL or SOL-PERP' }),
    strategy: arg.enum({ values: ['fixed', 'vol', 'var', 'kelly'], default: 'var', description: 'Sizing strategy' }),
    risk: arg.number({ min: 0, max: 100, default: 0.02, description: 'Risk setting (see /help size)' }),
  },
  async run({ args, services }) {
    const asset = args.market.replace(/-PERP$/, '').replace(/^1M/, '');
    const risk = args.risk > 1 ? args.risk / 100 : args.risk;
    const { sizing, capped, price, volAnnual } = await services.analytics.size(asset, args.strategy, risk);
    return reply.of(
      reply.title(`Size ${args.market}: ${fmtUsd(usdFromNumber(capped.notionalUsd))}`),
      reply.fields([
        ['Units', `${fmtQty(capped.notionalUsd / price)} ${asset} at ${fmtPrice(price)}`],
        ['Strategy', `${sizing.method}: ${fmtUsd(usdFromNumber(sizing.notionalUsd))} (${fmtPct(sizing.fractionOfEquity, 1)} of equity)`],
        ['Capped by', capped.boundBy === 'none' ? 'nothing (within limits)' : CAP_LABEL[capped.boundBy]],
        ['Asset vol', `${fmtPct(volAnnual, 1)} a year`],
      ]),
      reply.muted(sizing.reasoning),
      capped.boundBy === 'none' ? null : reply.muted(capped.reasoning),
    );
  },
});
