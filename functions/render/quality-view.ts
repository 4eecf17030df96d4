/**
 * "Qualité des données / Data quality": what the reader must know before trusting the figures —
 * records rejected per export kind and reason (each reason in words, with what to do about it), days
 * read incompletely or not at all, records outside the days read, late files, revised days, and the
 * trend's missing periods with the backfill command that would file them. A one-line banner at the
 * top of the mail points to the block when the problem is large enough to change a figure.
 */
import { DEFAULT_REJECT_SHARE } from '../engine/alerts.js';
import { pluralOf } from '../engine/format.js';
import { dayShifted } from '../engine/periods.js';
import type { Report } from '../engine/report-schema.js';
import { fill } from './locale.js';
import { clip, MAX_NAME } from './names.js';
import { capitalised, sentencePercent, type Words } from './wording.js';

export interface RejectKindView {
  /** "Tickets : 405 rejets sur 810 (50 %)" */
  readonly line: string;
  /** "ligne qui n’est pas du JSON : 376", most frequent first. */
  readonly reasons: readonly string[];
}

export interface DataQualityView {
  readonly title: string;
  readonly kinds: readonly RejectKindView[];
  /** One line per reason met: what it means and what to do about it. */
  readonly fixes: readonly string[];
  /** The general way out, when records were rejected. */
  readonly whatToDo: string | null;
  /** Incomplete days, records outside the window, exclusions, late files, days without data, revised days, trend gaps. */
  readonly notes: readonly string[];
}

type Counts = Readonly<Record<string, number>>;

const total = (counts: Counts): number => Object.values(counts).reduce((a, b) => a + b, 0);

/** Most frequent first, then in code-point order: the same on every machine. */
const byCount = (counts: Counts): [string, number][] =>
  Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : ka > kb ? 1 : 0));

/** A reject reason ("missing_field:created_at") in words: what it means, and what to do about it. */
function reasonWords(reason: string, words: Words): { readonly label: string; readonly fix: string } {
  const [base = reason, field] = reason.split(':', 2);
  const reasons = words.strings.dataQuality.reasons as Readonly<Record<string, { label: string; fix: string }>>;
  const own = Object.hasOwn(reasons, base) ? reasons[base] : undefined;
  const entry = own ?? words.strings.dataQuality.reasons.other;
  // A reason without its field ("missing_field") drops the parenthesis rather than showing an empty one.
  const label = field === undefined ? entry.label.replace(/\s*\(\{field\}\)/, '') : entry.label;
  return {
    label: fill(
      label.replace('{reason}', clip(reason, MAX_NAME)),
      field === undefined ? {} : { field: clip(field, MAX_NAME) },
    ),
    fix: entry.fix,
  };
}

const kindNoun = (kind: string, words: Words): string =>
  (words.strings.exportKinds as Readonly<Record<string, string>>)[kind] ?? clip(kind, MAX_NAME);

/** The rejects of each export kind, largest first; from the reasons alone for a report without `by_kind`. */
function rejectKinds(report: Report, words: Words): RejectKindView[] {
  const dq = words.strings.dataQuality;
  const { format } = words;
  const reasonsOf = (counts: Counts) =>
    byCount(counts).map(([reason, n]) =>
      fill(dq.reason, { label: reasonWords(reason, words).label, count: format.count(n) }),
    );
  const byKind = report.rejects.by_kind;
  if (byKind === undefined) {
    if (report.rejects.count === 0) return [];
    return [{ line: format.count(report.rejects.count), reasons: reasonsOf(report.rejects.by_reason) }];
  }
  const records = report.inputs.records_by_kind ?? {};
  return Object.entries(byKind)
    .map(([kind, counts]) => ({ kind, counts, n: total(counts) }))
    .filter((k) => k.n > 0)
    .sort((a, b) => b.n - a.n || (a.kind < b.kind ? -1 : 1))
    .map(({ kind, counts, n }) => {
      const read = records[kind];
      const noun = capitalised(kindNoun(kind, words), words.locale);
      const line =
        read === undefined || read === 0
          ? fill(counted(dq.kindNoTotal, n, words), { records: noun, count: format.count(n) })
          : fill(counted(dq.kind, n, words), {
              records: noun,
              count: format.count(n),
              total: format.count(read),
              share: shareOf(n, read, words),
            });
      return { line, reasons: reasonsOf(counts) };
    });
}

const days = (dates: readonly string[], words: Words): string => dates.map((d) => words.format.shortDate(d)).join(', ');

