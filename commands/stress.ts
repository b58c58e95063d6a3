import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, reply, UserError } from '../src/core/index.ts';
import { fmtHealth, fmtSignedPct, fmtSignedUsd } from '../src/shared/format.ts';
import { usdFromNumber } from '../src/shared/money.ts';

const PCT = /^[+-]?\d+(\.\d+)?%$/;
const ASSET = /^[A-Z0-9]{2,10}$/;

function move(text: string | undefined, what: string): number {
  if (text === undefined || !PCT.test(text)) throw new UserError('bad_argument', `${what}: expected a move such as -30%, got "${text ?? ''}"`, 'Usage: /stress SOL -30% [ETH -20%] · /stress -20% · /stress ftx-2022');
  const m = Number(text.slice(0, -1)) / 100;
  if (m <= -1) throw new UserError('bad_argument', `${what}: a price cannot fall ${text}; use a move above -100%`);
  return m;
}

export default defineCommand<AppServices>()({
  name: 'stress',
  description: 'Stress test: /stress SOL -30%, /stress -20%, /stress ftx-2022, or pick a scenario',
  role: 'viewer',
  group: 'Risk',
  help: 'Named scenarios replay real crashes (moves measured from history) or push correlations/volatility; /stress alone lists them with their ids.',
  args: {
    scenario: arg.string({ optional: true, maxLength: 32, description: 'Scenario id, asset, or a move for all' }),
    move: arg.string({ optional: true, maxLength: 10, description: 'Move of the asset, e.g. -30%' }),
    asset2: arg.string({ optional: true, upper: true, suggest: 'asset', maxLength: 10, description: 'Second asset' }),
    move2: arg.string({ optional: true, maxLength: 10, description: 'Move of the second asset' }),
  },
  async run({ args, services, buttons }) {
    if (!args.scenario) {
      const list = services.risk.scenarioNames();
      return reply.of(
        reply.title('Stress scenarios'),
        reply.text(list.map((s) => `${s.id} — ${s.name}: ${s.description}`).join('\n')),
        reply.muted('Or /stress SOL -30%, /stress SOL -30% ETH -20%, /stress -20% (all assets).'),
        reply.buttons(await Promise.all(list.slice(0, 6).map((s) => buttons.command(s.name, 'stress', [s.id])))),
      );
    }
    const first = args.scenario.toUpperCase();
    let spec: Parameters<AppServices['risk']['stress']>[0];
    if (PCT.test(args.scenario)) {
      if (args.move) throw new UserError('bad_argument', 'A move for all assets takes no further arguments.', 'Usage: /stress -20%');
      spec = { kind: 'uniform', move: move(args.scenario, 'move') };
    } else if (args.move !== undefined && ASSET.test(first)) {
      const moves: Record<string, number> = { [first]: move(args.move, first) };
      if (args.asset2) {
        if (!ASSET.test(args.asset2)) throw new UserError('bad_argument', `asset2: expected an asset symbol such as ETH, got "${args.asset2}"`);
        // "/stress SOL -30% SOL +30%": two moves for one asset — which one was meant is anyone's guess.
        if (args.asset2 === first) throw new UserError('bad_argument', `${first} is given twice (${args.move} and ${args.move2 ?? 'no move'}): give each asset one move.`, 'Example: /stress SOL -30% ETH -20%');
        moves[args.asset2] = move(args.move2, args.asset2);
      }
      spec = { kind: 'assets', moves };
    } else {
      spec = { kind: 'named', id: args.scenario.toLowerCase() };
    }
    const r = await services.risk.stress(spec);
    const acc = r.accounts[0];
    const rows = [...r.positions].sort((a, b) => a.pnl - b.pnl).map((p) => [p.label, fmtSignedUsd(usdFromNumber(p.pnl))]);
    const equity = Number(r.portfolio.totalValueUsd) / 1e6;
    const proxied = Object.entries(r.scenario.proxied ?? {});
    return reply.of(
      reply.title(`Stress: ${r.scenario.name}`),
      reply.muted(r.scenario.description),
      reply.fields([
        ['Total PnL', `${fmtSignedUsd(usdFromNumber(r.totalPnl))} (${fmtSignedPct(equity > 0 ? r.totalPnl / equity : 0, 1)} of equity)`],
        ...(acc ? [['Health', `${fmtHealth(acc.healthBefore)} → ${fmtHealth(acc.healthAfter)}`] as [string, string]] : []),
        ['Liquidation', acc?.liquidatable ? 'YES: the account would be liquidatable' : r.crossed.length > 0 ? `crossed: ${r.crossed.join(', ')}` : 'no'],
        ['Moves', Object.entries(r.scenario.moves).map(([a, m]) => `${a} ${fmtSignedPct(m, 1)}`).join(', ') || 'none'],
      ]),
      reply.table(['Position', { header: 'PnL', align: 'right' }], rows),
      proxied.length > 0 ? reply.muted(`No history then for ${proxied.map(([a, how]) => `${a} (as ${how})`).join('; ')}.`) : null,
      reply.buttons([await buttons.command('Scenarios', 'stress')]),
    );
  },
});
