/**
 * Typed argument schemas for commands. One schema feeds Telegram/console positional parsing and Discord options.
 * Parsing never throws: it returns either the typed values or the first problem, phrased for the user.
 */

export type ArgKind = 'string' | 'number' | 'enum';

/** Where suggestions for a text argument come from: markets, assets held, LP positions, pending plans, pools, commands. */
export type SuggestSource = 'market' | 'asset' | 'position' | 'plan' | 'pool' | 'command';

type Parsed<T> = { ok: true; value: T } | { ok: false; expected: string };

/** One argument. `R` is true when the parsed value is always present (required, or has a default). */
export interface ArgDef<T, R extends boolean = boolean> {
  readonly kind: ArgKind;
  readonly description: string;
  readonly required: boolean;
  readonly default: T | undefined;
  /** What a valid value looks like, for messages: "a number ≥ 0", "one of long, short". */
  readonly expected: string;
  readonly choices?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
  /** Maximum characters for strings (also Discord's max_length). */
  readonly maxLength?: number;
  /** Live values a chat may suggest while it is typed (Discord autocomplete). */
  readonly suggest?: SuggestSource;
  readonly parse: (token: string) => Parsed<T>;
  /** Phantom marker for inference; never set. */
  readonly __present?: R;
}

export type ArgsSpec = Readonly<Record<string, ArgDef<unknown>>>;

/** The typed values a spec parses into. */
export type InferArgs<A extends ArgsSpec> = {
  readonly [K in keyof A]: A[K] extends ArgDef<infer T, true> ? T : A[K] extends ArgDef<infer T, boolean> ? T | undefined : never;
};

interface Common {
  readonly description?: string;
}

interface StringOpts extends Common {
  /** Upper-case the value (asset and market symbols). */
  readonly upper?: boolean;
  readonly pattern?: RegExp;
  /** How to describe a valid value when `pattern` fails: "an asset symbol like SOL". */
  readonly expected?: string;
  readonly maxLength?: number;
  readonly suggest?: SuggestSource;
}

interface NumberOpts extends Common {
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
  /** How to describe a valid value when the range alone would mislead: "a cap such as 150% or 1.5". */
  readonly expected?: string;
}

interface EnumOpts<V extends string> extends Common {
  readonly values: readonly V[];
  /** Short names accepted for a value (`mc` → `montecarlo`); shown in /help, not offered as Discord choices. */
  readonly aliases?: Readonly<Record<string, V>>;
}

/** Time units a duration may be written in, in milliseconds. */
const TIME_UNITS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
export type TimeUnit = keyof typeof TIME_UNITS;

/** A duration argument's value (in `unit`) in milliseconds. */
export function durationMs(value: number, unit: TimeUnit): number {
  return value * TIME_UNITS[unit];
}
const UNIT_NAMES: Readonly<Record<TimeUnit, string>> = { m: 'minutes', h: 'hours', d: 'days', w: 'weeks' };

interface DurationOpts extends Common {
  /** What a plain number means and what the value is returned in: `unit: 'd'` reads "10", "10d" and "240h" as 10. */
  readonly unit: TimeUnit;
  /** Bounds, in `unit`. */
  readonly min?: number;
  readonly max?: number;
  /** Whole units only (a horizon of 1.5 days is refused). */
  readonly integer?: boolean;
  /** "off" is accepted and parses as 0 (ends a mute or a snooze). */
  readonly off?: boolean;
}

function describeNumber(o: NumberOpts): string {
  const noun = o.integer ? 'a whole number' : 'a number';
  if (o.min !== undefined && o.max !== undefined) return `${noun} from ${o.min} to ${o.max}`;
  if (o.min !== undefined) return `${noun} ≥ ${o.min}`;
  if (o.max !== undefined) return `${noun} ≤ ${o.max}`;
  return noun;
}

const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?%?$/i;

