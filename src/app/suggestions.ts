/**
 * Live values for arguments being typed (Discord autocomplete): markets the venues trade, assets held, LP positions by
 * their /lp number, pools, and the plans this person may act on. From the last refresh, never a new venue read: an
 * autocomplete answer has to arrive within Discord's 3 seconds.
 */
import type { Suggestion } from '../core/dispatcher.ts';
import type { SuggestSource } from '../core/args.ts';
import { actorKey, roleAllows, type Actor } from '../domain/index.ts';
import type { ActionService } from './actions/service.ts';
import { lpViews } from './lp-view.ts';
import type { PortfolioService } from './portfolio.ts';

/** Suggestions for a source (the dispatcher filters them by what was typed and authorises the asker first). */
export function suggestionSource(deps: { portfolio: PortfolioService; actions: ActionService }) {
  return async (source: Exclude<SuggestSource, 'command'>, actor: Actor): Promise<Suggestion[]> => {
    switch (source) {
      case 'market': {
        const markets = deps.actions.markets().map((m) => ({ label: `${m.market} · ${m.venue} ${m.kind}`, value: m.market }));
        const held = [...new Set((await deps.portfolio.current()).positions.map((p) => p.asset))].map((a) => ({ label: `${a} · held`, value: a }));
        return [{ label: 'all · every exposure', value: 'all' }, ...held, ...markets];
      }
      case 'asset': {
        const p = await deps.portfolio.current();
        return [...new Set([...p.positions.map((x) => x.asset), ...Object.keys(p.prices)])].sort().map((a) => ({ label: a, value: a }));
      }
      case 'position':
        return lpViews(await deps.portfolio.current()).map((v) => ({ label: `#${v.index} ${v.position.pool} · ${v.position.inRange ? 'in range' : 'out of range'}`, value: String(v.index) }));
      case 'pool':
        return [...new Set(lpViews(await deps.portfolio.current()).map((v) => v.position.pool))].map((pool) => ({ label: pool, value: pool }));
      case 'plan': {
        // Only the plans this person could cancel or confirm: their own, or any for an admin.
        const rows = (await deps.actions.pending()).filter((r) => r.approval.state === 'pending'
          && (r.plan.requestedBy === actorKey(actor) || roleAllows(actor.role ?? 'viewer', 'admin')));
        return rows.map((r) => ({ label: `${r.plan.id} · ${r.plan.title}`, value: r.plan.id }));
      }
    }
  };
}
