/**
 * Drift transaction failures → one line a person can act on, error name first ("InsufficientCollateral: Insufficient
 * collateral — <the program's own log line>"). Pure: the IDL's error table is passed in, so the decoding is tested
 * without an RPC and always matches the program version the client was built with.
 */
import { LangErrorCode, LangErrorMessage } from '@coral-xyz/anchor';

/** One entry of an Anchor IDL's `errors` table. */
export interface IdlErrorEntry {
  readonly code: number;
  readonly name: string;
  readonly msg?: string;
}

/** A decoded failure: the program error name when there is one, and the line shown to the user. */
export interface DecodedFailure {
  /** Program (or Anchor framework) error name, e.g. "InsufficientCollateral"; undefined for runtime errors. */
  readonly name: string | undefined;
  readonly text: string;
}

export interface DecodeContext {
  /** The program whose IDL error table is given (base58): custom codes from other programs are not looked up in it. */
  readonly programId: string;
  /** Program id (base58) of each top-level instruction of the transaction, to tell whose custom error it is. */
  readonly programIds?: readonly string[];
  readonly idlErrors: readonly IdlErrorEntry[];
  /** The transaction's logs (simulation or preflight), for the program's reason line. */
  readonly logs?: readonly string[] | null;
}

/** Longest reason line kept from the logs (a program can log a lot; the card has a line for it). */
const MAX_REASON_CHARS = 200;

/** Anchor's own error names (codes 100–5999), by code. */
const ANCHOR_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(LangErrorCode).map(([name, code]) => [code, name]),
);

/** Log lines that frame an error rather than explain it. */
const FRAMING = [/^Instruction: /, /^AnchorError/, /^Error \w+ thrown at /, /^panicked at/];

/**
 * The program's own explanation: the last "Program log: " line that is not framing (Drift's `validate!` logs
 * "Error X thrown at file:line" and then the reason; Anchor then logs "AnchorError occurred …").
 */
export function reasonLine(logs: readonly string[] | null | undefined): string | undefined {
  if (!logs) return undefined;
  for (let i = logs.length - 1; i >= 0; i--) {
    const line = logs[i] ?? '';
    // Execution stops at the failing instruction, the last top-level one to start: earlier ones' logs are not reasons.
    if (/^Program \w+ invoke \[1\]$/.test(line)) break;
    if (!line.startsWith('Program log: ')) continue;
    const text = line.slice('Program log: '.length).trim();
    if (text === '' || FRAMING.some((re) => re.test(text))) continue;
    return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS - 1)}…` : text;
  }
  return undefined;
}

/** Name and message of custom error `code` raised by instruction `index`. */
function customError(code: number, index: number | undefined, ctx: DecodeContext): { name: string | undefined; msg: string } {
  const program = index === undefined ? undefined : ctx.programIds?.[index];
  // Without the program ids we assume the IDL's program: it is the only one in these transactions that raises custom codes.
  const isOwn = program === undefined || program === ctx.programId;
  if (isOwn) {
    const entry = ctx.idlErrors.find((e) => e.code === code);
    if (entry) return { name: entry.name, msg: entry.msg ?? entry.name };
    const anchor = ANCHOR_NAMES.get(code);
    if (anchor) return { name: anchor, msg: LangErrorMessage.get(code) ?? anchor };
  }
  return { name: undefined, msg: `custom program error ${code} (0x${code.toString(16)})${program && !isOwn ? ` in ${program}` : ''}` };
}

function withReason(head: string, ctx: DecodeContext): string {
  const reason = reasonLine(ctx.logs);
  return reason && !head.includes(reason) ? `${head} — ${reason}` : head;
}

function runtimeText(err: unknown): string {
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}

/**
 * Decodes Solana's JSON TransactionError (simulation `err`, signature status `err`): `{InstructionError: [i, {Custom:
 * n}]}` becomes the IDL error name and message plus the program's reason line; other errors are named as is.
 */
export function decodeTransactionError(err: unknown, ctx: DecodeContext): DecodedFailure {
  if (err !== null && typeof err === 'object' && 'InstructionError' in err) {
    const detail: unknown = err.InstructionError;
    if (Array.isArray(detail) && typeof detail[0] === 'number') {
      const index = detail[0];
      const inner: unknown = detail[1];
      if (inner !== null && typeof inner === 'object' && 'Custom' in inner && typeof inner.Custom === 'number') {
        const { name, msg } = customError(inner.Custom, index, ctx);
        return { name, text: withReason(name ? `${name}: ${msg}` : msg, ctx) };
      }
      // A runtime failure inside an instruction (ComputationalBudgetExceeded, ProgramFailedToComplete …).
      const what = typeof inner === 'string' ? inner : runtimeText(inner);
      return { name: typeof inner === 'string' ? inner : undefined, text: withReason(`${what} (instruction ${index})`, ctx) };
    }
  }
  if (typeof err === 'string') return { name: err, text: withReason(err, ctx) };
  return { name: undefined, text: withReason(runtimeText(err), ctx) };
}

/**
 * Decodes a refused sendTransaction (web3.js's SendTransactionError: only the RPC's message and logs survive, e.g.
 * "Transaction simulation failed: Error processing Instruction 2: custom program error: 0x1773").
 */
export function decodeSendFailure(message: string, ctx: DecodeContext): DecodedFailure {
  const custom = /custom program error: 0x([0-9a-f]+)/i.exec(message);
  const index = /Instruction (\d+)/i.exec(message);
  if (custom?.[1]) {
    const { name, msg } = customError(Number.parseInt(custom[1], 16), index?.[1] ? Number(index[1]) : undefined, ctx);
    return { name, text: withReason(name ? `${name}: ${msg}` : msg, ctx) };
  }
  const text = message.replace(/^failed to send transaction: /i, '').trim();
  return { name: undefined, text: withReason(text, ctx) };
}
