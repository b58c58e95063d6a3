/**
 * Drift account bytes for the fake RPC, encoded with the SDK's own IDL: a zero value for any IDL type (the synthetic
 * State the mainnet fixtures lack) and an encoder that writes into a right-sized buffer (Anchor 0.29's
 * `BorshAccountsCoder.encode` overruns its fixed 1,000-byte buffer for User and PerpMarket).
 */
import { BorshAccountsCoder, BN, type Idl } from '@coral-xyz/anchor';
import { PublicKey } from '@solana/web3.js';
import driftIdl from '@drift-labs/sdk/lib/node/idl/drift.json' with { type: 'json' };

export const DRIFT_IDL = driftIdl as unknown as Idl;
const coder = new BorshAccountsCoder(DRIFT_IDL);

type IdlTypeRef = string | { defined: string } | { array: [IdlTypeRef, number] } | { option: IdlTypeRef } | { vec: IdlTypeRef };
interface IdlTypeDef { name: string; type: { kind: 'struct'; fields: { name: string; type: IdlTypeRef }[] } | { kind: 'enum'; variants: { name: string }[] } }

const TYPES = new Map<string, IdlTypeDef>(
  [...(driftIdl.types as unknown as IdlTypeDef[]), ...(driftIdl.accounts as unknown as IdlTypeDef[])].map((t) => [t.name, t]),
);

/** The all-zero value of an IDL type: numbers 0 (BN for 64 bits and up), keys PublicKey.default, first enum variant. */
export function zeroOf(type: IdlTypeRef): unknown {
  if (typeof type === 'string') {
    if (type === 'publicKey') return PublicKey.default;
    if (type === 'bool') return false;
    if (/^[iu](64|128|256)$/.test(type)) return new BN(0);
    if (/^[iu](8|16|32)$/.test(type) || /^f(32|64)$/.test(type)) return 0;
    if (type === 'string') return '';
    throw new Error(`no zero for ${type}`);
  }
  if ('array' in type) return Array.from({ length: type.array[1] }, () => zeroOf(type.array[0]));
  if ('option' in type) return null;
  if ('vec' in type) return [];
  const def = TYPES.get(type.defined);
  if (!def) throw new Error(`unknown IDL type ${type.defined}`);
  if (def.type.kind === 'enum') return { [lowerFirst(def.type.variants[0]!.name)]: {} };
  return Object.fromEntries(def.type.fields.map((f) => [f.name, zeroOf(f.type)]));
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** Account bytes (discriminator + Borsh body) of IDL account `name` holding `value`, in a buffer of `size` bytes. */
export function encodeDriftAccount(name: string, value: unknown, size: number): Buffer {
  // The layouts map is private in Anchor's typings; the encoder needs it to avoid the 1,000-byte scratch buffer.
  const layout = (coder as unknown as { accountLayouts: Map<string, { encode(v: unknown, b: Buffer): number }> }).accountLayouts.get(name);
  if (!layout) throw new Error(`no layout for ${name}`);
  const buf = Buffer.alloc(size);
  BorshAccountsCoder.accountDiscriminator(name).copy(buf, 0);
  layout.encode(value, buf.subarray(8));
  return buf;
}

/** A zero State with `overrides` (synthetic: the mainnet fixtures carry none). Size from the IDL layout. */
export function syntheticState(overrides: Record<string, unknown> = {}): Buffer {
  const value = { ...(zeroOf({ defined: 'State' }) as Record<string, unknown>), ...overrides };
  const layout = (coder as unknown as { accountLayouts: Map<string, { span: number }> }).accountLayouts.get('State');
  const span = layout && layout.span > 0 ? layout.span : 992;
  return encodeDriftAccount('State', value, 8 + span);
}

/** Decodes an account with the IDL coder (round-trip checks). */
export function decodeDriftAccount<T>(name: string, data: Buffer): T {
  return coder.decode(name, data);
}
