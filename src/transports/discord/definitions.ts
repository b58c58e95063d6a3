/**
 * Discord application (slash) commands generated from Vigil's command definitions, with discord.js's own builders
 * (they validate names, lengths and option order the way Discord does): one definition per command, options typed from
 * the argument schema (string / number / integer, min/max, max length, required), enums as choices. Nothing here is
 * written per command: a command added to commands/ appears on Discord at the next deploy.
 *
 * Visibility: admin commands carry `default_member_permissions: "0"` (only server administrators see them until the
 * server grants them in Server Settings → Integrations); viewer and trader commands are visible to everyone, because
 * Discord permissions do not map to Vigil's roles — the role check on every command, autocomplete and button press is
 * what protects them.
 */
import { createHash } from 'node:crypto';
import {
  ApplicationIntegrationType, InteractionContextType, SlashCommandBuilder, type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { AnyCommand, ArgDef } from '../../core/index.ts';

/** Most choices Discord accepts on one option. */
export const MAX_CHOICES = 25;
/** Most commands one application may register (chat-input commands, per scope). */
export const MAX_COMMANDS = 100;

type Json = RESTPostAPIChatInputApplicationCommandsJSONBody;

function describe(a: ArgDef<unknown>, key: string): string {
  // Discord needs a description on every option (1–100 characters).
  return (a.description || a.expected || key).slice(0, 100);
}

/** One command as Discord's JSON (validated by the builder: a definition Discord would refuse throws here). */
export function slashCommand(c: AnyCommand<unknown>): Json {
  const b = new SlashCommandBuilder()
    .setName(c.name)
    .setDescription(c.description)
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall);
  if (c.role === 'admin') b.setDefaultMemberPermissions('0');
  for (const [key, a] of Object.entries(c.args)) {
    const description = describe(a, key);
    if (a.kind === 'enum') {
      const values = a.choices ?? [];
      if (values.length > MAX_CHOICES) throw new Error(`/${c.name} ${key}: ${values.length} choices, Discord allows ${MAX_CHOICES}`);
      b.addStringOption((o) => o.setName(key).setDescription(description).setRequired(a.required).addChoices(...values.map((v) => ({ name: v, value: v }))));
    } else if (a.kind === 'number') {
      const add = <T extends { setMinValue(n: number): T; setMaxValue(n: number): T }>(o: T): T => {
        if (a.min !== undefined) o.setMinValue(a.min);
        if (a.max !== undefined) o.setMaxValue(a.max);
        return o;
      };
      if (a.integer) b.addIntegerOption((o) => add(o.setName(key).setDescription(description).setRequired(a.required)));
      else b.addNumberOption((o) => add(o.setName(key).setDescription(description).setRequired(a.required)));
    } else {
      b.addStringOption((o) => {
        o.setName(key).setDescription(description).setRequired(a.required);
        if (a.maxLength !== undefined) o.setMaxLength(Math.min(a.maxLength, 6000));
        // Live values (markets, assets, positions, plans) come from the bot as the person types.
        if (a.suggest) o.setAutocomplete(true);
        return o;
      });
    }
  }
  return b.toJSON();
}

/** Every command as Discord's JSON, in the order given (refuses more than Discord accepts). */
export function slashCommands(commands: readonly AnyCommand<unknown>[]): Json[] {
  if (commands.length > MAX_COMMANDS) throw new Error(`${commands.length} commands: Discord accepts ${MAX_COMMANDS}`);
  return commands.map(slashCommand);
}

/** Stable hash of the definitions (key order normalised): a deploy is skipped when it has not changed. */
export function definitionsHash(defs: readonly Json[]): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
    return v;
  };
  return createHash('sha256').update(JSON.stringify(canonical(defs))).digest('hex');
}
