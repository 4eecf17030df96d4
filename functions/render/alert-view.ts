/**
 * Report alert → alert mail view: a headline naming the KPI, the scope and the change ("FCR a baissé de
 * 2 points — Équipe Sud"), the rule that fired, the KPI's figures and trend, or the recovery notice when
 * the alert cleared. Every sentence comes from `templates/locales/`, in the recipient's language (the
 * report's own alert message is worded once, in the first recipient's language).
 */
import type { AlertRule } from '../engine/alerts.js';
import { kpiById } from '../engine/catalogue.js';
import { compareKpi, frenchFormOf } from '../engine/compare.js';
import { type Formatter, type Locale, pluralOf } from '../engine/format.js';
import type { KpiDefinition } from '../engine/kpi.js';
import { type KpiEntry, NO_DATA_ENTRY, type Report } from '../engine/report-schema.js';
import { fill, type Strings } from './locale.js';
import {
  clip,
  type FooterView,
  footerView,
  kpiView,
  MAX_NAME,
  oneLine,
  periodWords,
  type SparklineSource,
  type TableView,
  table,
} from './view.js';

/** One alert of a report, as `report.alerts` holds it. */
export type ReportAlert = Report['alerts'][number];

/** Whether the alert started firing or cleared. */
export type AlertKind = 'firing' | 'recovered';

export interface AlertView {
  readonly lang: Locale;
  readonly kind: AlertKind;
  readonly recovered: boolean;
  readonly subject: string;
  readonly preview: string;
  /** "FCR a baissé de 2 points" */
  readonly headline: string;
  /** "Équipe Sud", or the centre's name. */
  readonly scope: string;
  readonly title: string;
  readonly centre: string;
  readonly period: string;
  readonly timezone: string;
  /** What the rule watches, in words. */
  readonly rule: string;
  readonly columns: Strings['columns'];
  /** The KPI's figures for the scope, one row (with its trend for the centre). */
  readonly figures: TableView;
  readonly rejects: null;
  readonly footer: FooterView;
}

/** Tolerance for thresholds, as the alert engine uses: ratios from sums land a hair off exact values. */
const EPS = 1e-9;

/**
 * Whether a report alert is a firing or a recovery. `report.alerts` does not record it, but the state
 * machine fires only on a period where the rule's condition holds and recovers only where it is clear,
 * so the period's own figures tell which. An alert whose rule left the config reads as firing.
 */
export function alertKind(rule: AlertRule | undefined, kpi: KpiDefinition, entry: KpiEntry): AlertKind {
  if (rule === undefined) return 'firing';
  switch (rule.type) {
    case 'no_data':
      return entry.value === null ? 'firing' : 'recovered';
    case 'below_target':
      return entry.status === 'breach' ? 'firing' : 'recovered';
    case 'drop_points': {
      const { delta } = compareKpi(kpi.unit, entry.value, entry.previous);
      if (delta === null) return 'firing';
      const worsening = kpi.better === 'lower' ? delta : -delta;
      return worsening >= (rule.threshold ?? 0) - EPS ? 'firing' : 'recovered';
    }
    case 'rise_percent': {
      const { deltaPercent } = compareKpi(kpi.unit, entry.value, entry.previous);
      if (deltaPercent === null) return 'firing';
      return deltaPercent >= (rule.threshold ?? 0) - EPS ? 'firing' : 'recovered';
    }
  }
}

type Formed = Strings['alert']['headline'][keyof Strings['alert']['headline']];

/** The sentence for the KPI's French form (English files use the same keys for number agreement). */
const formOf = (sentence: Formed, kpiId: string): string =>
  typeof sentence === 'string' ? sentence : sentence[frenchFormOf(kpiId)];

/** "Équipe Sud", "File Particuliers", "Canal Téléphone", or the centre's name. */
export function alertScopeName(scope: ReportAlert['scope'], report: Report, strings: Strings): string {
  switch (scope.dimension) {
    case 'all':
      return clip(report.centre, MAX_NAME);
    case 'team':
      return fill(strings.teams.team, { team: clip(scope.value, MAX_NAME) });
    case 'queue':
      return fill(strings.queues.queue, { queue: clip(scope.value, MAX_NAME) });
    case 'channel': {
      const name = Object.hasOwn(strings.channels, scope.value) ? strings.channels[scope.value] : undefined;
      return fill(strings.alert.scopes.channel, { name: name ?? clip(scope.value, MAX_NAME) });
    }
    case 'agent':
      return fill(strings.alert.scopes.agent, { name: clip(scope.value, MAX_NAME) });
  }
}

function numberWords(locale: Locale): Intl.NumberFormat {
  return new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 });
}

