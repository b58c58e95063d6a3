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
}

interface EnumOpts<V extends string> extends Common {
  readonly values: readonly V[];
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
  const expected = describeNumber(o);
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

function enumParser<V extends string>(values: readonly V[]): (token: string) => Parsed<V> {
  const expected = `one of ${values.join(', ')}`;
  return (token) => {
    const found = values.find((v) => v.toLowerCase() === token.toLowerCase());
    return found === undefined ? { ok: false, expected } : { ok: true, value: found };
  };
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
  return build('number', o, numberParser(o), describeNumber(o), {
    ...(o.min !== undefined ? { min: o.min } : {}),
    ...(o.max !== undefined ? { max: o.max } : {}),
    ...(o.integer ? { integer: true } : {}),
  });
}

function enumArg<const V extends string>(o: EnumOpts<V> & { optional: true }): ArgDef<V, false>;
function enumArg<const V extends string>(o: EnumOpts<V> & { default?: V }): ArgDef<V, true>;
function enumArg<const V extends string>(o: EnumOpts<V> & { optional?: boolean; default?: V }): ArgDef<V> {
  return build('enum', o, enumParser(o.values), `one of ${o.values.join(', ')}`, { choices: o.values });
}

/** Argument builders: `arg.string()`, `arg.number({ min: 0 })`, `arg.enum({ values: ['long', 'short'] })`. */
export const arg = { string: stringArg, number: numberArg, enum: enumArg };

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

function quote(token: string): string {
  const shown = token.length > 40 ? `${token.slice(0, 40)}…` : token;
  return JSON.stringify(shown);
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
    const parsed = def.parse(token);
    if (!parsed.ok) return { ok: false, message: `${key}: expected ${parsed.expected}, got ${quote(token)}` };
    out[key] = parsed.value;
  }
  return { ok: true, values: out as InferArgs<A> };
}
