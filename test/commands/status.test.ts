/**
 * /status by role: where the bot keeps its files (the state file, paths inside venue and job errors) is shown to
 * admins only; viewers and traders see the same status without any server path.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.ts';
import { buildApp } from '../../src/app/build.ts';
import { plainText, type Reply } from '../../src/core/reply.ts';
import type { Role } from '../../src/domain/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { memoryRepositories } from '../../src/storage/memory/index.ts';
import { PaperVenue } from '../../src/venues/paper/venue.ts';
import { PaperExecutor } from '../../src/venues/paper/executor.ts';
import { CHAT, field, ROUND_PRICES, T0 } from '../helpers/app.ts';
import { captureLogger } from '../helpers/logger.ts';

const DATA = join(tmpdir(), 'vigil-status-x', 'data');
const STATE = join(DATA, 'vigil.json');
const CHART_ERROR = `EACCES: permission denied, open '${join(DATA, 'charts')}/a.png'`;

function app(storage = STATE) {
  const clock = new ManualClock(T0);
  const venue = new PaperVenue({ clock, seed: 1, startPrices: ROUND_PRICES, historyDays: 5, historyHours: 24 });
  const built = buildApp({
    commands: COMMANDS, sources: [venue], history: venue.history, repos: memoryRepositories(), clock, logger: captureLogger().logger,
    executors: [new PaperExecutor(venue)], notificationSpacingMs: 0,
    runtime: { version: '0.1.0', venueMode: 'paper', executionMode: 'dry-run', transport: 'telegram', startedAt: T0, timeZone: 'UTC', storage },
  });
  // A job whose last error names a file on the server (as a failed chart or log write would).
  built.services.monitor.jobs = () => [{ name: 'report', cron: '0 9 * * *', lastEnd: T0, lastOk: false, runs: 1, failures: 1, lastError: CHART_ERROR }];
  const status = async (role: Role): Promise<Reply> => {
    const r = await built.dispatcher.handleText({ actor: { platform: 'telegram', userId: role, displayName: role, role }, chat: CHAT, text: '/status' });
    if (!r) throw new Error('no reply to /status');
    return r;
  };
  return { status };
}

describe('/status and server paths', () => {
  it.each<Role>(['viewer', 'trader'])('a %s sees no server path: not the state file, not one inside an error', async (role) => {
    const r = await app().status(role);
    const text = plainText(r);
    expect(text).toContain('Vigil 0.1.0');
    expect(field(r, 'Storage')).toBe('state file (location shown to admins)');
    expect(text).not.toContain(DATA);
    expect(text).not.toContain(tmpdir());
    expect(text).not.toMatch(/(^|[\s'"(])\/[\w.-]+\/[\w.-]/m); // nothing path-like at all
    expect(text).toContain("failed 1×: EACCES: permission denied, open '[path]");
  });

  it('an admin sees the state file and the full error', async () => {
    const r = await app().status('admin');
    expect(field(r, 'Storage')).toBe(STATE);
    expect(plainText(r)).toContain(`failed 1×: ${CHART_ERROR.slice(0, 40)}`);
  });

  it('a store without a location (memory) is shown as is to everyone', async () => {
    expect(field(await app('memory').status('viewer'), 'Storage')).toBe('memory');
    // A relative data dir is a location too.
    expect(field(await app('data/vigil.json').status('viewer'), 'Storage')).toBe('state file (location shown to admins)');
  });
});
