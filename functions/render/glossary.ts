/**
 * The KPI definitions page written beside the archive (`reports/definitions.<locale>.html`): each KPI's
 * name (with its threshold), definition (docs/spec.md §3, translated for French readers), unit and
 * direction, under an anchor (`#kpi-fcr`) that the archived scorecards link each KPI's name to.
 */
import { CATALOGUE } from '../engine/catalogue.js';
import type { Locale } from '../engine/format.js';
import type { Report } from '../engine/report-schema.js';
import { fill } from './locale.js';
import { kpiLabel, thresholdText, type Words } from './wording.js';

/** Where the definitions page of a locale lives in the archive. */
export const glossaryKey = (locale: Locale): string => `reports/definitions.${locale}.html`;

/** A definition's text in parts: `code` spans (field names) kept apart from prose. */
export interface DefinitionPart {
  readonly text: string;
  readonly code: boolean;
}

export interface GlossaryEntryView {
  readonly anchor: string;
  readonly name: string;
  readonly family: string;
  readonly definition: readonly DefinitionPart[];
  readonly unit: string;
  readonly better: string;
}

export interface GlossaryView {
  readonly lang: Locale;
  readonly title: string;
  readonly intro: string;
  readonly thresholds: string | null;
  readonly entries: readonly GlossaryEntryView[];
}

/** Splits "`contacts_handled` ÷ …" into code and text parts. */
function parts(definition: string): DefinitionPart[] {
  return definition
    .split('`')
    .map((text, i) => ({ text, code: i % 2 === 1 }))
    .filter((p) => p.text !== '');
}

/** The definitions page's view, with the thresholds the latest report was computed with. */
export function glossaryView(words: Words, thresholds: Report['thresholds']): GlossaryView {
  const { strings } = words;
  const g = strings.glossary;
  return {
    lang: words.locale,
    title: g.title,
    intro: g.intro,
    thresholds:
      thresholds === undefined
        ? null
        : fill(g.thresholds, {
            T: thresholdText(thresholds.service_level_s, words),
            S: thresholdText(thresholds.short_abandon_s, words),
            D: thresholdText(thresholds.social_reply_s, words),
          }),
    entries: CATALOGUE.map((kpi) => ({
      anchor: `kpi-${kpi.id}`,
      name: kpiLabel(kpi, words, thresholds),
      family: strings.families[kpi.family],
      definition: parts((strings.definitions as Readonly<Record<string, string>>)[kpi.id] ?? ''),
      unit: fill(g.unit, { unit: g.units[kpi.unit] }),
      better: g.better[kpi.better ?? 'none'],
    })),
  };
}
