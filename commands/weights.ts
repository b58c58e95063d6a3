import type { AppServices } from '../src/app/services.ts';
import { roleAllows } from '../src/domain/index.ts';
import { arg, bookArg, defineCommand, grossArg, reply, resolveBook, UserError } from '../src/core/index.ts';
import { fmtPct, fmtSignedPct } from '../src/shared/format.ts';

const USAGE = 'Usage: /weights min-variance long-short gross=150%';

export default defineCommand<AppServices>()({
  name: 'weights',
  description: 'What a weight oracle proposes (equal, risk-parity, static:file, signals:url …) vs today; no trading',
  role: 'viewer',
  group: 'Risk',
  help: [
    'Oracles: equal (default), inverse-vol, risk-parity, min-variance, max-sharpe, target-vol (15%),',
    'static:<file.json|.yaml> (asset → weight), signals:<file.csv|.json or https URL> (asset,score,date; weights ∝ percentile rank).',
    'Files are read from the weights directory only (WEIGHTS_DIR); URLs must be https to a public address (an admin can allow a private host with WEIGHTS_URL_ALLOW).',
    'Computed oracles weight the risky assets held (every asset with history when fewer than two are held). Nothing is traded.',
    'long-short (min-variance, max-sharpe, target-vol, static:<file>): shorts via perps, weights sum to 100% net, gross ≤ 150%',
    'unless gross= says otherwise. Example: /weights max-sharpe long-short gross=200%',
  ].join('\n'),
  args: {
    oracle: arg.string({ optional: true, maxLength: 300, expected: 'an oracle name such as risk-parity or static:weights.yaml', description: 'Oracle (default equal), e.g. risk-parity or static:weights.yaml' }),
    book: bookArg,
    gross: grossArg,
  },
  async run({ args, services, actor }) {
    const b = resolveBook(args.oracle, args.book, args.gross, USAGE);
    if (b.longShort && b.slot === undefined) throw new UserError('bad_argument', 'long-short needs an optimiser or a static: file to make the weights.', USAGE);
    const oracle = b.slot ?? 'equal';
    // File and URL oracles make the server read a file or fetch a URL: traders only, never any viewer.
    if (/^(static|signals):/i.test(oracle) && !roleAllows(actor.role ?? 'viewer', 'trader')) {
      throw new UserError('forbidden', 'File and URL oracles need the trader role.');
    }
    const v = await services.oracles.propose(oracle, b.longShort ? { longShort: true, ...(b.gross !== undefined ? { gross: b.gross } : {}) } : {});
    const gross = v.rows.reduce((s, r) => s + Math.abs(r.proposed), 0);
    const totalNow = v.rows.reduce((s, r) => s + r.current, 0);
    const totalProposed = v.rows.reduce((s, r) => s + r.proposed, 0);
    return reply.of(
      reply.title(`Weights: ${v.oracle.name}`),
      reply.muted(v.oracle.description),
      reply.table(
        ['Asset', { header: 'Now', align: 'right' }, { header: 'Proposed', align: 'right' }, { header: 'Δ', align: 'right' }],
        [
          ...v.rows.map((r) => [r.asset, fmtPct(r.current, 1), fmtPct(r.proposed, 1), fmtSignedPct(r.delta, 1)]),
          ['Total', fmtPct(totalNow, 1), fmtPct(totalProposed, 1), ''],
        ],
      ),
      v.detail ? reply.muted(v.detail) : null,
      v.grossCap === null ? null : reply.fields([['Gross', `${fmtPct(gross, 1)} of capital (cap ${fmtPct(v.grossCap, 0)})`]]),
      v.note ? reply.text(`Note: ${v.note}.`, 'warning') : null,
      reply.muted(v.grossCap === null
        ? 'Now = the asset\'s share of gross exposure (its positions added). A proposal only: nothing is traded.'
        : 'Now = the asset\'s net exposure / the book\'s; below 0 is short (a perp). A proposal only: nothing is traded.'),
    );
  },
});
