import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, reply, UserError } from '../src/core/index.ts';
import { roleAllows } from '../src/domain/index.ts';

export default defineCommand<AppServices>()({
  name: 'help',
  description: 'List commands, or explain one: /help positions',
  role: 'viewer',
  group: 'General',
  args: { command: arg.string({ optional: true, suggest: 'command', pattern: /^\/?[a-z0-9_]{1,32}$/i, expected: 'a command name such as portfolio' }) },
  run({ args, services, actor }) {
    const all = services.commands();
    const role = actor.role ?? 'viewer';
    if (args.command) {
      const name = args.command.replace(/^\//, '').toLowerCase();
      const c = all.find((x) => x.name === name);
      if (!c) throw new UserError('not_found', `/${name} is not a command.`, 'Send /help for the list.');
      return Promise.resolve(reply.of(
        reply.title(`/${c.name}`),
        reply.text(c.description),
        reply.code(`Usage: ${c.usage}`),
        // Every argument with what it accepts: enum values (and their short names), duration grammar, defaults.
        c.args.length > 0 ? reply.text(c.args.map((a) => `• ${a.name}${a.description ? ` (${a.description})` : ''}: ${a.expected}${a.default !== undefined ? `; default ${a.default}` : ''}`).join('\n')) : null,
        c.help ? reply.text(c.help) : null,
        reply.muted(roleAllows(role, c.role) ? `Role: ${c.role}` : `Needs the ${c.role} role (you are a ${role}).`),
      ));
    }
    const usable = all.filter((c) => roleAllows(role, c.role));
    const groups = new Map<string, typeof usable>();
    for (const c of usable) groups.set(c.group ?? 'Other', [...(groups.get(c.group ?? 'Other') ?? []), c]);
    const blocks = [...groups].flatMap(([group, cmds]) => [
      reply.text(group, 'title'),
      reply.text(cmds.map((c) => `/${c.name} — ${c.description}`).join('\n')),
    ]);
    return Promise.resolve(reply.of(reply.title('Vigil commands'), ...blocks, reply.muted('Details: /help <command>')));
  },
});
