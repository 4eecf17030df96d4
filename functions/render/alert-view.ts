/**
 * Report alert → alert mail view: a headline naming the KPI and the change ("Le FCR a baissé de
 * 2 points — Équipe Sud"), the rule, the KPI's figures and trend, or the recovery notice. The alert's
 * kind and numbers are the engine's (report.json); its sentences are `wording.ts`'s, in the reader's
 * language.
 */
import type { AlertRule } from '../engine/alerts.js';
import { kpiById } from '../engine/catalogue.js';
import { pluralOf } from '../engine/format.js';
import { NO_DATA_ENTRY, type Report, type ReportAlert } from '../engine/report-schema.js';
import { kpiView, type SparklineSource, type TableView, table } from './kpi-view.js';
import { fill, type Strings } from './locale.js';
import { clip, MAX_NAME, oneLine, reportScopeName } from './names.js';
import { type FooterView, footerView, periodWords } from './scorecard-view.js';
import { type AlertFacts, alertFacts, alertSentence, sentencePercent, type Words } from './wording.js';

export type { ReportAlert } from '../engine/report-schema.js';

/** What happened to the rule: it fired, it cleared, or it is still firing. */
export type AlertKind = AlertFacts['kind'];

export interface AlertView {
  readonly lang: Words['locale'];
  readonly kind: AlertKind;
  readonly recovered: boolean;
  readonly subject: string;
  readonly preview: string;
  /** "Le FCR a baissé de 2 points" */
  readonly headline: string;
  /** The whole sentence, with where the KPI landed and its target; `null` when it says no more than the headline. */
  readonly detail: string | null;
  /** "Équipe Sud", or the centre's name. */
  readonly scope: string;
  readonly title: string;
  readonly centre: string;
  readonly period: string;
  readonly timezone: string;
  /** What the rule watches, in words. */
  readonly rule: string;
  readonly columns: Strings['columns'];
  /** The KPI's figures for the scope, one row (with its trend for the centre); `null` for a rule on rejects. */
  readonly figures: TableView | null;
  readonly footer: FooterView;
}

function ruleLine(rule: AlertRule | undefined, id: string, words: Words): string {
  const { strings, locale } = words;
  const { conditions } = strings.alert;
  if (rule === undefined) return fill(strings.alert.rule, { id, condition: conditions.unknown });
  const n = rule.threshold;
  const threshold =
    n === undefined
      ? ''
      : rule.type === 'drop_points'
        ? fill(pluralOf(locale, n) === 'one' ? strings.sentences.points.one : strings.sentences.points.other, {
            n: new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 }).format(n),
          })
        : sentencePercent(n / 100, locale);
  return fill(strings.alert.rule, { id: rule.id, condition: fill(conditions[rule.type], { threshold }) });
}

/** Builds the view of one alert mail in one language. */
export function alertView(
  report: Report,
  alert: ReportAlert,
  args: Words & {
    /** The config's rules; the alert's own is looked up by id. */
    readonly rules: readonly AlertRule[];
    readonly archiveUrl?: string;
    /** Pictures of the centre's trailing series (used for centre alerts only). */
    readonly sparkline?: SparklineSource;
  },
): AlertView {
  const { strings, format, locale } = args;
  const facts = alertFacts(report, alert, args.rules);
  const rule = args.rules.find((r) => r.id === alert.rule);
  const headline = oneLine(alertSentence(facts, alert, args, true));
  const detail = oneLine(alertSentence(facts, alert, args));
  const scope = oneLine(reportScopeName(alert.scope, report.centre, strings));
  const kpi = kpiById(alert.kpi);
  let figures: TableView | null = null;
  if (kpi !== undefined) {
    const entry =
      report.scopes.find((s) => s.scope.dimension === alert.scope.dimension && s.scope.value === alert.scope.value)
        ?.kpis[alert.kpi] ?? NO_DATA_ENTRY;
    const ctx = {
      strings,
      format,
      locale,
      periodKind: report.period.kind,
      series: report.series,
      thresholds: report.thresholds,
      // The series are the centre's: a team's alert shows no trend rather than someone else's.
      sparkline: alert.scope.dimension === 'all' ? (args.sparkline ?? null) : null,
      definition: null,
    };
    figures = table(strings.alert.values, [kpiView(kpi, entry, ctx, 'tile')]);
  }
  return {
    lang: locale,
    kind: facts.kind,
    recovered: facts.kind === 'recovered',
    subject: oneLine(fill(strings.alert.subject, { headline, scope })),
    preview: oneLine(`${detail} — ${scope}`),
    headline,
    detail: detail === headline ? null : detail,
    scope,
    title: strings.alert.title[facts.kind],
    centre: clip(report.centre, MAX_NAME),
    period: periodWords(report, args, report.centre).period,
    timezone: fill(strings.timezone, { timezone: report.period.timezone }),
    rule: ruleLine(rule, alert.rule, args),
    columns: strings.columns,
    figures,
    footer: footerView(report, args, args.archiveUrl),
  };
}
