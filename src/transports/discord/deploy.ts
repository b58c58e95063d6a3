/**
 * Registering the slash commands with Discord (`npm run discord:deploy`): guild-scoped (instant; for development) when
 * a server id is given, global otherwise. The definitions' hash is kept per scope in a small JSON file beside the state,
 * so an unchanged set is not sent again (Discord rate-limits command registration) unless forced.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { DiscordAPIError, REST, Routes } from 'discord.js';
import type { AnyCommand } from '../../core/index.ts';
import { definitionsHash, slashCommands } from './definitions.ts';

export interface DeployOptions {
  readonly token: string;
  readonly applicationId: string;
  /** Register on this server only (instant), not globally. */
  readonly guildId?: string;
  /** Discord's API root (…/api); discord.js's default when absent. */
  readonly apiRoot?: string;
  readonly commands: readonly AnyCommand<unknown>[];
  /** Where the deployed hashes are kept (JSON: scope → hash). */
  readonly hashFile: string;
  /** Register even if the hash says nothing changed. */
  readonly force?: boolean;
}

export interface DeployResult {
  readonly status: 'registered' | 'unchanged';
  /** "global" or "guild <id>". */
  readonly scope: string;
  readonly count: number;
}

async function readHashes(file: string): Promise<Record<string, string>> {
  try {
    const v = JSON.parse(await readFile(file, 'utf8')) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([, h]) => typeof h === 'string')) : {};
  } catch (err) {
    // No file yet, or one we cannot read: register (a missing hash only costs one registration).
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || err instanceof SyntaxError) return {};
    throw err;
  }
}

/** Registers the commands unless the same definitions were already registered in that scope. */
export async function deployCommands(o: DeployOptions): Promise<DeployResult> {
  const defs = slashCommands(o.commands);
  const hash = definitionsHash(defs);
  const scope = o.guildId ? `guild ${o.guildId}` : 'global';
  const hashes = await readHashes(o.hashFile);
  if (!o.force && hashes[scope] === hash) return { status: 'unchanged', scope, count: defs.length };
  const rest = new REST(o.apiRoot ? { api: o.apiRoot } : {}).setToken(o.token);
  const route = o.guildId ? Routes.applicationGuildCommands(o.applicationId, o.guildId) : Routes.applicationCommands(o.applicationId);
  await rest.put(route, { body: defs });
  // Written only after Discord accepted them, atomically (a crash never leaves a hash for commands not registered).
  const tmp = `${o.hashFile}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ ...hashes, [scope]: hash }, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, o.hashFile);
  return { status: 'registered', scope, count: defs.length };
}

/** One line for a failed deploy: Discord's own words (status, message, code), never the token. */
export function deployFailure(err: unknown, token: string): string {
  if (err instanceof DiscordAPIError) return `Discord refused the commands: ${err.status} ${err.message} (code ${String(err.code)})`;
  return `could not reach Discord: ${err instanceof Error ? err.message.replaceAll(token, '***') : String(err)}`;
}
