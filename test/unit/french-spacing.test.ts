/**
 * French typography: a no-break space before `:` `;` `!` `?` and inside « », so that a 375 px column
 * never starts a line with a colon ("Le niveau de service est revenu dans l’objectif / : 81,2 %", seen
 * in the phone screenshot). The locale file writes plain spaces; the strings Vigie uses have none left.
 */
import { describe, expect, it } from 'vitest';
import { fill, loadStrings } from '../../functions/render/locale.js';

/** Every string of a locale tree. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

describe('French spacing', () => {
  it('leaves no breakable space before : ; ! ? », nor after «, in any French string', async () => {
    const fr = stringsOf(await loadStrings('fr'));
    expect(fr.filter((s) => / [:;!?»]|« /.test(s))).toEqual([]);
    expect(fr.some((s) => s.includes('\u00a0:'))).toBe(true);
  });

  it('keeps the words before a colon with it in a filled sentence', async () => {
    const dq = (await loadStrings('fr')).dataQuality;
    expect(fill(dq.reason, { label: 'ligne qui n’est pas du JSON', count: '3' })).toBe(
      'ligne qui n’est pas du JSON\u00a0: 3',
    );
  });

  it('leaves English as written', async () => {
    const en = stringsOf(await loadStrings('en'));
    expect(en.some((s) => s.includes('\u00a0:'))).toBe(false);
  });
});
