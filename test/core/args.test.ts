import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arg, parseArgs, parseNamed, tokenize, usageLine } from '../../src/core/args.ts';

const sizeSpec = {
  market: arg.string({ upper: true, pattern: /^[A-Z0-9-]{2,16}$/, expected: 'a market such as SOL' }),
  amount: arg.number({ min: 0 }),
  side: arg.enum({ values: ['long', 'short'], default: 'long' }),
  note: arg.string({ optional: true }),
};

describe('argument parsing', () => {
  it('parses positional arguments into typed values', () => {
    const r = parseArgs(sizeSpec, ['sol', '12.5', 'SHORT']);
    expect(r).toEqual({ ok: true, values: { market: 'SOL', amount: 12.5, side: 'short', note: undefined } });
  });

  it('applies defaults and leaves optional arguments undefined', () => {
    expect(parseArgs(sizeSpec, ['BTC', '1'])).toEqual({ ok: true, values: { market: 'BTC', amount: 1, side: 'long', note: undefined } });
  });

  it('says which argument is wrong, what it expected and what it got', () => {
    expect(parseArgs(sizeSpec, ['SOL', 'abc'])).toEqual({ ok: false, message: 'amount: expected a number ≥ 0, got "abc"' });
    expect(parseArgs(sizeSpec, ['SOL', '-1'])).toEqual({ ok: false, message: 'amount: expected a number ≥ 0, got "-1"' });
    expect(parseArgs(sizeSpec, ['SOL', '1', 'sideways'])).toEqual({ ok: false, message: 'side: expected one of long, short, got "sideways"' });
    expect(parseArgs(sizeSpec, ['S$L', '1'])).toEqual({ ok: false, message: 'market: expected a market such as SOL, got "S$L"' });
    expect(parseArgs(sizeSpec, [])).toEqual({ ok: false, message: 'market: missing, expected a market such as SOL' });
    expect(parseArgs(sizeSpec, ['SOL', '1', 'long', 'x', 'y'])).toEqual({ ok: false, message: 'too many arguments: expected at most 4, got 5' });
    expect(parseArgs({}, ['x'])).toEqual({ ok: false, message: 'this command takes no arguments, got "x"' });
  });

  it('describes number ranges and whole numbers', () => {
    const spec = { n: arg.number({ min: 1, max: 10, integer: true }) };
    expect(parseArgs(spec, ['2.5'])).toEqual({ ok: false, message: 'n: expected a whole number from 1 to 10, got "2.5"' });
    expect(parseArgs(spec, ['11'])).toEqual({ ok: false, message: 'n: expected a whole number from 1 to 10, got "11"' });
    expect(parseArgs(spec, ['10'])).toEqual({ ok: true, values: { n: 10 } });
  });

  it('accepts percentages, separators and name=value in any order', () => {
    const spec = { fraction: arg.number(), amount: arg.number() };
    expect(parseArgs(spec, ['5%', '1,000'])).toEqual({ ok: true, values: { fraction: 0.05, amount: 1000 } });
    expect(parseArgs(spec, ['amount=2', 'fraction=0.5'])).toEqual({ ok: true, values: { fraction: 0.5, amount: 2 } });
    expect(parseArgs(spec, ['amount=2', '3'])).toEqual({ ok: true, values: { fraction: 3, amount: 2 } });
    expect(parseArgs(spec, ['amount=2', 'amount=3'])).toEqual({ ok: false, message: 'amount: given twice' });
    expect(parseArgs(spec, ['1e400', '1'])).toEqual({ ok: false, message: 'fraction: expected a number, got "1e400"' });
  });

  it('parses named values (Discord options) with the same validators', () => {
    expect(parseNamed(sizeSpec, { market: 'eth', amount: '3' })).toEqual({ ok: true, values: { market: 'ETH', amount: 3, side: 'long', note: undefined } });
    expect(parseNamed(sizeSpec, { market: 'eth', amount: 'x' })).toEqual({ ok: false, message: 'amount: expected a number ≥ 0, got "x"' });
    expect(parseNamed(sizeSpec, { market: 'eth', amount: '1', bogus: '1' })).toEqual({ ok: false, message: 'unknown argument "bogus"' });
  });

  it('tokenizes quotes and whitespace', () => {
    expect(tokenize('  a  "b c"  \'d e\' f ')).toEqual(['a', 'b c', 'd e', 'f']);
    expect(tokenize('')).toEqual([]);
  });

  it('builds usage lines with <required> and [optional]', () => {
    expect(usageLine('size', sizeSpec)).toBe('/size <market> <amount> [side] [note]');
  });

  it('never throws, whatever the tokens', () => {
    fc.assert(fc.property(fc.array(fc.string(), { maxLength: 8 }), (tokens) => {
      const r = parseArgs(sizeSpec, tokens);
      if (r.ok) {
        expect(typeof r.values.market).toBe('string');
        expect(Number.isFinite(r.values.amount) && r.values.amount >= 0).toBe(true);
        expect(['long', 'short']).toContain(r.values.side);
      } else {
        expect(r.message).toMatch(/^(\w+: |too many arguments|unknown argument|this command)/);
      }
    }), { numRuns: 2000 });
  });
});
