/**
 * `npm run discord:deploy [-- --force]`: registers Vigil's slash commands with Discord (DISCORD_TOKEN,
 * DISCORD_APPLICATION_ID; DISCORD_GUILD_ID for one server). One line out: what was done, or why not.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { COMMANDS } from '../commands/index.ts';
import { loadConfig } from './config.ts';
import { ConfigError } from './shared/errors.ts';
import { deployCommands, deployFailure } from './transports/discord/deploy.ts';

function fail(message: string, code = 1): never {
  process.stderr.write(`vigil: ${message}\n`);
  process.exit(code);
}

let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) fail(err.message, err.exitCode);
  throw err;
}
const discord = config.discord;
if (!discord) fail('DISCORD_TOKEN: missing, expected the bot token (and DISCORD_APPLICATION_ID) to register the slash commands');
await mkdir(config.dataDir, { recursive: true });
try {
  const r = await deployCommands({
    token: discord.token, applicationId: discord.applicationId, ...(discord.guildId ? { guildId: discord.guildId } : {}),
    ...(discord.apiRoot ? { apiRoot: discord.apiRoot } : {}), commands: COMMANDS, hashFile: join(config.dataDir, 'discord-commands.json'),
    force: process.argv.includes('--force'),
  });
  process.stdout.write(r.status === 'registered'
    ? `vigil: registered ${r.count} slash commands (${r.scope})\n`
    : `vigil: ${r.count} slash commands unchanged since the last deploy (${r.scope}); nothing sent (--force to send anyway)\n`);
} catch (err) {
  fail(deployFailure(err, discord.token));
}
