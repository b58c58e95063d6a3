/**
 * `npm run discord:deploy` as the real process against the Discord fake: registers the generated commands (guild scope
 * here), skips an unchanged set, re-sends with --force, and reports Discord's refusal in one line without the token.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../commands/index.ts';
import { APPLICATION_ID, DISCORD_TOKEN, FakeDiscord } from '../../fakes/discord.ts';
import { spawnProcess, type Ended } from '../../helpers/processes.ts';

const DEPLOY = resolve(import.meta.dirname, '../../../src/discord-deploy.ts');
let fake: FakeDiscord;
let dir: string;

beforeEach(async () => {
  fake = new FakeDiscord();
  await fake.start();
  dir = await mkdtemp(join(tmpdir(), 'vigil-discord-deploy-'));
});

afterEach(async () => {
  await fake.stop();
  await rm(dir, { recursive: true, force: true });
});

function deploy(env: Record<string, string>, args: string[] = []): Promise<Ended> {
  return spawnProcess(process.execPath, [DEPLOY, ...args], {
    cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir, TZ: 'UTC', DISCORD_TOKEN, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_ALLOWED_USERS: '444444444444444444:admin', DISCORD_API_ROOT: fake.apiUrl, ...env },
  }).exited;
}

describe('npm run discord:deploy', () => {
  it('registers once, skips an unchanged set, re-sends with --force', async () => {
    const guild = fake.guilds[0]!.id;
    const first = await deploy({ DISCORD_GUILD_ID: guild });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(`vigil: registered ${COMMANDS.length} slash commands (guild ${guild})\n`);
    expect((fake.commands.get(guild) as { name: string }[]).map((c) => c.name)).toEqual(COMMANDS.map((c) => c.name));
    const stored = JSON.parse(await readFile(join(dir, 'data', 'discord-commands.json'), 'utf8')) as Record<string, string>;
    expect(Object.keys(stored)).toEqual([`guild ${guild}`]);

    const again = await deploy({ DISCORD_GUILD_ID: guild });
    expect(again.stdout).toContain('unchanged since the last deploy');
    expect(fake.calls(/commands$/)).toHaveLength(1);

    const forced = await deploy({ DISCORD_GUILD_ID: guild }, ['--force']);
    expect(forced.stdout).toContain('registered');
    // A global deploy is another scope: sent too.
    const global = await deploy({});
    expect(global.stdout).toBe(`vigil: registered ${COMMANDS.length} slash commands (global)\n`);
    expect(fake.calls(/commands$/).map((c) => c.path)).toEqual([
      `/applications/${APPLICATION_ID}/guilds/${guild}/commands`, `/applications/${APPLICATION_ID}/guilds/${guild}/commands`, `/applications/${APPLICATION_ID}/commands`,
    ]);
  }, 60_000);

  it('Discord’s refusal in one line, exit 1, no token anywhere; nothing recorded as deployed', async () => {
    const r = await deploy({ DISCORD_APPLICATION_ID: '999999999999999999' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('vigil: Discord refused the commands: 403 Missing Access (code 50001)\n');
    expect(r.stdout + r.stderr).not.toContain(DISCORD_TOKEN);
    await expect(readFile(join(dir, 'data', 'discord-commands.json'), 'utf8')).rejects.toThrow(/ENOENT/);
    const none = await spawnProcess(process.execPath, [DEPLOY], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir } }).exited;
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('DISCORD_TOKEN: missing');
  }, 60_000);
});
