import type { Actor, ChatRef, Role } from '../domain/index.ts';
import type { ArgsSpec, InferArgs } from './args.ts';
import type { Button, ButtonStyle, Reply } from './reply.ts';

export const COMMAND_NAME = /^[a-z0-9_]{1,32}$/;
export const MAX_DESCRIPTION = 100;

/** Makes buttons whose press re-runs a command (refresh, pagination, drill-down). */
export interface ButtonFactory {
  /** A button that runs `/command argv…` for whoever presses it (role re-checked), editing the message in place. */
  command(label: string, command: string, argv?: readonly string[], style?: ButtonStyle): Promise<Button>;
}

export interface CommandContext<S, A extends ArgsSpec> {
  readonly args: InferArgs<A>;
  /** The tokens the arguments were parsed from (to rebuild the same call). */
  readonly argv: readonly string[];
  readonly actor: Actor;
  readonly chat: ChatRef;
  readonly services: S;
  readonly buttons: ButtonFactory;
  /** How it was invoked: typed by the user, or re-run by a button (refresh/page). */
  readonly via: 'text' | 'button';
}

export interface CommandDef<S, A extends ArgsSpec = ArgsSpec> {
  readonly name: string;
  readonly description: string;
  readonly role: Role;
  readonly args: A;
  /** Shown by /help after the usage line. */
  readonly help?: string;
  /** Group heading in /help. */
  readonly group?: string;
  run(ctx: CommandContext<S, A>): Promise<Reply>;
}

/** Any command, with its argument types erased (lists, registries). */
export type AnyCommand<S> = CommandDef<S, ArgsSpec>;

/**
 * Defines a command. Curried so the services type is fixed and the argument types are inferred:
 * `export default defineCommand<AppServices>()({ name: 'prices', … })`.
 */
export function defineCommand<S>() {
  return <A extends ArgsSpec>(def: CommandDef<S, A>): CommandDef<S, A> => {
    if (!COMMAND_NAME.test(def.name)) throw new Error(`command name "${def.name}" must match ${COMMAND_NAME.source}`);
    if (def.description.length === 0 || def.description.length > MAX_DESCRIPTION) {
      throw new Error(`/${def.name}: description must be 1..${MAX_DESCRIPTION} characters`);
    }
    for (const key of Object.keys(def.args)) {
      if (!COMMAND_NAME.test(key)) throw new Error(`/${def.name}: argument "${key}" must match ${COMMAND_NAME.source}`);
    }
    const keys = Object.entries(def.args);
    const firstOptional = keys.findIndex(([, a]) => !a.required);
    if (firstOptional >= 0 && keys.slice(firstOptional).some(([, a]) => a.required)) {
      throw new Error(`/${def.name}: required arguments must come before optional ones`);
    }
    return Object.freeze(def);
  };
}
