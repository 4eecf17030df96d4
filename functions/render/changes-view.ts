/**
 * "Ce qui a changé / What changed": the block a scorecard opens with. The engine picked the moves
 * (`report.changes`); here they are worded and grouped by what they mean for the reader — worse,
 * better, or neither — so the first screen says what got better and worse without the reader knowing
 * which way each KPI should go.
 */
import { kpiById } from '../engine/catalogue.js';
import type { Quality } from '../engine/delta.js';
import { periodContaining, previousPeriod } from '../engine/periods.js';
import type { Report, ReportChange } from '../engine/report-schema.js';
import type { Scope } from '../engine/scope.js';
import { fill } from './locale.js';
import { capitalised, changeSentence, movedSentence, scoped, type Words } from './wording.js';

export interface ChangeGroupView {
  /** Also the template's colour class: `vg-worse`, `vg-better`, `vg-neutral`. */
  readonly quality: Quality;
  readonly title: string;
  readonly items: readonly string[];
}

export interface ChangesView {
  readonly title: string;
  /** "par rapport à la semaine du 16 au 22 novembre 2026"; `null` when there was nothing to compare with. */
  readonly against: string | null;
  readonly groups: readonly ChangeGroupView[];
  /** "Aucun changement notable.", or why there is nothing to compare; `null` when there are changes. */
  readonly empty: string | null;
  /** A short line for the mail's preview text: the first moves, worse first. */
  readonly preview: string;
}

const ORDER: readonly Quality[] = ['worse', 'better', 'neutral'];

/** The previous period of a report, as a reference. */
const previousOf = (report: Report): Pick<ReportChange, 'against' | 'against_start'> => ({
  against: 'previous',
  against_start: previousPeriod(periodContaining(report.period.kind, report.period.start, report.period.timezone))
    .startDate,
});

/** Which period the changes are read against, in words. */
function againstWords(report: Report, change: Pick<ReportChange, 'against' | 'against_start'>, words: Words): string {
  const { against } = words.strings.changes;
  const { format } = words;
  if (change.against === 'same_weekday_last_week') {
    return fill(against.same_weekday_last_week, { date: format.longDate(change.against_start) });
  }
  switch (report.period.kind) {
    case 'day':
      return fill(against.day, { date: format.longDate(change.against_start) });
    case 'week': {
      const before = periodContaining('week', change.against_start, report.period.timezone);
      return fill(against.week, { start: format.shortDate(before.startDate), end: format.shortDate(before.endDate) });
    }
    case 'month':
      return fill(against.month, { month: format.monthYear(change.against_start) });
  }
}

/**
 * The "what changed" block for the scopes a recipient follows (the centre, or their teams and queues);
 * `null` for a report archived before changes were recorded.
 */
export function changesView(report: Report, scopes: readonly Scope[], words: Words): ChangesView | null {
  if (report.changes === undefined) return null;
  const keys = new Set(scopes.map((s) => `${s.dimension}:${s.value}`));
  const mine = report.changes.filter((c) => keys.has(`${c.scope.dimension}:${c.scope.value}`));
  // With several teams, each sentence says whose it is.
  const sentence = (c: ReportChange): string => {
    const text = changeSentence(c, words);
    return scopes.length > 1 ? scoped(c.scope, text, words, report.centre) : text;
  };
  const groups = ORDER.map((quality) => ({
    quality,
    title: words.strings.changes.groups[quality],
    items: mine.filter((c) => c.quality === quality).map(sentence),
  })).filter((g) => g.items.length > 0);
  const compared = report.scopes.some((s) =>
    Object.values(s.kpis).some((e) => e.previous !== null || (e.same_weekday_last_week ?? null) !== null),
  );
  const first = [...mine].sort((a, b) => ORDER.indexOf(a.quality) - ORDER.indexOf(b.quality)).slice(0, 3);
  const brief = first.map((c) => {
    const kpi = kpiById(c.kpi);
    return kpi === undefined
      ? c.kpi
      : capitalised(
          movedSentence(kpi, { value: c.value, reference: c.reference, target: c.target }, words, true),
          words.locale,
        );
  });
  return {
    title: words.strings.changes.title,
    // The changes say what they were read against; without any, the previous period is what was looked at.
    against: compared ? againstWords(report, mine[0] ?? report.changes[0] ?? previousOf(report), words) : null,
    groups,
    empty: groups.length > 0 ? null : compared ? words.strings.changes.none : words.strings.changes.noReference,
    preview: brief.join(' · '),
  };
}
