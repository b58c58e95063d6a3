/**
 * `npm run bench`: Discord against the local fake — login time (gateway lookup, HELLO → IDENTIFY → READY →
 * GUILD_CREATE, until discord.js says ready) and the interaction round trip (INTERACTION_CREATE dispatched on the
 * gateway → the transport's callback accepted by the fake) for /portfolio and /risk on the paper venue. Medians are
 * reported in issue notes; nothing asserts a speed.
 */
import { performance } from 'node:perf_hooks';
import { test } from 'vitest';
import { COMMANDS } from '../../commands/index.ts';
import { buildApp } from '../../src/app/build.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { memoryRepositories } from '../../src/storage/memory/index.ts';
import { DiscordTransport } from '../../src/transports/discord/bot.ts';
import { PaperVenue } from '../../src/venues/paper/venue.ts';
import { DISCORD_TOKEN, FakeDiscord } from '../fakes/discord.ts';

const USER = '424242424242424242';

function median(xs: readonly number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  const m = Math.floor(a.length / 2);
  return a.length % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2;
}

test('Discord: login time and interaction round trip (INTERACTION_CREATE in → callback out)', { timeout: 120_000 }, async ({ bench }) => {
  const fake = new FakeDiscord();
  await fake.start();
  const clock = new ManualClock(Date.UTC(2026, 10, 21, 9));
  const venue = new PaperVenue({ clock, seed: 42 });
  const logger = silentLogger();
  const { dispatcher } = buildApp({
    commands: COMMANDS, sources: [venue], history: venue.history, repos: memoryRepositories(), clock, logger,
    runtime: { version: 'bench', venueMode: 'paper', executionMode: 'dry-run', transport: 'discord', startedAt: clock.now(), timeZone: 'UTC', storage: 'memory' },
  });
  const make = (): DiscordTransport<unknown> => new DiscordTransport({
    token: DISCORD_TOKEN, apiRoot: fake.apiUrl, dispatcher, logger, access: { allowed: [{ userId: USER, role: 'admin' }], roleMap: [] },
  });
  const logins: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t = make();
    const t0 = performance.now();
    await t.start({ timeoutMs: 10_000 });
    logins.push(performance.now() - t0);
    await t.stop();
  }
  const transport = make();
  await transport.start();
  const waiting = new Map<string, () => void>();
  fake.callbackListener = (c) => waiting.get(c.token)?.();
  const roundTrip = (name: string): Promise<void> => new Promise((resolve) => {
    const { token } = fake.chatInput({ name, userId: USER });
    waiting.set(token, () => { waiting.delete(token); resolve(); });
  });
  try {
    const medians: string[] = [];
    for (const name of ['portfolio', 'risk']) {
      const r = await bench(`/${name}`, () => roundTrip(name)).run();
      medians.push(`/${name} ${r.latency.p50?.toFixed(2) ?? '?'} ms`);
    }
    process.stdout.write(`Discord login median ${median(logins).toFixed(1)} ms (15 logins) · interaction round trip medians: ${medians.join(' · ')}\n`);
  } finally {
    await transport.stop();
    await fake.stop();
  }
});