/** "2 points", "12 %", or "45 s": how much the KPI moved, in the unit its alerts speak. */
function amountOf(kpi: KpiDefinition, entry: KpiEntry, strings: Strings, format: Formatter, locale: Locale): string {
  const { delta, deltaPercent } = compareKpi(kpi.unit, entry.value, entry.previous);
  const n = Math.round(Math.abs(delta ?? 0) * 10) / 10;
  if (kpi.unit === '%' || kpi.unit === 'pts') {
    const word = pluralOf(locale, n) === 'one' ? strings.alert.points.one : strings.alert.points.other;
    return fill(word, { n: numberWords(locale).format(n) });
  }
  if (deltaPercent !== null) return format.share(Math.round(Math.abs(deltaPercent) * 10) / 1000);
  return format.value(Math.abs(delta ?? 0), kpi.unit);
}

function headlineOf(
  kind: AlertKind,
  rule: AlertRule | undefined,
  kpi: KpiDefinition,
  entry: KpiEntry,
  ctx: { readonly strings: Strings; readonly format: Formatter; readonly locale: Locale },
): string {
  const { strings, format, locale } = ctx;
  const h = strings.alert.headline;
  const name = strings.alert.shortNames[kpi.id] ?? kpi.name[locale];
  const values = { kpi: name, value: format.value(entry.value, kpi.unit) };
  const say = (sentence: Formed, more: Record<string, string> = {}): string =>
    fill(formOf(sentence, kpi.id), { ...values, ...more });
  const type = rule?.type ?? (entry.value === null ? 'no_data' : 'below_target');
  switch (type) {
    case 'no_data':
      return say(kind === 'firing' ? h.noData : h.dataBack);
    case 'below_target':
      if (kind === 'recovered') return say(kpi.better === 'lower' ? h.backBelow : h.backAbove);
      return say(kpi.better === 'lower' ? h.over : h.under);
    case 'drop_points':
    case 'rise_percent': {
      if (kind === 'recovered') return say(type === 'drop_points' ? h.noLongerWorsening : h.noLongerRising);
      const { delta } = compareKpi(kpi.unit, entry.value, entry.previous);
      return say((delta ?? 0) < 0 ? h.fell : h.rose, { amount: amountOf(kpi, entry, strings, format, locale) });
    }
  }
}

function ruleLine(rule: AlertRule | undefined, id: string, ctx: { strings: Strings; locale: Locale }): string {
  const { conditions } = ctx.strings.alert;
  if (rule === undefined) return fill(ctx.strings.alert.rule, { id, condition: conditions.unknown });
  const threshold =
    rule.threshold === undefined
      ? ''
      : rule.type === 'drop_points'
        ? fill(
            pluralOf(ctx.locale, rule.threshold) === 'one'
              ? ctx.strings.alert.points.one
              : ctx.strings.alert.points.other,
            {
              n: numberWords(ctx.locale).format(rule.threshold),
            },
          )
        : `${numberWords(ctx.locale).format(rule.threshold)}${ctx.locale === 'fr' ? '\u202f' : ''}%`;
  return fill(ctx.strings.alert.rule, { id: rule.id, condition: fill(conditions[rule.type], { threshold }) });
}

/** Builds the view of one alert mail in one language. */
export function alertView(
  report: Report,
  alert: ReportAlert,
  args: {
    readonly strings: Strings;
    readonly format: Formatter;
    readonly locale: Locale;
    /** The config's rules; the alert's own is looked up by id. */
    readonly rules: readonly AlertRule[];
    readonly archiveUrl?: string;
    /** Pictures of the centre's trailing series (used for centre alerts only). */
    readonly sparkline?: SparklineSource;
  },
): AlertView {
  const { strings, format, locale } = args;
  const kpi = kpiById(alert.kpi);
  if (kpi === undefined) throw new RangeError(`alert ${alert.rule}: unknown KPI id ${alert.kpi}`);
  const scoped = report.scopes.find(
    (s) => s.scope.dimension === alert.scope.dimension && s.scope.value === alert.scope.value,
  );
  const entry = scoped?.kpis[alert.kpi] ?? NO_DATA_ENTRY;
  const rule = args.rules.find((r) => r.id === alert.rule);
  const kind = alertKind(rule, kpi, entry);
  const headline = oneLine(headlineOf(kind, rule, kpi, entry, args));
  const scope = oneLine(alertScopeName(alert.scope, report, strings));
  const ctx = {
    strings,
    format,
    locale,
    periodKind: report.period.kind,
    series: report.series,
    // The series are the centre's: a team's alert shows no trend rather than someone else's.
    sparkline: alert.scope.dimension === 'all' ? (args.sparkline ?? null) : null,
  };
  const row = kpiView(kpi, entry, ctx, 'tile');
  return {
    lang: locale,
    kind,
    recovered: kind === 'recovered',
    subject: oneLine(fill(strings.alert.subject, { headline, scope })),
    preview: oneLine(`${headline} — ${scope}`),
    headline,
    scope,
    title: strings.alert.title[kind],
    centre: clip(report.centre, MAX_NAME),
    period: periodWords(report, ctx, report.centre).period,
    timezone: fill(strings.timezone, { timezone: report.period.timezone }),
    rule: ruleLine(rule, alert.rule, args),
    columns: strings.columns,
    figures: table(strings.alert.values, [row]),
    rejects: null,
    footer: footerView(report, args, args.archiveUrl),
  };
}