function numberParser(o: NumberOpts): (token: string) => Parsed<number> {
  const expected = o.expected ?? describeNumber(o);
  return (token) => {
    const t = token.replace(/[_,]/g, '');
    if (!NUMBER_TEXT.test(t)) return { ok: false, expected };
    const pct = t.endsWith('%');
    const value = Number(pct ? t.slice(0, -1) : t) / (pct ? 100 : 1);
    if (!Number.isFinite(value)) return { ok: false, expected };
    // "1e-400" is not zero: a non-zero number too small for a double would otherwise be stored as 0.
    if (value === 0 && /[1-9]/.test(t.replace(/e.*$/i, ''))) return { ok: false, expected };
    if (o.integer && !Number.isInteger(value)) return { ok: false, expected };
    if (o.min !== undefined && value < o.min) return { ok: false, expected };
    if (o.max !== undefined && value > o.max) return { ok: false, expected };
    return { ok: true, value };
  };
}

const DEFAULT_MAX_LENGTH = 64;

function stringParser(o: StringOpts): (token: string) => Parsed<string> {
  const maxLength = o.maxLength ?? DEFAULT_MAX_LENGTH;
  const expected = o.expected ?? `text of at most ${maxLength} characters`;
  return (token) => {
    const value = o.upper ? token.toUpperCase() : token;
    if (value.length === 0 || value.length > maxLength) return { ok: false, expected };
    if (o.pattern && !o.pattern.test(value)) return { ok: false, expected };
    return { ok: true, value };
  };
}

/** "one of all, historical (hist), …": each value with its short names. */
function describeEnum<V extends string>(values: readonly V[], aliases: Readonly<Record<string, V>> = {}): string {
  return `one of ${values.map((v) => {
    const short = Object.entries(aliases).filter(([, to]) => to === v).map(([a]) => a);
    return short.length > 0 ? `${v} (${short.join(', ')})` : v;
  }).join(', ')}`;
}

function enumParser<V extends string>(values: readonly V[], aliases: Readonly<Record<string, V>> = {}): (token: string) => Parsed<V> {
  const expected = describeEnum(values, aliases);
  return (token) => {
    const t = token.toLowerCase();
    const found = values.find((v) => v.toLowerCase() === t) ?? Object.entries(aliases).find(([a]) => a.toLowerCase() === t)?.[1];
    return found === undefined ? { ok: false, expected } : { ok: true, value: found };
  };
}

/** "a time such as 10d or 240h (a plain number is days), from 1 to 30 days". */
function describeDuration(o: DurationOpts): string {
  const examples = { m: '30m, 1h or 2d', h: '6h or 2d', d: '10d or 240h', w: '2w or 14d' }[o.unit];
  const range = o.min !== undefined && o.max !== undefined ? `, from ${o.min} to ${o.max} ${UNIT_NAMES[o.unit]}` : '';
  return `a time such as ${examples} (a plain number is ${UNIT_NAMES[o.unit]})${range}${o.off ? ', or off' : ''}`;
}

const DURATION_TEXT = /^(\d+(?:\.\d+)?)\s*([mhdw]?)$/i;

/** One grammar for every duration and horizon: `<number>[m|h|d|w]`, a plain number in the argument's unit. */
function durationParser(o: DurationOpts): (token: string) => Parsed<number> {
  const expected = describeDuration(o);
  return (token) => {
    if (o.off && token.toLowerCase() === 'off') return { ok: true, value: 0 };
    const m = DURATION_TEXT.exec(token.trim());
    if (!m) return { ok: false, expected };
    const unit = ((m[2] ?? '').toLowerCase() || o.unit) as TimeUnit;
    // Through milliseconds, rounded to a microsecond of the target unit: "240h" in days is exactly 10.
    const value = Math.round((Number(m[1]) * TIME_UNITS[unit]) / TIME_UNITS[o.unit] * 1e6) / 1e6;
    if (!(value > 0)) return { ok: false, expected };
    if (o.integer && !Number.isInteger(value)) return { ok: false, expected: `${expected}, in whole ${UNIT_NAMES[o.unit]}` };
    if ((o.min !== undefined && value < o.min) || (o.max !== undefined && value > o.max)) return { ok: false, expected };
    return { ok: true, value };
  };
}

