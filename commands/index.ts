/** Every slash command, in /help order. */
import type { AppServices } from '../src/app/services.ts';
import type { AnyCommand } from '../src/core/index.ts';
import health from './health.ts';
import help from './help.ts';
import portfolio from './portfolio.ts';
import positions from './positions.ts';
import lp from './lp.ts';
import bins from './bins.ts';
import recenter from './recenter.ts';
import withdraw from './withdraw.ts';
import deposit from './deposit.ts';
import swap from './swap.ts';
import prices from './prices.ts';
import start from './start.ts';
import status from './status.ts';
import risk from './risk.ts';
import stress from './stress.ts';
import limits from './limits.ts';
import performance from './performance.ts';
import correlation from './correlation.ts';
import optimize from './optimize.ts';
import size from './size.ts';
import signals from './signals.ts';
import chart from './chart.ts';
import subscribe from './subscribe.ts';
import unsubscribe from './unsubscribe.ts';
import quiet from './quiet.ts';
import alerts from './alerts.ts';
import mute from './mute.ts';
import snooze from './snooze.ts';
import thresholds from './thresholds.ts';
import report from './report.ts';
import target from './target.ts';
import weights from './weights.ts';
import hedge from './hedge.ts';
import rebalance from './rebalance.ts';
import protect from './protect.ts';
import pending from './pending.ts';
import cancel from './cancel.ts';
import audit from './audit.ts';

export const COMMANDS: readonly AnyCommand<AppServices>[] = [
  start, help, portfolio, positions, lp, bins, health, prices, risk, stress, limits, performance, correlation, optimize, size, signals, chart, alerts, subscribe, unsubscribe, quiet, mute, snooze, thresholds, report, target, weights, hedge, rebalance, protect, recenter, withdraw, deposit, swap, pending, cancel, audit, status,
] as readonly AnyCommand<AppServices>[];
