import { beforeAll, describe, expect, it } from 'vitest';
import { createFormatter, type Formatter, pluralOf } from '../../functions/engine/format.js';
import { fill, formatWords, LocaleError, loadStrings } from '../../functions/render/locale.js';
import { clip } from '../../functions/render/names.js';

/** Expectations are written with plain spaces; Intl and the formatter use no-break ones (checked below). */
const sp = (s: string): string => s.replace(/[\u00a0\u202f]/g, ' ');

let fr: Formatter;
let en: Formatter;

beforeAll(async () => {
  // The unit words come from the real locale files, so "pas de données" is checked where it is written.
  fr = createFormatter({ locale: 'fr', timeZone: 'Europe/Paris', words: formatWords(await loadStrings('fr')) });
  en = createFormatter({ locale: 'en', timeZone: 'Europe/Paris', words: formatWords(await loadStrings('en')) });
});

describe('createFormatter — values', () => {
  it.each([
    ['percent', 0.873, '87,3 %', '87.3%'],
    ['percent', 1, '100,0 %', '100.0%'],
    ['percent', 0, '0,0 %', '0.0%'],
    ['count', 2345, '2 345', '2,345'],
    ['count', 0, '0', '0'],
    ['currency', 2.35, '2,35 €', '€2.35'],
    ['currency', -1.5, '−1,50 €', '−€1.50'],
    ['score', 5.2, '5,2', '5.2'],
    ['score', 5, '5,0', '5.0'],
    ['points', 32, '+32', '+32'],
    ['points', -12.4, '−12', '−12'],
    ['points', 0, '0', '0'],
    ['points', -0.3, '0', '0'],
  ] as const)('%s(%d) → fr "%s", en "%s"', (method, input, expectedFr, expectedEn) => {
    // Act
    const shownFr = fr[method](input);
    const shownEn = en[method](input);
    // Assess
    expect(sp(shownFr)).toBe(expectedFr);
    expect(sp(shownEn)).toBe(expectedEn);
  });

  it.each([
    [0, '0 s'],
    [45, '45 s'],
    [59.4, '59 s'],
    [59.6, '1 min 00 s'],
    [185, '3 min 05 s'],
    [185.2, '3 min 05 s'],
    [3599.6, '1 h 00 min'],
    [3720, '1 h 02 min'],
    [5400, '1 h 30 min'],
    [86_399, '1 j 00 h'],
    [97_200, '1 j 03 h'],
  ])('duration(%d) → "%s"', (seconds, expected) => {
    expect(sp(fr.duration(seconds))).toBe(expected);
  });

  it('writes durations with the English day letter in English', () => {
    expect(sp(en.duration(185))).toBe('3 min 05 s');
    expect(sp(en.duration(97_200))).toBe('1 d 03 h');
  });

  it('shows null and non-finite values as "pas de données" / "no data", never 0 or NaN', () => {
    for (const unit of ['%', 'count', 's', 'currency', 'score', 'pts'] as const) {
      expect(fr.value(null, unit)).toBe('pas de données');
      expect(en.value(null, unit)).toBe('no data');
      expect(fr.value(Number.NaN, unit)).toBe('pas de données');
    }
    expect(fr.percent(null)).toBe('pas de données');
    expect(fr.delta(null, '%', 0.9)).toBe('pas de données');
    expect(en.delta(null, 'count', 10)).toBe('no data');
  });

  it('formats a value by its KPI unit', () => {
    expect(sp(fr.value(0.873, '%'))).toBe('87,3 %');
    expect(sp(fr.value(185, 's'))).toBe('3 min 05 s');
    expect(sp(fr.value(2345, 'count'))).toBe('2 345');
    expect(sp(fr.value(4.37, 'currency'))).toBe('4,37 €');
    expect(fr.value(5.2, 'score')).toBe('5,2');
    expect(fr.value(32, 'pts')).toBe('+32');
  });

  it('keeps a number and its unit together with no-break spaces', () => {
    for (const shown of [fr.percent(0.5), fr.count(2345), fr.duration(3720), fr.delta(-2, '%', 0.9)]) {
      expect(shown).not.toMatch(/ /);
    }
  });
});