function durationArg(o: DurationOpts & { optional: true }): ArgDef<number, false>;
function durationArg(o: DurationOpts & { default?: number }): ArgDef<number, true>;
function durationArg(o: DurationOpts & { optional?: boolean; default?: number }): ArgDef<number> {
  // A text option on Discord ("10d"), parsed by the same grammar as typed text.
  return build('string', o, durationParser(o), describeDuration(o), { maxLength: 12 });
}

function build<T>(kind: ArgKind, o: Common & { optional?: boolean; default?: T }, parse: (t: string) => Parsed<T>,
  expected: string, extra: Partial<ArgDef<T>> = {}): ArgDef<T> {
  return {
    kind,
    description: o.description ?? '',
    required: !o.optional && o.default === undefined,
    default: o.default,
    expected,
    parse,
    ...extra,
  };
}

function stringArg(o: StringOpts & { optional: true }): ArgDef<string, false>;
function stringArg(o?: StringOpts & { default?: string }): ArgDef<string, true>;
function stringArg(o: StringOpts & { optional?: boolean; default?: string } = {}): ArgDef<string> {
  const parse = stringParser(o);
  return build('string', o, parse, o.expected ?? `text of at most ${o.maxLength ?? DEFAULT_MAX_LENGTH} characters`,
    { maxLength: o.maxLength ?? DEFAULT_MAX_LENGTH, ...(o.suggest ? { suggest: o.suggest } : {}) });
}

function numberArg(o: NumberOpts & { optional: true }): ArgDef<number, false>;
function numberArg(o?: NumberOpts & { default?: number }): ArgDef<number, true>;
function numberArg(o: NumberOpts & { optional?: boolean; default?: number } = {}): ArgDef<number> {
  return build('number', o, numberParser(o), o.expected ?? describeNumber(o), {
    ...(o.min !== undefined ? { min: o.min } : {}),
    ...(o.max !== undefined ? { max: o.max } : {}),
    ...(o.integer ? { integer: true } : {}),
  });
}

function enumArg<const V extends string>(o: EnumOpts<V> & { optional: true }): ArgDef<V, false>;
function enumArg<const V extends string>(o: EnumOpts<V> & { default?: V }): ArgDef<V, true>;
function enumArg<const V extends string>(o: EnumOpts<V> & { optional?: boolean; default?: V }): ArgDef<V> {
  return build('enum', o, enumParser(o.values, o.aliases), describeEnum(o.values, o.aliases), { choices: o.values });
}

/**
 * Argument builders: `arg.string()`, `arg.number({ min: 0 })`, `arg.enum({ values: ['long', 'short'] })`,
 * `arg.duration({ unit: 'd', min: 1, max: 30 })`.
 */
export const arg = { string: stringArg, number: numberArg, enum: enumArg, duration: durationArg };

/** Splits a command line into tokens; double or single quotes group words ("a b"). */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) tokens.push(m[1] ?? m[2] ?? m[3] ?? '');
  return tokens;
}

/** `/name <req> [opt]` from a spec. */
export function usageLine(name: string, spec: ArgsSpec): string {
  const parts = Object.entries(spec).map(([key, a]) => (a.required ? `<${key}>` : `[${key}]`));
  return [`/${name}`, ...parts].join(' ');
}

export type ParseOutcome<A extends ArgsSpec> =
  | { ok: true; values: InferArgs<A> }
  | { ok: false; message: string };

