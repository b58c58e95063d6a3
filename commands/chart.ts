import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, reply } from '../src/core/index.ts';

export default defineCommand<AppServices>()({
  name: 'chart',
  description: 'Chart: equity, drawdown, allocation or correlation',
  role: 'viewer',
  group: 'Risk',
  args: { kind: arg.enum({ values: ['equity', 'drawdown', 'allocation', 'correlation'], default: 'equity', description: 'Which chart' }) },
  async run({ args, services, buttons }) {
    const img = await services.charts.render(args.kind);
    const others = (['equity', 'drawdown', 'allocation', 'correlation'] as const).filter((k) => k !== args.kind);
    return reply.of(
      reply.image(img.png, img.alt, img.filename),
      reply.buttons(await Promise.all(others.map((k) => buttons.command(k[0]!.toUpperCase() + k.slice(1), 'chart', [k])))),
    );
  },
});
