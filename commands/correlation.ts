import type { AppServices } from '../src/app/services.ts';
import { defineCommand, reply } from '../src/core/index.ts';

/** Pairs listed on a phone: the strongest; the full matrix is /chart correlation. */
const TOP_PAIRS = 12;

/** The TOP_PAIRS pairs of distinct assets with the strongest correlation (by |ρ|), and how many more there are. */
function pairs(assets: readonly string[], matrix: readonly (readonly number[])[]): string[][] {
  const out: { pair: string; rho: number }[] = [];
  assets.forEach((a, i) => assets.slice(i + 1).forEach((b, k) => out.push({ pair: `${a}–${b}`, rho: matrix[i]?.[i + 1 + k] ?? 0 })));
  const rows = out.sort((x, y) => Math.abs(y.rho) - Math.abs(x.rho)).map((p) => [p.pair, p.rho.toFixed(2)]);
  return rows.length > TOP_PAIRS ? [...rows.slice(0, TOP_PAIRS), [`+${rows.length - TOP_PAIRS} more`, '']] : rows;
}

export default defineCommand<AppServices>()({
  name: 'correlation',
  description: 'Correlation matrix of the assets you hold (daily returns)',
  role: 'viewer',
  group: 'Risk',
  args: {},
  async run({ services }) {
    const { report: r } = await services.risk.report();
    const { assets, matrix } = r.correlation;
    const rows = assets.map((a, i) => [a, ...assets.map((_b, j) => (i === j ? '1' : (matrix[i]?.[j] ?? 0).toFixed(2)))]);
    return reply.of(
      reply.title('Correlation (daily returns)'),
      reply.muted(`${r.days} days · ${services.risk.historyName}`),
      reply.table(['', ...assets.map((a) => ({ header: a.slice(0, 5), align: 'right' as const }))], rows,
        // A matrix too wide for a phone becomes its strongest pairs.
        reply.table(['Pair', { header: 'ρ', align: 'right' }], pairs(assets, matrix))),
    );
  },
});