/** Characters that print as nothing (zero-width, direction marks, BOM): pasted from chats, they silently break input. */
const INVISIBLE: Readonly<Record<number, string>> = {
  0x00ad: 'soft hyphen', 0x200b: 'zero-width space', 0x200c: 'zero-width non-joiner', 0x200d: 'zero-width joiner',
  0x200e: 'left-to-right mark', 0x200f: 'right-to-left mark', 0x202a: 'left-to-right embedding', 0x202b: 'right-to-left embedding',
  0x202c: 'pop directional formatting', 0x202d: 'left-to-right override', 0x202e: 'right-to-left override', 0x2060: 'word joiner',
  0x2066: 'left-to-right isolate', 0x2067: 'right-to-left isolate', 0x2068: 'first strong isolate', 0x2069: 'pop directional isolate',
  0xfeff: 'zero-width no-break space',
};
const INVISIBLE_RE = new RegExp(`[${Object.keys(INVISIBLE).map((c) => `\\u{${Number(c).toString(16)}}`).join('')}]`, 'gu');

const codePoint = (ch: string): string => `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** The text with every invisible character shown as ⟨U+200B⟩, so a message can say where it is. */
export function visible(text: string): string {
  return text.replace(INVISIBLE_RE, (ch) => `⟨${codePoint(ch)}⟩`);
}

/** A problem with invisible characters in `text` ("contains a zero-width space (U+200B): …"), or null. */
export function invisibleProblem(text: string): string | null {
  const found = text.match(INVISIBLE_RE);
  if (!found) return null;
  const names = [...new Set(found.map((ch) => `${INVISIBLE[ch.codePointAt(0) ?? 0] ?? 'invisible character'} ${codePoint(ch)}`))];
  return found.length === 1
    ? `${JSON.stringify(visible(text))} contains an invisible ${names[0]}; type it again without it`
    : `${JSON.stringify(visible(text))} contains ${found.length} invisible characters (${names.join(', ')}); type it again without them`;
}

function quote(token: string): string {
  const shown = token.length > 40 ? `${token.slice(0, 40)}…` : token;
  return JSON.stringify(visible(shown));
}

/**
 * Parses tokens against a spec: positional in declaration order, or `name=value` in any order. Never throws.
 */
export function parseArgs<A extends ArgsSpec>(spec: A, tokens: readonly string[]): ParseOutcome<A> {
  const keys = Object.keys(spec);
  const raw = new Map<string, string>();
  const positional: string[] = [];
  for (const token of tokens) {
    const eq = /^([a-z_][a-z0-9_]*)=(.*)$/i.exec(token);
    const name = eq?.[1]?.toLowerCase();
    if (eq && name !== undefined && keys.includes(name)) {
      if (raw.has(name)) return { ok: false, message: `${name}: given twice` };
      raw.set(name, eq[2] ?? '');
    } else positional.push(token);
  }
  const free = keys.filter((k) => !raw.has(k));
  if (positional.length > free.length) {
    return {
      ok: false,
      message: keys.length === 0
        ? `this command takes no arguments, got ${quote(positional.join(' '))}`
        : `too many arguments: expected at most ${keys.length}, got ${tokens.length}`,
    };
  }
  positional.forEach((token, i) => raw.set(free[i] as string, token));
  return parseNamed(spec, Object.fromEntries(raw));
}

/** Parses named raw values (Discord options, `name=value` tokens) against a spec. Never throws. */
export function parseNamed<A extends ArgsSpec>(spec: A, values: Readonly<Record<string, string | undefined>>): ParseOutcome<A> {
  const out: Record<string, unknown> = {};
  for (const unknownKey of Object.keys(values)) {
    if (!(unknownKey in spec)) return { ok: false, message: `unknown argument "${unknownKey}"` };
  }
  for (const [key, def] of Object.entries(spec)) {
    const token = values[key];
    if (token === undefined || token === '') {
      if (def.required) return { ok: false, message: `${key}: missing, expected ${def.expected}` };
      out[key] = def.default;
      continue;
    }
    const hidden = invisibleProblem(token);
    if (hidden) return { ok: false, message: `${key}: ${hidden}` };
    const parsed = def.parse(token);
    if (!parsed.ok) return { ok: false, message: `${key}: expected ${parsed.expected}, got ${quote(token)}` };
    out[key] = parsed.value;
  }
  return { ok: true, values: out as InferArgs<A> };
}