describe('createFormatter — deltas', () => {
  it.each([
    // report.json gives `%` changes in points (docs/spec.md §3): 89.3 % → 87.3 % is −2 points.
    [-2, '%', 0.893, '−2,0 pts', '−2.0 pts'],
    [2.2, '%', 0.79, '+2,2 pts', '+2.2 pts'],
    [0, '%', 0.5, '0,0 pts', '0.0 pts'],
    // NPS is already in points.
    [-3, 'pts', 35, '−3,0 pts', '−3.0 pts'],
    // Counts and durations: in their unit and in percent of the previous value.
    [135, 'count', 2210, '+135 (+6,1 %)', '+135 (+6.1%)'],
    [-12.3, 's', 197.5, '−12 s (−6,2 %)', '−12 s (−6.2%)'],
    [-65, 's', 400, '−1 min 05 s (−16,3 %)', '−1 min 05 s (−16.3%)'],
    [0.12, 'currency', 4.25, '+0,12 € (+2,8 %)', '+€0.12 (+2.8%)'],
    [0.3, 'score', 5, '+0,3 (+6,0 %)', '+0.3 (+6.0%)'],
    // No percent without a previous value to divide by.
    [5, 'count', 0, '+5', '+5'],
    [-65, 's', null, '−1 min 05 s', '−1 min 05 s'],
  ] as const)('delta(%d, %s, previous %s) → fr "%s", en "%s"', (delta, unit, previous, expectedFr, expectedEn) => {
    expect(sp(fr.delta(delta, unit, previous))).toBe(expectedFr);
    expect(sp(en.delta(delta, unit, previous))).toBe(expectedEn);
  });
});

describe('createFormatter — dates in the centre time zone', () => {
  it('writes a local day in full and short', () => {
    expect(fr.longDate('2026-11-23')).toBe('lundi 23 novembre 2026');
    expect(en.longDate('2026-11-23')).toBe('Monday, 23 November 2026');
    expect(fr.shortDate('2026-11-23')).toBe('23/11/2026');
    expect(en.shortDate('2026-11-23')).toBe('23/11/2026');
    expect(fr.monthYear('2026-11-01')).toBe('novembre 2026');
    expect(en.monthYear('2026-11-01')).toBe('November 2026');
  });

  it('shows an instant at the centre, across DST', () => {
    // Paris is UTC+1 in November and UTC+2 in July.
    expect(fr.dateTime('2026-11-24T01:15:07.000Z')).toBe('24 novembre 2026 à 02:15');
    expect(fr.dateTime('2026-07-01T00:30:00Z')).toBe('1 juillet 2026 à 02:30');
    expect(en.dateTime('2026-11-24T02:15:00+01:00')).toBe('24 November 2026 at 02:15');
    expect(fr.shortDateTime('2026-11-23T09:40:00Z')).toBe('23/11 10:40');
  });

  it('shows the same instant in another zone when the centre is elsewhere', () => {
    const reunion = createFormatter({
      locale: 'fr',
      timeZone: 'Indian/Reunion',
      words: { noData: '-', points: 'pts', day: 'j', hour: 'h', minute: 'min', second: 's' },
    });
    expect(reunion.dateTime('2026-11-24T01:15:07.000Z')).toBe('24 novembre 2026 à 05:15');
  });

  it('refuses a date that does not exist', () => {
    expect(() => fr.longDate('2026-13-01')).toThrow(RangeError);
    expect(() => fr.dateTime('yesterday')).toThrow(RangeError);
  });
});

describe('text helpers', () => {
  it('chooses plural sentences by locale rules (French 0 and 1 are singular)', () => {
    expect(pluralOf('fr', 1)).toBe('one');
    expect(pluralOf('fr', 0)).toBe('one');
    expect(pluralOf('fr', 12)).toBe('other');
    expect(pluralOf('en', 1)).toBe('one');
    expect(pluralOf('en', 0)).toBe('other');
  });

  it('fills placeholders and refuses a missing one', () => {
    expect(fill('Journée du {date}', { date: 'lundi' })).toBe('Journée du lundi');
    expect(() => fill('{count} rejetés', {})).toThrow(LocaleError);
  });

  it('clips long text without splitting an emoji', () => {
    expect(clip('court', 10)).toBe('court');
    expect(clip('abcdefghij', 5)).toBe('abcd…');
    // A family emoji is one grapheme of several code units: kept whole or dropped whole.
    const family = '👨‍👩‍👧';
    expect(clip(`ab${family}${family}cd`, 4)).toBe(`ab${family}…`);
  });
});
