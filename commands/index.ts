/** Every slash command, in /help order. */
import type { AppServices } from '../src/app/services.ts';
import type { AnyCommand } from '../src/core/index.ts';
import health from './health.ts';
import help from './help.ts';
import portfolio from './portfolio.ts';
import positions from './positions.ts';
import prices from './prices.ts';
import start from './start.ts';
import status from './status.ts';

export const COMMANDS: readonly AnyCommand<AppServices>[] = [
  start, help, portfolio, positions, health, prices, status,
] as readonly AnyCommand<AppServices>[];
