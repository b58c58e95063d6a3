/**
 * One word per figure: every command's reply (test/helpers/every-reply.ts, on two books) uses the README glossary's
 * words and none of the synonyms they replaced, and the glossary defines each word the replies use.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { plainText } from '../../src/core/reply.ts';
import { BROAD, everyReply } from '../helpers/every-reply.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const GLOSSARY = README.slice(README.indexOf('## Glossary'), README.indexOf('\n## ', README.indexOf('## Glossary') + 5));

/** Words the glossary defines (each must appear there in bold). */
const DEFINED = ['Exposure', 'Gross exposure', 'Net exposure', 'delta', 'Share', 'Weight', 'Concentration', 'Correlated book', 'Free collateral', 'Health', 'Leverage', 'If held for the last N days'];

/** Names a figure used to have besides its glossary word: none may come back. */
const SYNONYMS: readonly [RegExp, string][] = [
  [/Margin available|Available margin/i, 'Free collateral'],
  [/(?<!gross )\bof exposure\b/, 'of gross exposure'],
  [/Hypothetical/i, 'If held for the last N days'],
  [/share of equity/i, 'Concentration or Share (of gross exposure)'],
  [/position share/i, 'concentration (the limit is "Max concentration")'],
  [/\bis [\d.]+% of equity\b/, 'concentration (exposure / the larger of gross exposure and equity)'],
  [/records one a minute/i, 'the snapshot schedule'],
];

describe('glossary', () => {
  it('defines every word it promises', () => {
    for (const word of DEFINED) expect(GLOSSARY, word).toContain(`**${word}**`);
  });

  it.each([['the demo book', undefined], ['a broad book', BROAD]] as const)('every reply uses the glossary words, not their synonyms: %s', async (_name, book) => {
    const replies = await everyReply(book);
    const found: string[] = [];
    for (const [name, rs] of replies) {
      for (const text of rs.map(plainText)) {
        for (const [re, word] of SYNONYMS) if (re.test(text)) found.push(`/${name}: "${re.exec(text)?.[0] ?? ''}" (say ${word})`);
        // A position's share is always of gross exposure.
        for (const m of text.matchAll(/Share: ([^\n]+)/g)) if (!/of gross exposure/.test(m[1] ?? '')) found.push(`/${name}: Share "${m[1] ?? ''}"`);
      }
    }
    expect(found).toEqual([]);
  }, 120_000);
});
