import type { AppServices } from '../src/app/services.ts';
import { arg, bookArg, defineCommand, grossArg, reply, resolveBook, UserError } from '../src/core/index.ts';
import { fmtPct, fmtSignedPct } from '../src/shared/format.ts';

/** A yearly figure ("40%", "0.4", "-5%"), or a book word typed in its place ("/optimize min-variance long-short"). */
const TARGET_TEXT = /^([+-]?(\d+(\.\d*)?|\.\d+)%?|long-only|long-short)$/i;

export default defineCommand<AppServices>()({
  name: 'optimize',
  description: 'Target weights: min-variance, max-sharpe, target-vol (15%), return (efficient), risk-parity',
  role: 'viewer',
  group: 'Risk',
  help: [
    'Each |weight| capped by the concentration limit (/limits). Uses daily returns over the risk window.',
    'long-short allows shorts (perps): weights sum to 100% net, gross ≤ 150% unless gross= says otherwise (PyPortfolioOpt style).',
    'Examples: /optimize target-vol 60% · /optimize return 40% · /optimize min-variance long-short gross=200%',
  ].join('\n'),
  args: {
    objective: arg.enum({
      values: ['min-variance', 'max-sharpe', 'target-vol', 'efficient-return', 'risk-parity'], aliases: { return: 'efficient-return' },
      default: 'min-variance', description: 'Objective',
    }),
    target: arg.string({
      optional: true, maxLength: 12, pattern: TARGET_TEXT, expected: 'a yearly figure such as 20% or 0.2',
      description: 'Annual target: volatility (target-vol) or return (efficient-return), e.g. 40%',
    }),
    book: bookArg,
    gross: grossArg,
  },
  async run({ args, services, buttons }) {
    // "/optimize min-variance long-short": the book word lands in the target's place; resolveBook takes it as the book.
    const { slot: targetText, longShort } = resolveBook(args.target, args.book, args.gross, 'Usage: /optimize min-variance long-short gross=150%');
    const target = targetText === undefined ? undefined : annualFraction(targetText);
    if (target !== undefined && args.objective !== 'target-vol' && args.objective !== 'efficient-return') {
      throw new UserError('bad_argument', 'target only applies to target-vol and return.', 'Usage: /optimize target-vol 20% or /optimize return 40%');
    }
    if (target !== undefined && args.objective === 'target-vol' && !(target > 0)) {
      throw new UserError('bad_argument', `Target volatility must be above 0%, got ${fmtPct(target, 1)}.`, 'Usage: /optimize target-vol 20%');
    }
    const v = await services.analytics.optimize(args.objective, {
      ...(target !== undefined ? { target } : {}), longShort, ...(args.gross !== undefined ? { gross: args.gross } : {}),
    });
    const w = v.optimum.weights;
    const rows = v.assets.map((a, i) => [a, fmtPct(v.current[i] ?? 0, 1), fmtPct(w[i] ?? 0, 1), fmtSignedPct((w[i] ?? 0) - (v.current[i] ?? 0), 1)]);
    const caps = v.grossCap === null
      ? `each weight ≤ ${fmtPct(v.upperBound, 0)}`
      : `long-short · each weight within ±${fmtPct(v.upperBound, 0)} · gross ≤ ${fmtPct(v.grossCap, 0)}`;
    const goal = target === undefined ? '' : ` ${fmtPct(target, 1)}`;
    // /target re-optimises by name (and book, gross): offer it only where that gives these same weights.
    const reusable = args.objective !== 'efficient-return' && (args.objective !== 'target-vol' || target === undefined);
    const reuse = ['use', args.objective, ...(v.grossCap === null ? [] : ['long-short', `gross=${v.grossCap}`])];
    return reply.of(
      reply.title(`Optimise: ${args.objective}${goal}${v.grossCap === null ? '' : ' (long-short)'}`),
      reply.muted(`${v.assets.length} assets · ${v.days} days · ${caps}`),
      reply.table(['Asset', { header: 'Now', align: 'right' }, { header: 'Target', align: 'right' }, { header: 'Δ', align: 'right' }], rows),
      reply.fields([
        ['Volatility', `${fmtPct(v.annual.volatility, 1)} a year`],
        ['Expected return', v.annual.expectedReturn === null ? '—' : `${fmtSignedPct(v.annual.expectedReturn, 1)} a year (historical mean)`],
        ['Sharpe', v.annual.sharpe === null ? '—' : v.annual.sharpe.toFixed(2)],
        ...(v.grossCap === null ? [] : [['Gross', `${fmtPct(v.optimum.gross, 1)} of capital`] as [string, string]]),
      ]),
      v.optimum.note ? reply.text(`Note: ${v.optimum.note}.`, 'warning') : null,
      reply.muted(v.grossCap === null
        ? 'Weights only: nothing is traded. Expected returns are past means, a weak guide.'
        : 'Weights only: nothing is traded. Now = the asset’s net exposure / the book’s; below 0 is short. Expected returns are past means, a weak guide.'),
      reusable ? reply.buttons([await buttons.command('Use as target', 'target', reuse)]) : null,
    );
  },
});

/** "40%" → 0.4, "0.4" → 0.4; a bare number above 1 is read as percent ("40" → 0.4), as /optimize always has. */
function annualFraction(text: string): number {
  const pct = text.endsWith('%');
  const x = Number(pct ? text.slice(0, -1) : text);
  return pct || Math.abs(x) > 1 ? x / 100 : x;
}
