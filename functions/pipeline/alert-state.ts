/**
 * The alert rules' state between runs (`state/alerts.json`), and the alerts of a report. A report's
 * alerts are decided before it is delivered and the state is committed after, so a run stopped anywhere
 * in between sends them on its re-run; a re-run of a period whose alerts were already decided keeps them
 * (they come from its archived report), so the archive never contradicts a mail that went out.
 */
import { type AlertState, alertStateSchema, EMPTY_ALERT_STATE, evaluateAlerts } from '../engine/alerts.js';
import type { Config } from '../engine/config.js';
import { type PeriodKind, periodOrdinal } from '../engine/periods.js';
import { type Report, reportSchema } from '../engine/report-schema.js';
import { scopeKey } from '../engine/scope.js';
import { type NoteDamage, readOrNote } from './damage.js';
import type { ObjectStore } from './ports.js';

/** Archive key of the alert rules' state. */
export const ALERT_STATE_KEY = 'state/alerts.json';

const decode = (bytes: Uint8Array): unknown => JSON.parse(Buffer.from(bytes).toString('utf8'));

/** The committed state; a damaged one is named and reset (the worst case is one repeated alert). */
export async function loadAlertState(archive: ObjectStore, note?: NoteDamage): Promise<AlertState> {
  const bytes = await archive.get(ALERT_STATE_KEY);
  if (bytes === null) return EMPTY_ALERT_STATE;
  const state = readOrNote(
    archive.locate(ALERT_STATE_KEY),
    () => alertStateSchema.parse(decode(bytes)),
    note,
    'the alert rules start afresh',
  );
  return state ?? EMPTY_ALERT_STATE;
}

/** The report with its alerts, and the state to commit once it is delivered. */
export interface DecidedAlerts {
  readonly report: Report;
  readonly state: AlertState;
}

/**
 * The report's alerts: the rules evaluated on its figures, and, for each rule and scope an earlier run
 * already evaluated on this period, the alert its archived report (`reportKey`) holds.
 */
export async function decideAlerts(
  archive: ObjectStore,
  args: { readonly report: Report; readonly reportKey: string; readonly config: Config; readonly note?: NoteDamage },
): Promise<DecidedAlerts> {
  const { report, config } = args;
  const state = await loadAlertState(archive, args.note);
  const period = { kind: report.period.kind, start: report.period.start };
  const observations = report.scopes.flatMap((s) =>
    Object.entries(s.kpis).map(([kpi, e]) => ({
      kpi,
      scope: s.scope,
      period,
      value: e.value,
      previous: e.previous,
      target: e.target,
      status: e.status,
      denominator: e.denominator,
    })),
  );
  const result = evaluateAlerts({
    rules: config.alerts,
    observations,
    state,
    locale: config.mail.recipients[0]?.locale ?? 'fr',
    currency: config.currency,
  });
  const decided = decidedEarlier(state, period);
  const earlier =
    decided.size === 0
      ? []
      : ((await archivedReport(archive, args.reportKey, args.note))?.alerts ?? []).filter((a) =>
          decided.has(`${a.rule}|${period.kind}|${scopeKey(a.scope)}`),
        );
  const fresh = result.alerts.map((a) => ({ kpi: a.kpi, scope: a.scope, rule: a.rule, message: a.message }));
  return { report: { ...report, alerts: [...earlier, ...fresh] }, state: result.state };
}

/** State keys (`rule|kind|scope`) whose machine has already moved to this period or past it. */
function decidedEarlier(state: AlertState, period: { readonly kind: PeriodKind; readonly start: string }): Set<string> {
  const ordinal = periodOrdinal(period.kind, period.start);
  return new Set(
    Object.entries(state.entries)
      .filter(([, e]) => e.kind === period.kind && periodOrdinal(e.kind, e.last_period) >= ordinal)
      .map(([key]) => key),
  );
}

async function archivedReport(archive: ObjectStore, key: string, note?: NoteDamage): Promise<Report | null> {
  const bytes = await archive.get(key);
  if (bytes === null) return null;
  return readOrNote(
    archive.locate(key),
    () => reportSchema.parse(decode(bytes)),
    note,
    'its alerts are decided again (an alert already sent is not sent again)',
  );
}

/**
 * Commits the state after delivery, merged entry by entry with what another run committed meanwhile
 * (the entry that saw the later period wins), so that two runs of different days keep both days.
 */
export async function commitAlertState(archive: ObjectStore, state: AlertState): Promise<void> {
  // A damaged state was named when the alerts were decided; it is replaced here.
  const current = await loadAlertState(archive);
  const entries = { ...current.entries };
  for (const [key, entry] of Object.entries(state.entries)) {
    const other = entries[key];
    const later =
      other === undefined ||
      periodOrdinal(entry.kind, entry.last_period) >= periodOrdinal(other.kind, other.last_period);
    if (later) entries[key] = entry;
  }
  await archive.put(ALERT_STATE_KEY, `${JSON.stringify({ ...state, entries }, null, 2)}\n`, 'application/json');
}
