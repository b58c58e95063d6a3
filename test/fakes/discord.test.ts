/**
 * The Discord fake against the real discord.js client: login over the gateway (HELLO → IDENTIFY → READY →
 * GUILD_CREATE), command registration with Discord's validation, an interaction round trip, a 429 the client waits out,
 * a bad token, and a dropped socket the client resumes without losing a dispatch; buttons (update → type 7),
 * autocomplete (type 8, ≤ 25 choices), deferred replies edited with a file (multipart), ephemeral follow-ups, the 3 s
 * answer window (10062), channel messages with files, Discord's message validation (50035, 50006), an outage (503 on
 * REST, gateway cut and resumed), and a slash command in the bot's DM.
 */
import {
  ActionRowBuilder, ButtonBuilder, ButtonStyle, Client, DiscordAPIError, EmbedBuilder, Events, GatewayIntentBits, HTTPError, MessageFlags, REST, Routes,
  type Interaction,
} from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { COMMANDS } from '../../commands/index.ts';
import { slashCommands } from '../../src/transports/discord/definitions.ts';
import { APPLICATION_ID, DISCORD_TOKEN, FakeDiscord, parseMultipart } from './discord.ts';

const USER = '444444444444444444';

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

/** Runs `fn` for every interaction the client receives; resolves with its first defined result, rejects on its first error. */
function handle<T>(c: Client, fn: (i: Interaction) => Promise<T | undefined>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    c.on(Events.InteractionCreate, (i) => {
      fn(i).then((v) => {
        if (v !== undefined) resolve(v);
      }, reject);
    });
  });
}

/** The first bytes of a PNG (signature and IHDR chunk) of the given size: enough for type sniffing and dimensions. */
function png(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'ascii');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr[16] = 8;
  ihdr[17] = 6;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr, Buffer.alloc(100)]);
}

