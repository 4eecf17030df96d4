/**
 * The alert rules' state between runs (`state/alerts.json`), and the alerts of a report. A report's
 * alerts are decided before it is delivered and the state is committed after, so a run stopped anywhere
 * in between sends them on its re-run; a re-run of a period whose alerts were already decided keeps them
 * (they come from its archived report), so the archive never contradicts a mail that went out.
 */
import {
  type AlertState,
  alertStateSchema,
  EMPTY_ALERT_STATE,
  evaluateAlerts,
  type RejectObservation,
} from '../engine/alerts.js';
import type { Config } from '../engine/config.js';
import { type PeriodKind, periodOrdinal } from '../engine/periods.js';
import { type Report, reportSchema } from '../engine/report-schema.js';
import { scopeKey } from '../engine/scope.js';
import { alertMessage } from '../render/wording.js';
import { type NoteDamage, readOrNote } from './damage.js';
import type { ObjectStore } from './ports.js';

/** Archive key of the alert rules' state for days (and, before weeks and months had their own, for every kind). */
export const ALERT_STATE_KEY = 'state/alerts.json';

/**
 * Archive key of a period kind's alert state: days in ALERT_STATE_KEY, weeks and months each in a file
 * of their own, so the digest function writes none of the nightly's state (on AWS its role cannot).
 */
export function alertStateKey(kind: PeriodKind): string {
  return kind === 'day' ? ALERT_STATE_KEY : `state/alerts-${kind}.json`;
}

const decode = (bytes: Uint8Array): unknown => JSON.parse(Buffer.from(bytes).toString('utf8'));

/** A stored state, or `null` when absent; a damaged one is named and reset (at worst one repeated alert). */
async function readAlertState(archive: ObjectStore, key: string, note?: NoteDamage): Promise<AlertState | null> {
  const bytes = await archive.get(key);
  if (bytes === null) return null;
  const state = readOrNote(
    archive.locate(key),
    () => alertStateSchema.parse(decode(bytes)),
    note,
    'the alert rules start afresh',
  );
  return state ?? EMPTY_ALERT_STATE;
}

/** The entries of one period kind (keyed `rule|kind|scope`) of a state. */
function ofKind(state: AlertState | null, kind: PeriodKind): AlertState | null {
  if (state === null) return null;
  const entries = Object.entries(state.entries).filter(([entryKey]) => entryKey.split('|')[1] === kind);
  return { ...state, entries: Object.fromEntries(entries) };
}

/**
 * The committed state of a period kind. Weeks and months that find no file of their own yet read their
 * entries from the shared file earlier versions wrote, so a week already alerted is not alerted again.
 */
export async function loadAlertState(archive: ObjectStore, kind: PeriodKind, note?: NoteDamage): Promise<AlertState> {
  const key = alertStateKey(kind);
  return (
    (await readAlertState(archive, key, note)) ??
    (key === ALERT_STATE_KEY ? null : ofKind(await readAlertState(archive, ALERT_STATE_KEY), kind)) ??
    EMPTY_ALERT_STATE
  );
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
  const state = await loadAlertState(archive, report.period.kind, args.note);
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
  const result = evaluateAlerts({ rules: config.alerts, observations, rejects: rejectObservations(report), state });
  const decided = decidedEarlier(state, period);
  const earlier =
    decided.size === 0
      ? []
      : ((await archivedReport(archive, args.reportKey, args.note))?.alerts ?? []).filter((a) =>
          // A reject-share rule keeps one state per export kind (its key ends with the kind).
          decided.has(`${a.rule}|${period.kind}|${scopeKey(a.scope)}${a.source === undefined ? '' : `|${a.source}`}`),
        );
  // Worded in the first recipient's language; each mail words its alerts again in its recipient's.
  const locale = config.mail.recipients[0]?.locale ?? 'fr';
  const fresh: Report['alerts'] = [];
  for (const { period: _period, ...alert } of result.alerts) {
    fresh.push({ ...alert, message: await alertMessage(report, alert, { locale, currency: config.currency }) });
  }
  return { report: { ...report, alerts: [...earlier, ...fresh] }, state: result.state };
}

/** Per export kind, the records and rejects of a report's period, for `reject_share` rules. */
export function rejectObservations(report: Report): RejectObservation[] {
  const records = report.inputs.records_by_kind ?? {};
  const byKind = report.rejects.by_kind ?? {};
  const period = { kind: report.period.kind, start: report.period.start };
  return Object.entries(records).map(([source, n]) => ({
    source,
    period,
    records: n,
    rejected: Object.values(byKind[source] ?? {}).reduce((a, b) => a + b, 0),
  }));
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
 * Commits a period kind's state after delivery, merged entry by entry with what another run committed
 * meanwhile (the entry that saw the later period wins), so that two runs of different days keep both days.
 */
export async function commitAlertState(archive: ObjectStore, kind: PeriodKind, state: AlertState): Promise<void> {
  // A damaged state was named when the alerts were decided; it is replaced here.
  const current = await loadAlertState(archive, kind);
  const entries = { ...current.entries };
  for (const [key, entry] of Object.entries(state.entries)) {
    const other = entries[key];
    const later =
      other === undefined ||
      periodOrdinal(entry.kind, entry.last_period) >= periodOrdinal(other.kind, other.last_period);
    if (later) entries[key] = entry;
  }
  await archive.put(alertStateKey(kind), `${JSON.stringify({ ...state, entries }, null, 2)}\n`, 'application/json');
}
