/** A full app (real commands, dispatcher, paper venue, memory storage) on a manual clock, for command tests. */
import { COMMANDS } from '../../commands/index.ts';
import { buildApp, type ApprovalSettings } from '../../src/app/build.ts';
import { buttonsOf, encodeActionRef, plainText, type Reply } from '../../src/core/reply.ts';
import type { Actor, ChatRef, ExecutionMode, Role } from '../../src/domain/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { memoryRepositories } from '../../src/storage/memory/index.ts';
import type { StartingPortfolio } from '../../src/venues/paper/portfolio-file.ts';
import { PAPER_ASSETS, type PaperAsset } from '../../src/venues/paper/simulator.ts';
import { PaperExecutor } from '../../src/venues/paper/executor.ts';
import { PaperVenue } from '../../src/venues/paper/venue.ts';
import { captureLogger } from './logger.ts';

export const T0 = Date.UTC(2026, 10, 21, 9, 0, 0);
export const CHAT: ChatRef = { platform: 'console', chatId: 'test' };

/** Round prices so every figure can be worked out by hand. */
export const ROUND_PRICES: Record<PaperAsset, number> = {
  ...(Object.fromEntries(PAPER_ASSETS.map((a) => [a, 1])) as Record<PaperAsset, number>),
  SOL: 100, BTC: 50_000, ETH: 2_000,
};

export function testApp(opts: {
  portfolio?: StartingPortfolio; prices?: Partial<Record<PaperAsset, number>>; seed?: number; mode?: ExecutionMode; approvals?: Partial<ApprovalSettings>;
  repos?: ReturnType<typeof memoryRepositories>; clock?: ManualClock; venue?: PaperVenue; executor?: PaperExecutor; oracleBaseDir?: string;
} = {}) {
  const clock = opts.clock ?? new ManualClock(T0);
  const venue = opts.venue ?? new PaperVenue({
    clock, seed: opts.seed ?? 1, ...(opts.portfolio ? { portfolio: opts.portfolio } : {}),
    ...(opts.prices ? { startPrices: opts.prices } : {}), historyDays: 30, historyHours: 24 * 8,
  });
  const repos = opts.repos ?? memoryRepositories();
  const executor = opts.executor ?? new PaperExecutor(venue);
  const { logger, records } = captureLogger();
  const app = buildApp({
    commands: COMMANDS, sources: [venue], history: venue.history, repos, clock, logger,
    executors: [executor], ...(opts.approvals ? { approvals: opts.approvals } : {}), ...(opts.oracleBaseDir ? { oracleBaseDir: opts.oracleBaseDir } : {}),
    runtime: { version: '0.1.0', venueMode: 'paper', executionMode: opts.mode ?? 'dry-run', transport: 'console', startedAt: T0, timeZone: 'UTC', storage: 'memory' },
    notificationSpacingMs: 0,
  });
  const actor = (role: Role | null = 'viewer', userId = 'u1'): Actor => ({ platform: 'console', userId, displayName: userId === 'u1' ? 'Tess' : `User ${userId}`, role });
  const send = async (text: string, role: Role | null = 'viewer'): Promise<Reply> => {
    const r = await app.dispatcher.handleText({ actor: actor(role), chat: CHAT, text });
    if (!r) throw new Error(`no reply to ${text}`);
    return r;
  };
  const press = async (r: Reply, label: string, role: Role | null = 'viewer', userId = 'u1') => {
    const b = buttonsOf(r).find((x) => x.label === label);
    if (!b) throw new Error(`no button ${label} in ${buttonsOf(r).map((x) => x.label).join(', ')}`);
    return app.dispatcher.handlePress({ actor: actor(role, userId), chat: CHAT, data: encodeActionRef(b.action) });
  };
  return { clock, venue, executor, repos, records, app, send, press, actor, text: plainText };
}

/** The value of field `label` in a reply (first match). */
export function field(r: Reply, label: string): string | undefined {
  for (const b of r.blocks) if (b.kind === 'fields') for (const f of b.fields) if (f.label === label) return f.value;
  return undefined;
}
