import type { AppServices } from '../src/app/services.ts';
import { defineCommand, reply } from '../src/core/index.ts';

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
      reply.table(['', ...assets.map((a) => ({ header: a.slice(0, 5), align: 'right' as const }))], rows),
    );
  },
});