function rest(o: { retries?: number } = {}): REST {
  return new REST({ api: fake.apiUrl, ...o }).setToken(DISCORD_TOKEN);
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => new Error('expected a failure'), (e: unknown) => e);
}

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
    // It waited (the 429 said 0.05 s in its body and reset-after header, 1 s in retry-after) before retrying.
    expect(puts[1]!.at - puts[0]!.at).toBeGreaterThanOrEqual(45);
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

  it('a button: received as isButton() with its custom id and message; update() arrives as a type-7 callback and edits the stored message', async () => {
    const c = await login();
    const channelId = fake.guilds[0]!.channels[0]!.id;
    const channel = c.channels.cache.get(channelId);
    if (!channel?.isSendable()) throw new Error('no sendable channel');
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('refresh:SOL').setLabel('Refresh').setStyle(ButtonStyle.Primary));
    const sent = await channel.send({ content: 'SOL 150', components: [row] });
    const seen = handle(c, async (i) => {
      if (!i.isButton()) return undefined;
      const info = { customId: i.customId, messageId: i.message.id, content: i.message.content, inGuild: i.inGuild(), user: i.user.id, roles: i.member?.roles };
      await i.update({ content: 'SOL 151', embeds: [new EmbedBuilder().setTitle('Refreshed')], components: [] });
      return info;
    });
    const { id, token } = fake.button({ customId: 'refresh:SOL', userId: USER, roles: ['555555555555555555'], messageId: sent.id });
    const info = await seen;
    expect(info).toMatchObject({ customId: 'refresh:SOL', messageId: sent.id, content: 'SOL 150', inGuild: true, user: USER });
    const cb = await fake.waitForCallback((x) => x.interactionId === id);
    expect(cb.type).toBe(7);
    const stored = fake.messages.get(sent.id)!;
    expect(stored).toMatchObject({ content: 'SOL 151', components: [], edits: 1, via: 'channel' });
    expect(stored.embeds).toEqual([expect.objectContaining({ title: 'Refreshed', type: 'rich' })]);
    // @original of a component interaction answered with 7 is the message the button is on.
    expect(fake.original(token)?.id).toBe(sent.id);
    expect(fake.channelMessages(channelId).map((m) => m.id)).toEqual([sent.id]);
  });

  it('a button on a message the fake never stored: deferUpdate() then editReply() edits that message; 6/7 are refused for a slash command', async () => {
    const c = await login();
    const seen = handle(c, async (i) => {
      if (!i.isButton()) return undefined;
      await i.deferUpdate();
      const edited = await i.editReply({ content: 'done' });
      return { clicked: i.message.id, edited: edited.id };
    });
    const clicked = fake.button({ customId: 'x', userId: USER, messageId: '1400000000000000000' });
    expect(await seen).toEqual({ clicked: '1400000000000000000', edited: '1400000000000000000' });
    expect(fake.callbackFor(clicked.token)?.type).toBe(6);
    expect(fake.messages.get('1400000000000000000')).toMatchObject({ content: 'done', edits: 1, via: 'channel' });
    const { id, token } = fake.chatInput({ name: 'prices', userId: USER });
    const err = await failure(rest().post(Routes.interactionCallback(id, token), { body: { type: 7, data: { content: 'x' } }, auth: false }));
    expect(err).toBeInstanceOf(DiscordAPIError);
    expect((err as DiscordAPIError).code).toBe(50035);
  });

  it('autocomplete: respond() arrives as type 8; 26 choices are refused with 50035 (and leave the interaction unanswered)', async () => {
    const c = await login();
    const seen = handle(c, async (i) => {
      if (!i.isAutocomplete()) return undefined;
      const focused = i.options.getFocused(true);
      await i.respond([{ name: 'SOL', value: 'SOL' }, { name: 'SOL-PERP', value: 'SOL-PERP' }]);
      return { name: i.commandName, focused, inGuild: i.inGuild() };
    });
    const { id } = fake.autocomplete({ name: 'prices', userId: USER, options: [{ name: 'market', type: 3, value: 'SO', focused: true }] });
    expect(await seen).toEqual({ name: 'prices', focused: { name: 'market', type: 3, value: 'SO', focused: true }, inGuild: true });
    const cb = await fake.waitForCallback((x) => x.interactionId === id);
    expect(cb.type).toBe(8);
    expect(cb.data).toEqual({ choices: [{ name: 'SOL', value: 'SOL' }, { name: 'SOL-PERP', value: 'SOL-PERP' }] });

    // discord.js would let 26 through only raw: the fake checks as Discord does.
    await client?.destroy();
    client = undefined;
    const second = fake.autocomplete({ name: 'prices', userId: USER, options: [{ name: 'market', type: 3, value: '', focused: true }] });
    const choices = Array.from({ length: 26 }, (_, k) => ({ name: `M${k}`, value: `M${k}` }));
    const err = await failure(rest().post(Routes.interactionCallback(second.id, second.token), { body: { type: 8, data: { choices } }, auth: false }));
    expect(err).toBeInstanceOf(DiscordAPIError);
    expect((err as DiscordAPIError).code).toBe(50035);
    expect((err as DiscordAPIError).rawError).toMatchObject({ errors: { data: { choices: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } } });
    const long = await failure(rest().post(Routes.interactionCallback(second.id, second.token), { body: { type: 8, data: { choices: [{ name: 'x'.repeat(101), value: 'x' }] } }, auth: false }));
    expect((long as DiscordAPIError).code).toBe(50035);
    // A type 4 is not an answer to an autocomplete.
    const wrong = await failure(rest().post(Routes.interactionCallback(second.id, second.token), { body: { type: 4, data: { content: 'x' } }, auth: false }));
    expect((wrong as DiscordAPIError).code).toBe(50035);
    await rest().post(Routes.interactionCallback(second.id, second.token), { body: { type: 8, data: { choices: choices.slice(0, 25) } }, auth: false });
    expect(fake.callbackFor(second.token)?.type).toBe(8);
    // An autocomplete result opens no webhook.
    const hook = await failure(rest().get(Routes.webhookMessage(APPLICATION_ID, second.token), { auth: false }));
    expect((hook as DiscordAPIError).code).toBe(10015);
  });

  it('deferReply() then editReply({ embeds, files }): the multipart edit is stored on the original with its attachment', async () => {
    const c = await login();
    const chart = png(640, 360);
    const seen = handle(c, async (i) => {
      if (!i.isChatInputCommand()) return undefined;
      await i.deferReply();
      const loading = await i.fetchReply();
      const edited = await i.editReply({
        embeds: [new EmbedBuilder().setTitle('Risk').setImage('attachment://chart.png')],
        files: [{ attachment: chart, name: 'chart.png' }],
      });
      return { loading: loading.flags.has(MessageFlags.Loading), attachment: edited.attachments.first(), image: edited.embeds[0]?.image };
    });
    const { id, token } = fake.chatInput({ name: 'risk', userId: USER });
    const got = await seen;
    expect(fake.callbackFor(token)).toMatchObject({ interactionId: id, type: 5, files: [] });
    expect(got.loading).toBe(true);
    expect(got.attachment).toMatchObject({ name: 'chart.png', size: chart.length, contentType: 'image/png', width: 640, height: 360 });
    expect(got.image?.url).toMatch(/^https:\/\/cdn\.discordapp\.com\/attachments\/\d+\/\d+\/chart\.png$/);
    const original = fake.original(token)!;
    expect(original).toMatchObject({ via: 'original', interactionToken: token, flags: 0, edits: 1, type: 20, channelId: fake.guilds[0]!.channels[0]!.id });
    expect(original.attachments).toEqual([expect.objectContaining({ name: 'chart.png', size: chart.length, contentType: 'image/png' })]);
    expect(original.embeds).toHaveLength(1);
    expect(original.embeds[0]).toMatchObject({ title: 'Risk', image: { url: got.image?.url } });
    const patch = fake.calls(/\/messages\/@original$/).find((x) => x.method === 'PATCH')!;
    expect(patch).toMatchObject({ status: 200, files: [{ name: 'chart.png', size: chart.length, contentType: 'image/png' }] });
  });

  it('followUp({ flags: Ephemeral }) is stored as an ephemeral follow-up with a new id; the webhook works only after the answer', async () => {
    const { token } = fake.chatInput({ name: 'early', userId: USER });
    const early = await failure(rest().patch(Routes.webhookMessage(APPLICATION_ID, token), { body: { content: 'x' }, auth: false }));
    expect((early as DiscordAPIError).code).toBe(10015);

    const c = await login();
    const seen = handle(c, async (i) => {
      if (!i.isChatInputCommand()) return undefined;
      await i.reply({ content: 'working', files: [{ attachment: Buffer.from('a,b\n1,2\n'), name: 'positions.csv' }] });
      const f = await i.followUp({ content: 'only you', flags: MessageFlags.Ephemeral });
      return { id: f.id, ephemeral: f.flags.has(MessageFlags.Ephemeral), token: i.token };
    });
    fake.chatInput({ name: 'portfolio', userId: USER });
    const got = await seen;
    // The reply with a file came as multipart: payload_json parsed into data, the file recorded.
    expect(fake.callbackFor(got.token)).toMatchObject({ type: 4, data: { content: 'working' }, files: [{ name: 'positions.csv', size: 8 }] });
    expect(fake.original(got.token)?.attachments).toEqual([expect.objectContaining({ name: 'positions.csv', size: 8 })]);
    expect(got.ephemeral).toBe(true);
    const followUp = fake.messages.get(got.id)!;
    expect(followUp).toMatchObject({ via: 'followup', content: 'only you', flags: MessageFlags.Ephemeral, interactionToken: got.token });
    expect(followUp.id).not.toBe(fake.original(got.token)?.id);
    // Ephemeral messages are not reachable through the channel routes.
    const viaChannel = await failure(rest().get(Routes.channelMessage(followUp.channelId, followUp.id)));
    expect((viaChannel as DiscordAPIError).code).toBe(10008);
    // Edit the follow-up through the webhook.
    await rest().patch(Routes.webhookMessage(APPLICATION_ID, got.token, followUp.id), { body: { content: 'only you (edited)' }, auth: false });
    expect(fake.messages.get(got.id)).toMatchObject({ content: 'only you (edited)', edits: 1, flags: MessageFlags.Ephemeral });
    // Interaction tokens last 15 minutes (shrunk here): then the webhook answers 50027.
    fake.interactionTokenTtlMs = 0;
    const expired = await failure(rest().post(Routes.webhook(APPLICATION_ID, got.token), { body: { content: 'x' }, auth: false }));
    expect([(expired as DiscordAPIError).code, (expired as DiscordAPIError).status]).toEqual([50027, 401]);
  });

  it('a callback after the 3 s window (shrunk here) is 10062 Unknown interaction, thrown by discord.js', async () => {
    fake.interactionWindowMs = 50;
    const c = await login();
    const seen = handle(c, async (i) => {
      if (!i.isChatInputCommand()) return undefined;
      await new Promise((r) => setTimeout(r, 150));
      return i.reply({ content: 'too late' }).then(() => new Error('answered'), (e: unknown) => e);
    });
    const { id } = fake.chatInput({ name: 'slow', userId: USER });
    const err = await seen;
    expect(err).toBeInstanceOf(DiscordAPIError);
    expect((err as DiscordAPIError).code).toBe(10062);
    expect((err as DiscordAPIError).status).toBe(404);
    expect(fake.interactionCallbacks().filter((x) => x.interactionId === id)).toEqual([]);
  });

  it('channel.send({ embeds, files }) is stored with its attachment; an unknown channel is 10003', async () => {
    const c = await login();
    const channelId = fake.guilds[0]!.channels[0]!.id;
    const channel = c.channels.cache.get(channelId);
    if (!channel?.isSendable()) throw new Error('no sendable channel');
    const msg = await channel.send({ embeds: [new EmbedBuilder().setTitle('Daily').setImage('attachment://chart.png')], files: [{ attachment: png(10, 20), name: 'chart.png' }] });
    expect(msg.author.id).toBe(APPLICATION_ID);
    expect(msg.attachments.first()).toMatchObject({ name: 'chart.png', contentType: 'image/png' });
    const [stored] = fake.channelMessages(channelId);
    expect(stored).toMatchObject({ id: msg.id, via: 'channel', edits: 0, attachments: [expect.objectContaining({ name: 'chart.png', contentType: 'image/png', width: 10, height: 20 })] });
    const edited = await msg.edit({ content: 'Daily (updated)' });
    expect(edited.content).toBe('Daily (updated)');
    expect(fake.messages.get(msg.id)).toMatchObject({ content: 'Daily (updated)', edits: 1 });
    expect(fake.messages.get(msg.id)?.attachments).toHaveLength(1);
    const unknown = await failure(rest().post(Routes.channelMessages('999999999999999999'), { body: { content: 'x' } }));
    expect((unknown as DiscordAPIError).code).toBe(10003);
    const missing = await failure(rest().patch(Routes.channelMessage(channelId, '999999999999999999'), { body: { content: 'x' } }));
    expect((missing as DiscordAPIError).code).toBe(10008);
  });

  it('message bodies are validated as Discord does: 6 action rows, long content, a 26-field embed are 50035; an empty message 50006', async () => {
    const channelId = fake.guilds[0]!.channels[0]!.id;
    const row = (k: number): unknown => ({ type: 1, components: [{ type: 2, style: 1, custom_id: `b${k}`, label: 'Go' }] });
    const post = async (body: unknown): Promise<DiscordAPIError> => (await failure(rest().post(Routes.channelMessages(channelId), { body }))) as DiscordAPIError;
    const rows = await post({ content: 'x', components: [0, 1, 2, 3, 4, 5].map(row) });
    expect(rows).toBeInstanceOf(DiscordAPIError);
    expect(rows.code).toBe(50035);
    expect(rows.rawError).toMatchObject({ message: 'Invalid Form Body', errors: { components: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } });
    expect((await post({ content: 'x'.repeat(2001) })).rawError).toMatchObject({ errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } });
    const fields = Array.from({ length: 26 }, (_, k) => ({ name: `f${k}`, value: 'v' }));
    expect((await post({ embeds: [{ title: 't', fields }] })).rawError).toMatchObject({ errors: { embeds: { 0: { fields: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } } } });
    expect((await post({ embeds: [{ description: 'd'.repeat(4000) }, { description: 'd'.repeat(2001) }] })).rawError).toMatchObject({ errors: { embeds: { _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED' }] } } });
    const buttons = { type: 1, components: [{ type: 2, style: 1, custom_id: '', label: 'Go' }, { type: 2, style: 1, custom_id: 'a', label: 'x'.repeat(81) }] };
    expect((await post({ components: [buttons] })).rawError).toMatchObject({ errors: { components: { 0: { components: { 0: { custom_id: {} }, 1: { label: {} } } } } } });
    const empty = await post({ content: '' });
    expect([empty.code, empty.status]).toEqual([50006, 400]);
    // Through an interaction callback the paths are under "data".
    const { id, token } = fake.chatInput({ name: 'prices', userId: USER });
    const cb = await failure(rest().post(Routes.interactionCallback(id, token), { body: { type: 4, data: { content: 'x', components: [0, 1, 2, 3, 4, 5].map(row) } }, auth: false }));
    expect((cb as DiscordAPIError).rawError).toMatchObject({ code: 50035, errors: { data: { components: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } } });
    expect(fake.messages.size).toBe(0);
  });

  it('down(): REST answers 503 (a client with retries: 0 throws), the gateway is cut; after up() the client resumes and gets what was dispatched', async () => {
    const c = await login();
    const seen = handle(c, async (i) => {
      if (!i.isChatInputCommand()) return undefined;
      await i.reply({ content: 'back' });
      return i.commandName;
    });
    fake.down(true);
    const err = await failure(rest({ retries: 0 }).get(Routes.gatewayBot()));
    expect(err).toBeInstanceOf(HTTPError);
    expect((err as HTTPError).status).toBe(503);
    expect(fake.calls(/^\/gateway\/bot$/).at(-1)?.status).toBe(503);
    // A new gateway connection is refused with an HTTP 503 on upgrade.
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(fake.apiUrl.replace(/^http/, 'ws').replace(/\/api$/, '/'));
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => undefined);
    });
    expect(refused).toBe(503);
    // Long enough for the client's reconnect attempts (every 0.5 s) to be refused too.
    await new Promise((r) => setTimeout(r, 1_200));
    fake.chatInput({ name: 'status', userId: USER });
    fake.up();
    expect(await seen).toBe('status');
    expect([fake.identifies, fake.resumes]).toEqual([1, 1]);
  }, 30_000);

  it('a slash command in the bot’s DM: inGuild() false, interaction.user set, the reply stored in the DM channel', async () => {
    const c = await login();
    const seen = handle(c, async (i) => {
      if (!i.isChatInputCommand()) return undefined;
      await i.reply({ content: 'dm ok' });
      return {
        inGuild: i.inGuild(), user: i.user.id, guildId: i.guildId, member: i.member, context: i.context, channelId: i.channelId,
        owner: i.authorizingIntegrationOwners.guildId, dmChannel: i.channel?.isDMBased() ?? null,
      };
    });
    const { token } = fake.chatInput({ name: 'portfolio', userId: USER, username: 'alice', dm: true });
    const got = await seen;
    // Guild install used in the bot's DM: Discord sends "0" as the authorizing guild. The DM channel is uncached
    // (discord.js only builds it with Partials.Channel), so interaction.channel is null but channelId is set.
    expect(got).toMatchObject({ inGuild: false, user: USER, guildId: null, member: null, context: 1, owner: '0', dmChannel: null });
    expect(got.channelId).toMatch(/^\d+$/);
    expect(fake.original(token)).toMatchObject({ content: 'dm ok', channelId: got.channelId });
    // The DM channel is known to the channel routes too.
    await rest().post(Routes.channelMessages(got.channelId), { body: { content: 'later' } });
    expect(fake.channelMessages(got.channelId).map((m) => m.content)).toEqual(['dm ok', 'later']);
  });

  it('parses multipart/form-data as undici writes it (payload_json and files[n] with names and types)', async () => {
    const form = new FormData();
    form.append('files[0]', new Blob([Buffer.from('a\r\n--b')], { type: 'text/plain' }), 'we"ird\nname.txt');
    form.append('payload_json', JSON.stringify({ content: 'hi' }));
    const r = new Response(form);
    const parts = parseMultipart(Buffer.from(await r.arrayBuffer()), r.headers.get('content-type')!);
    expect(parts?.map((p) => ({ name: p.name, filename: p.filename, type: p.contentType, data: p.data.toString() }))).toEqual([
      { name: 'files[0]', filename: 'we"ird\nname.txt', type: 'text/plain', data: 'a\r\n--b' },
      { name: 'payload_json', filename: undefined, type: undefined, data: '{"content":"hi"}' },
    ]);
    expect(parseMultipart(Buffer.from('nonsense'), 'multipart/form-data; boundary=x')).toBeNull();
  });
});
