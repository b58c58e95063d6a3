import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, UserError } from '../src/core/index.ts';

/** "$5,000", "-2000", "0" → USD; "50%" → keep half the delta. */
function parseTarget(text: string | undefined): { targetUsd: number | null; keep: number | null } {
  if (text === undefined) return { targetUsd: 0, keep: null };
  const t = text.replace(/[_,\s]/g, '').replace(/^([+-]?)\$/, '$1');
  const pct = /^([+-]?\d+(?:\.\d+)?)%$/.exec(t);
  if (pct) {
    const keep = Number(pct[1]) / 100;
    if (!(keep >= 0 && keep <= 1)) throw new UserError('bad_argument', `TARGET_DELTA ${text}: a share of today's delta must be from 0% to 100%.`, 'Example: /hedge SOL 50% keeps half of the SOL delta.');
    return { targetUsd: null, keep };
  }
  if (!/^[+-]?\d+(?:\.\d+)?$/.test(t)) {
    throw new UserError('bad_argument', `TARGET_DELTA: expected a USD amount (0, -2000, $5,000) or a share of today's delta (50%), got "${text}".`, 'Usage: /hedge [MARKET] [TARGET_DELTA] [via=ASSET], e.g. /hedge SOL 0');
  }
  const usd = Number(t);
  if (!Number.isFinite(usd) || Math.abs(usd) > 1e12) throw new UserError('bad_argument', `TARGET_DELTA ${text} is out of range.`);
  return { targetUsd: usd, keep: null };
}

/** "SOL", "sol-perp", "all" → the underlying asset (null for all). */
function parseMarket(text: string): string | null {
  const t = text.toUpperCase();
  if (t === 'ALL' || t === '*') return null;
  const m = /^(?:1M)?([A-Z0-9]{2,12})(?:-PERP)?$/.exec(t);
  if (!m?.[1]) throw new UserError('bad_argument', `MARKET: expected an asset or perp such as SOL or SOL-PERP (or all), got "${text}".`);
  return m[1];
}

export default defineCommand<AppServices>()({
  name: 'hedge',
  description: 'Plan perp trades that bring net delta to a target; confirm to send',
  role: 'trader',
  group: 'Trade',
  help: [
    'MARKET: an asset (SOL), its perp (SOL-PERP) or all (default). TARGET_DELTA: USD (default 0 = delta-neutral) or a share to keep (50%).',
    'Delta counts spot, perps and LP price sensitivity across venues. An asset without a perp is cross-hedged with the perp',
    'that explains most of its variance (β and R² shown); via=SOL picks the proxy yourself (/hedge BONK via=SOL).',
    'Nothing is sent until you tap Confirm.',
  ].join('\n'),
  args: {
    market: arg.string({ default: 'all', suggest: 'market', maxLength: 20, expected: 'an asset or perp such as SOL or SOL-PERP, or all', description: 'Asset or perp (default all)' }),
    target: arg.string({ optional: true, maxLength: 24, expected: 'a USD amount like 0 or -2000, or a share like 50%', description: 'Target delta, USD or %' }),
    via: arg.string({ optional: true, suggest: 'asset', maxLength: 20, expected: 'an asset whose perp to hedge with, such as SOL', description: 'Hedge with this asset’s perp (β-weighted)' }),
  },
  async run({ args, services, actor, chat }) {
    const asset = parseMarket(args.market);
    const t = parseTarget(args.target);
    const via = args.via === undefined ? null : parseMarket(args.via);
    if (args.via !== undefined && via === null) throw new UserError('bad_argument', 'via: name one asset, such as SOL.');
    return services.actions.hedge({ asset, targetUsd: t.targetUsd, keep: t.keep, via }, actor, chat);
  },
});
