/**
 * Static weights from a JSON or YAML file, read at every fetch (edit the file, the next /weights shows it).
 *
 * Format (the extension picks the parser: .json → JSON, .yaml/.yml → YAML):
 *   - a flat mapping of asset → weight:                     { "SOL": 0.4, "BTC": 0.3, "USDC": 0.3 }
 *   - or the mapping under a top-level `weights` key, beside anything else (ignored: a description, a date …):
 *       description: my core book
 *       weights:
 *         SOL: 0.4
 *         BTC: 0.3
 *         USDC: 0.3
 * Weights are fractions (0.4 for 40%), numbers only. Asset symbols are trimmed and upper-cased ("sol" → SOL); two
 * keys naming the same asset are an error. The weights then go through validateWeights (finite, ≥ 0, known, Σ = 1
 * within 1e-6). Every error names the file and never quotes its content (a parse error gives the line and column).
 *
 * `baseDir`: the weights directory (WEIGHTS_DIR). The path is resolved against it and its real path must stay inside
 * it (src/oracles/weights-dir.ts), so a chat user cannot point the oracle at /etc/passwd, the state file or a keypair;
 * without a baseDir no file is read.
 */
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import type { Weights } from '../ports/index.ts';
import { UserError } from '../shared/errors.ts';
import type { OracleProposal, ProposingOracle } from './types.ts';
import { jsonErrorAt, readInsideDir, shortValue, yamlErrorAt } from './weights-dir.ts';

/** Largest weights file read (a weights file is a few lines; anything bigger is a mistake). */
export const MAX_WEIGHTS_FILE_BYTES = 1_000_000;

export interface StaticFileOptions {
  /** The file, relative to `baseDir`. */
  readonly path: string;
  /** The weights directory the file must be inside; without it every read is refused. */
  readonly baseDir?: string;
}

/** The static:FILE oracle: weights read from `options.path` inside `options.baseDir` at every fetch. */
export function staticFileOracle(options: StaticFileOptions): ProposingOracle {
  const name = `static:${options.path}`;
  const propose = async (_at: number): Promise<OracleProposal> => ({ weights: await readWeightsFile(options.path, options.baseDir) });
  return {
    name,
    description: `Static weights from ${options.path}, read at every request`,
    propose,
    fetchWeights: async (at) => (await propose(at)).weights,
  };
}

/** Reads and parses a weights file (see the module comment); values are checked to be numbers, not yet validated. */
export async function readWeightsFile(path: string, baseDir?: string): Promise<Weights> {
  const fail = (message: string, code: 'bad_argument' | 'not_found' = 'bad_argument'): never => {
    throw new UserError(code, `Weights file ${path}: ${message}`);
  };
  if (path.trim() === '') fail('no path given.');
  const ext = extname(path).toLowerCase();
  if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml') fail('expected a .json, .yaml or .yml file.');
  const text = await readInsideDir(path, baseDir, MAX_WEIGHTS_FILE_BYTES, fail);
  let doc: unknown;
  if (ext === '.json') {
    try {
      doc = JSON.parse(text);
    } catch (err) {
      const at = jsonErrorAt(text, err);
      return fail(`not valid JSON${at ? ` (${at})` : ''}.`);
    }
  } else {
    // parseDocument, not parse: its errors carry a code and a position (linePos), and nothing is logged. Their
    // messages quote the text, so only the code and position are shown.
    const parsed = parseDocument(text, { logLevel: 'silent' });
    const first = parsed.errors[0];
    if (first) return fail(`not valid YAML (${yamlErrorAt(first)}).`);
    try {
      doc = parsed.toJS({ maxAliasCount: 100 });
    } catch {
      return fail('not valid YAML (too many aliases or a bad alias).');
    }
  }
  return weightsFromDocument(doc, fail);
}

/** The asset → weight mapping of a parsed document: the top level, or its `weights` key. */
function weightsFromDocument(doc: unknown, fail: (m: string) => never): Weights {
  if (!isPlainObject(doc)) return fail('expected a mapping of asset → weight, e.g. { "SOL": 0.4, "BTC": 0.3, "USDC": 0.3 }.');
  const map = 'weights' in doc ? doc.weights : doc;
  if (!isPlainObject(map)) return fail('`weights` must be a mapping of asset → weight, e.g. weights: { SOL: 0.4, USDC: 0.6 }.');
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(map)) {
    const asset = key.trim().toUpperCase();
    if (asset === '') fail('an empty asset name.');
    // Keys are echoed in later errors, so anything not shaped like a symbol is refused without being quoted.
    if (!ASSET_RE.test(asset)) fail('a key that is not an asset symbol (letters and digits, e.g. SOL).');
    if (asset in out) fail(`${asset} appears twice.`);
    if (typeof value !== 'number') fail(`the weight of ${asset} is ${shown(value)}; expected a number (a fraction, 0.4 for 40%).`);
    out[asset] = value;
  }
  return Object.freeze(out);
}

const ASSET_RE = /^[A-Z0-9][A-Z0-9._-]{0,23}$/;

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function shown(value: unknown): string {
  if (typeof value === 'string') {
    const quoted = shortValue(value);
    return quoted ? `the text ${quoted}` : 'text';
  }
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'a mapping' : typeof value;
}