/** A share of records: "50 %", and "< 0,1 %" rather than a "0 %" that would say nothing was rejected. */
const shareOf = (n: number, total: number, words: Words): string =>
  n > 0 && n / total < 0.0005
    ? `<\u00a0${sentencePercent(0.001, words.locale)}`
    : sentencePercent(n / total, words.locale);

function counted(sentence: { one: string; other: string }, n: number, words: Words): string {
  return pluralOf(words.locale, n) === 'one' ? sentence.one : sentence.other;
}

/** The notes on what was read: incomplete days, outside the window, excluded, late, missing, revised, trend gaps. */
function notesOf(report: Report, words: Words): string[] {
  const dq = words.strings.dataQuality;
  const { format } = words;
  const notes: string[] = [];
  const i = report.inputs;
  if ((i.incomplete_days ?? []).length > 0)
    notes.push(fill(dq.incomplete, { days: days(i.incomplete_days ?? [], words) }));
  // A partition is a UTC date: in any other zone it holds an hour or so of the day just before or just
  // after the days read, which are filed with their own day. Only records dated further off are news.
  const spill = new Set([dayShifted(report.period.start, -1), dayShifted(report.period.end, 1)]);
  const outside = Object.fromEntries(Object.entries(i.outside_window ?? {}).filter(([day]) => !spill.has(day)));
  const outsideCount = total(outside);
  if (outsideCount > 0) {
    notes.push(
      fill(counted(dq.outsideWindow, outsideCount, words), {
        count: format.count(outsideCount),
        days: days(Object.keys(outside).sort(), words),
      }),
    );
  }
  const excluded = byCount(i.excluded ?? {});
  if (excluded.length > 0) {
    notes.push(
      fill(dq.excluded, {
        reasons: excluded.map(([reason, n]) => `${clip(reason, MAX_NAME)} ${format.count(n)}`).join(', '),
      }),
    );
  }
  for (const late of i.late_days ?? []) {
    notes.push(fill(dq.lateDay, { date: format.shortDate(late.date), command: late.command }));
  }
  if (report.missing_days.length > 0) notes.push(fill(dq.missing, { days: days(report.missing_days, words) }));
  if (report.revised.length > 0) notes.push(fill(dq.revised, { days: days(report.revised, words) }));
  const gaps = report.trend_gaps;
  if (gaps !== undefined) {
    notes.push(
      fill(counted(dq.trendGaps, gaps.periods.length, words), {
        count: format.count(gaps.periods.length),
        periods: `${format.shortDate(gaps.from)} → ${format.shortDate(gaps.to)}`,
        command: gaps.command,
      }),
    );
  }
  return notes;
}

/** The data-quality block, or `null` when there is nothing to say. */
export function dataQualityView(report: Report, words: Words): DataQualityView | null {
  const kinds = rejectKinds(report, words);
  const notes = notesOf(report, words);
  if (kinds.length === 0 && notes.length === 0) return null;
  const reasons = [...new Set(Object.keys(report.rejects.by_reason))].sort();
  const fixes = [
    ...new Map(
      reasons.map((r) => {
        const { label, fix } = reasonWords(r.split(':', 1)[0] ?? r, words);
        return [label, fill(words.strings.dataQuality.fix, { label: capitalised(label, words.locale), fix })] as const;
      }),
    ).values(),
  ];
  return {
    title: words.strings.dataQuality.title,
    kinds,
    fixes,
    whatToDo: kinds.length > 0 ? words.strings.dataQuality.whatToDo : null,
    notes,
  };
}

/**
 * The banner at the top of a scorecard when the data may change what a figure says: an export kind with
 * more than `rejectShare` percent of its records rejected, an incomplete day, a day without data.
 */
export function dataQualityBanner(report: Report, words: Words, rejectShare = DEFAULT_REJECT_SHARE): string | null {
  const dq = words.strings.dataQuality;
  const issues: string[] = [];
  const records = report.inputs.records_by_kind ?? {};
  for (const [kind, counts] of Object.entries(report.rejects.by_kind ?? {})) {
    const read = records[kind] ?? 0;
    const n = total(counts);
    if (read > 0 && (n / read) * 100 > rejectShare) {
      issues.push(fill(dq.bannerRejects, { share: shareOf(n, read, words), records: kindNoun(kind, words) }));
    }
  }
  const incomplete = (report.inputs.incomplete_days ?? []).length;
  if (incomplete > 0)
    issues.push(fill(counted(dq.bannerIncomplete, incomplete, words), { count: words.format.count(incomplete) }));
  const missing = report.missing_days.length;
  if (missing > 0) issues.push(fill(counted(dq.bannerMissing, missing, words), { count: words.format.count(missing) }));
  return issues.length === 0 ? null : fill(dq.banner, { issues: issues.join(', ') });
}
