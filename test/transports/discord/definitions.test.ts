/**
 * Discord slash commands generated from every command definition: Discord's own limits (checked here independently of
 * the discord.js builders that also enforce them), options typed from the argument schemas, admin commands hidden by
 * default, and a stable hash that changes exactly when a definition does.
 */
import { ApplicationCommandOptionType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../commands/index.ts';
import { definitionsHash, slashCommand, slashCommands } from '../../../src/transports/discord/definitions.ts';

const defs = slashCommands(COMMANDS);

/** Discord's documented limits for CHAT_INPUT commands. */
const NAME = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function chars(d: (typeof defs)[number]): number {
  let n = d.name.length + d.description.length;
  for (const o of d.options ?? []) {
    n += o.name.length + o.description.length;
    for (const c of ('choices' in o ? o.choices ?? [] : [])) n += c.name.length + String(c.value).length;
  }
  return n;
}

describe('Discord slash commands from the command definitions', () => {
  it('one per command, within Discord’s limits (names, descriptions, 25 options, 4,000 characters, required first)', () => {
    expect(defs.map((d) => d.name)).toEqual(COMMANDS.map((c) => c.name));
    expect(defs.length).toBeLessThanOrEqual(100);
    for (const d of defs) {
      expect(d.name).toMatch(NAME);
      expect(d.name).toBe(d.name.toLowerCase());
      expect(d.description.length).toBeGreaterThan(0);
      expect(d.description.length).toBeLessThanOrEqual(100);
      const options = d.options ?? [];
      expect(options.length).toBeLessThanOrEqual(25);
      expect(chars(d)).toBeLessThanOrEqual(4000);
      const firstOptional = options.findIndex((o) => !o.required);
      if (firstOptional >= 0) expect(options.slice(firstOptional).every((o) => !o.required)).toBe(true);
      for (const o of options) {
        expect(o.name).toMatch(NAME);
        expect(o.description.length).toBeGreaterThan(0);
        expect(o.description.length).toBeLessThanOrEqual(100);
      }
    }
  });

  it('options typed from the schemas: integers, numbers with bounds, enums as choices, strings with a max length', () => {
    const byName = (n: string): (typeof defs)[number] => defs.find((d) => d.name === n)!;
    const recenter = byName('recenter').options!;
    expect(recenter.map((o) => [o.name, o.type, o.required ?? false])).toEqual([
      ['position', ApplicationCommandOptionType.String, true],
      ['width', ApplicationCommandOptionType.Integer, false],
      ['shape', ApplicationCommandOptionType.String, false],
    ]);
    expect(recenter[1]).toMatchObject({ min_value: 1, max_value: 64 });
    expect(recenter[2]).toMatchObject({ choices: [{ name: 'spot', value: 'spot' }, { name: 'curve', value: 'curve' }, { name: 'bidask', value: 'bidask' }] });
    expect(recenter[0]).toMatchObject({ max_length: 80 });
    const protect = byName('protect').options!;
    expect(protect[0]).toMatchObject({ name: 'target', type: ApplicationCommandOptionType.Integer, min_value: 1, max_value: 100 });
    // Every argument of every command is there, in order.
    for (const c of COMMANDS) expect(byName(c.name).options?.map((o) => o.name) ?? []).toEqual(Object.keys(c.args));
  });

  it('admin commands are hidden by default (default_member_permissions "0"); the others are visible', () => {
    for (const c of COMMANDS) {
      const d = defs.find((x) => x.name === c.name)!;
      if (c.role === 'admin') expect(d.default_member_permissions).toBe('0');
      else expect(d.default_member_permissions ?? null).toBeNull();
    }
    // No command is admin-only today (admin parts are checked inside commands): a made-up one shows the mapping.
    expect(slashCommand({ ...COMMANDS[0]!, role: 'admin' }).default_member_permissions).toBe('0');
    expect(slashCommand({ ...COMMANDS[0]!, role: 'trader' }).default_member_permissions ?? null).toBeNull();
  });

  it('the hash is stable across key order and changes when any definition changes', () => {
    const h = definitionsHash(defs);
    expect(definitionsHash(slashCommands(COMMANDS))).toBe(h);
    const reordered = defs.map((d) => Object.fromEntries(Object.entries(d).reverse()) as (typeof defs)[number]);
    expect(definitionsHash(reordered)).toBe(h);
    const changed = [...defs];
    changed[0] = { ...changed[0]!, description: `${changed[0]!.description}.` };
    expect(definitionsHash(changed)).not.toBe(h);
  });

  it('a definition Discord would refuse is refused here, naming it', () => {
    const bad = { ...COMMANDS[0]!, name: 'Bad Name' };
    expect(() => slashCommand(bad)).toThrow();
  });
});
