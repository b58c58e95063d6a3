export { arg, durationMs, parseArgs, parseNamed, tokenize, usageLine } from './args.ts';
export type { ArgDef, ArgsSpec, InferArgs, ParseOutcome, SuggestSource } from './args.ts';
export { defineCommand, COMMAND_NAME, MAX_DESCRIPTION } from './command.ts';
export type { AnyCommand, ButtonFactory, CommandContext, CommandDef } from './command.ts';
export { Dispatcher, DEFAULT_BUTTON_TTL_MS } from './dispatcher.ts';
export type { ButtonHandler, DispatcherOptions, PressContext, PressResult, Suggestion } from './dispatcher.ts';
export { reply, buttonsOf, plainText, encodeActionRef, decodeActionRef } from './reply.ts';
export type * from './reply.ts';
export { UserError } from '../shared/errors.ts';
