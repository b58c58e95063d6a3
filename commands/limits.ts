import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, reply, UserError } from '../src/core/index.ts';
import { LIMIT_ALIASES, LIMIT_SPECS, roleAllows, type RiskLimits } from '../src/domain/index.ts';
import { fmtPct } from '../src/shared/format.ts';

function show(key: keyof RiskLimits, value: number): string {
  const unit = LIMIT_SPECS[key].unit;
  if (unit === 'x') return `${value}x`;
  if (unit === 'usd') return `$${value.toLocaleString('en-US')}`;
  if (unit === 'fraction') return key === 'maxCorrelationExposure' ? value.toFixed(2) : fmtPct(value, 1);
  return `${value}`;
}

export default defineCommand<AppServices>()({
  name: 'limits',
  description: 'Risk limits and breaches; /limits check plans trims; admins: /limits set leverage 3',
  role: 'viewer',
  group: 'Risk',
  help: `Keys: ${Object.keys(LIMIT_ALIASES).join(', ')}. Fractions as 0.3 or 30%.`,
  args: {
    action: arg.enum({ values: ['show', 'check', 'set'], default: 'show', description: 'show, check or set' }),
    key: arg.string({ optional: true, maxLength: 32, description: 'Limit to set' }),
    value: arg.number({ optional: true, description: 'New value' }),
  },
  async run({ args, services, actor, chat }) {
    if (args.action === 'set') {
      if (!roleAllows(actor.role ?? 'viewer', 'admin')) throw new UserError('forbidden', 'Changing limits needs the admin role.');
      if (!args.key || args.value === undefined) throw new UserError('bad_argument', 'set needs a key and a value.', 'Usage: /limits set leverage 3');
      const next = await services.limits.set(args.key, args.value, actor);
      const key = LIMIT_ALIASES[args.key.toLowerCase()] ?? (args.key as keyof RiskLimits);
      return reply.of(reply.text(`${LIMIT_SPECS[key].label} is now ${show(key, next[key])}.`));
    }
    const title = (n: number): string => (n === 0 ? 'Risk limits: all within' : `Risk limits: ${n} breach${n > 1 ? 'es' : ''}`);
    if (args.action === 'check' && roleAllows(actor.role ?? 'viewer', 'trader')) {
      const { violations } = await services.risk.violations();
      if (violations.length === 0) return reply.of(reply.title(title(0)), reply.text('No limit is broken: nothing to trim.'));
      const card = await services.actions.trims(actor, chat);
      // The title first, then what is broken, then the trim card (which carries its own heading).
      return reply.of(reply.title(title(violations.length)), reply.text(violations.map((v) => `• ${v.message}`).join('\n'), 'warning'), ...card.blocks);
    }
    const limits = await services.limits.get();
    const { violations, drawdown } = await services.risk.violations();
    const rows = (Object.keys(LIMIT_SPECS) as (keyof RiskLimits)[]).map((k) => {
      const alias = Object.entries(LIMIT_ALIASES).find(([, v]) => v === k)?.[0] ?? k;
      const broken = violations.some((v) => v.limit === k);
      return [`${broken ? '✖ ' : ''}${LIMIT_SPECS[k].label}`, show(k, limits[k]), alias];
    });
    return reply.of(
      reply.title(title(violations.length)),
      args.action === 'show'
        // A phone leaves the keys to /help limits: only admins type them.
        ? reply.table(['Limit', { header: 'Value', align: 'right' }, 'Key'], rows, reply.table(['Limit', { header: 'Value', align: 'right' }], rows.map((r) => r.slice(0, 2))))
        : null,
      violations.length > 0 ? reply.text(violations.map((v) => `• ${v.message}`).join('\n'), 'warning') : reply.text('No limit is broken.'),
      args.action === 'check' && violations.length > 0 ? reply.muted('A trader can plan the trims with /limits check.') : null,
      // The drawdown limit applies to recorded equity; a backtest of today's positions is not the account's history.
      drawdown === null ? reply.muted('Max drawdown: not enough recorded history yet (it is checked once Vigil has recorded equity).') : null,
    );
  },
});
