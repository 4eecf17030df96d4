/**
 * The KPI definitions a reader finds beside the archive: the English text is docs/spec.md §3's, word for
 * word (the contract), the French one covers every KPI, and the glossary page links each under its anchor.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KPI_IDS } from '../../functions/engine/catalogue.js';
import { createFormatter } from '../../functions/engine/format.js';
import { glossaryView } from '../../functions/render/glossary.js';
import { formatWords, loadStrings } from '../../functions/render/locale.js';

/** docs/spec.md §3's table: KPI id → definition column. */
function specDefinitions(): Map<string, string> {
  const spec = readFileSync(new URL('../../docs/spec.md', import.meta.url), 'utf8');
  const section = spec.slice(spec.indexOf('## 3. KPI catalogue'), spec.indexOf('## 4.'));
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const cells = line.split(' | ');
    const id = /^\| `([a-z_]+)`$/.exec(cells[0] ?? '')?.[1];
    if (id !== undefined && cells[2] !== undefined) rows.set(id, cells[2]);
  }
  return rows;
}

describe('KPI definitions', () => {
  it('are docs/spec.md §3’s, word for word, in English', async () => {
    const spec = specDefinitions();
    expect([...spec.keys()]).toEqual([...KPI_IDS]);
    const en = await loadStrings('en');
    for (const id of KPI_IDS) expect(en.definitions[id], id).toBe(spec.get(id));
  });

  it('say T, S and D where they apply, and the glossary gives each KPI an anchor', async () => {
    const strings = await loadStrings('fr');
    const format = createFormatter({ locale: 'fr', timeZone: 'Europe/Paris', words: formatWords(strings) });
    const view = glossaryView(
      { strings, format, locale: 'fr' },
      { service_level_s: 30, short_abandon_s: 5, social_reply_s: 7200 },
    );
    expect(view.entries.map((e) => e.anchor)).toEqual(KPI_IDS.map((id) => `kpi-${id}`));
    expect(view.thresholds?.replace(/\u00a0/g, ' ')).toBe(
      'Seuils configurés : T (niveau de service) = 30 s, S (abandon court) = 5 s, D (délai de réponse réseaux sociaux) = 2 h.',
    );
    const sl = view.entries.find((e) => e.anchor === 'kpi-service_level');
    expect(sl?.name.replace(/\u00a0/g, ' ')).toBe('Niveau de service (en 30 s)');
    expect(sl?.definition.map((p) => p.text).join('')).toContain('traités avec une attente ≤ T ÷ présentés');
    // Field names are code, the rest prose.
    const aht = view.entries.find((e) => e.anchor === 'kpi-aht');
    expect(aht?.definition.filter((p) => p.code).map((p) => p.text)).toEqual(['contacts_handled', 'contacts_handled']);
    expect(aht?.better).toBe('plus bas = mieux');
  });
});
