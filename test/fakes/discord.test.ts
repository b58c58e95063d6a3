/**
 * The Discord fake against the real discord.js client: login over the gateway (HELLO → IDENTIFY → READY →
 * GUILD_CREATE), command registration with Discord's validation, an interaction round trip, a 429 the client waits out,
 * a bad token, and a dropped socket the client resumes without losing a dispatch.
 */
import { Client, DiscordAPIError, Events, GatewayIntentBits, REST, Routes } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.ts';
import { slashCommands } from '../../src/transports/discord/definitions.ts';
import { APPLICATION_ID, DISCORD_TOKEN, FakeDiscord } from './discord.ts';

let fake: FakeDiscord;
let client: Client | undefined;

beforeEach(async () => {
  fake = new FakeDiscord();
  await fake.start();
});

afterEach(async () => {
  await client?.destroy();
  client = undefined;
  await fake.stop();
});

async function login(token = DISCORD_TOKEN): Promise<Client> {
  const c = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
  client = c;
  const ready = new Promise<void>((resolve) => c.once(Events.ClientReady, () => resolve()));
  await c.login(token);
  await ready;
  return c;
}

describe('FakeDiscord with the real discord.js client', () => {
  it('logs in: READY and GUILD_CREATE reach the cache (guild, channel, roles)', async () => {
    const c = await login();
    expect(c.user?.id).toBe(APPLICATION_ID);
    const guild = c.guilds.cache.get(fake.guilds[0]!.id);
    expect(guild?.name).toBe('Desk');
    expect(guild?.channels.cache.map((ch) => ch.name)).toEqual(['alerts']);
    expect(fake.calls(/^\/gateway\/bot$/)).toHaveLength(1);
  });

  it('a bad token is refused at the gateway lookup (401)', async () => {
    const c = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    client = c;
    await expect(c.login('bad.token.value')).rejects.toThrow(/invalid token/i);
  });

  it('registers the generated commands (guild scope), refuses an invalid body in Discord’s error shape, waits out a 429', async () => {
    const rest = new REST({ api: fake.apiUrl }).setToken(DISCORD_TOKEN);
    const guildId = fake.guilds[0]!.id;
    fake.failNext(/^PUT \/applications\/\d+\/guilds\/\d+\/commands$/, 429);
    const body = slashCommands(COMMANDS);
    const put = await rest.put(Routes.applicationGuildCommands(APPLICATION_ID, guildId), { body }) as { name: string; id: string }[];
    expect(put.map((x) => x.name)).toEqual(COMMANDS.map((x) => x.name));
    expect(fake.commands.get(guildId)).toHaveLength(COMMANDS.length);
    const puts = fake.calls(/commands$/);
    expect(puts.map((x) => x.status)).toEqual([429, 200]);
    const bad = [{ name: 'Bad Name', description: '', options: [] }];
    const err = await rest.put(Routes.applicationCommands(APPLICATION_ID), { body: bad }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiscordAPIError);
    expect((err as DiscordAPIError).code).toBe(50035);
  });

  it('an interaction round trip: the slash command reaches the client, its reply reaches the callback route once', async () => {
    const c = await login();
    c.on(Events.InteractionCreate, (i) => {
      if (i.isChatInputCommand()) void i.reply({ content: `pong ${i.options.getString('market') ?? ''}`.trim() });
    });
    const { id } = fake.chatInput({ name: 'prices', userId: '444444444444444444', options: [{ name: 'market', type: 3, value: 'SOL' }] });
    const cb = await fake.waitForCallback((x) => x.interactionId === id);
    expect(cb.type).toBe(4);
    expect(cb.data).toMatchObject({ content: 'pong SOL' });
  });

  it('a dropped gateway socket: the client resumes and receives what was dispatched meanwhile', async () => {
    const c = await login();
    const seen: string[] = [];
    c.on(Events.InteractionCreate, (i) => {
      if (i.isChatInputCommand()) {
        seen.push(i.commandName);
        void i.reply({ content: 'ok' });
      }
    });
    fake.dropConnections();
    const { id } = fake.chatInput({ name: 'portfolio', userId: '444444444444444444' });
    await fake.waitForCallback((x) => x.interactionId === id, 20_000);
    expect(seen).toEqual(['portfolio']);
    // Resumed (the dispatch replayed from the session), not a new identify.
    expect([fake.identifies, fake.resumes]).toEqual([1, 1]);
  }, 30_000);
});
