/**
 * The last stages of every job that reports: decide the alerts, check the report against the contract,
 * deliver it (archive, render, send), and only then commit the alert state. Each step's writes are whole
 * files, and a run stopped at any point leaves what a re-run needs: the report and its alerts are written
 * before any mail, every mail is claimed before it is sent and recorded after, and the state that says
 * "alerted" is written last (docs/decisions/0003-exactly-once-sends.md).
 */
import type { Config } from '../engine/config.js';
import { type Period, periodId } from '../engine/periods.js';
import { type Report, reportSchema } from '../engine/report-schema.js';
import { commitAlertState, decideAlerts } from './alert-state.js';
import type { NoteDamage } from './damage.js';
import { type Delivered, deliverReport } from './deliver.js';
import type { RunPorts } from './ports.js';

/** Archive key of a period's folder: `reports/day/2026-11-22`, `reports/week/2026-W47`, `reports/month/2026-11`. */
export function reportFolder(period: Pick<Period, 'kind' | 'startDate'>): string {
  return `reports/${period.kind}/${periodId(period)}`;
}

/** A composed report, published: its alerts decided, delivered, and the alert state committed. */
export async function publishReport(
  ports: RunPorts,
  args: {
    readonly composed: Report;
    readonly period: Period;
    readonly config: Config;
    readonly now: Date;
    readonly note?: NoteDamage;
    /** See `deliverReport`. */
    readonly inFlightWaitMs?: number | undefined;
  },
): Promise<{ readonly report: Report; readonly delivered: Delivered }> {
  const folder = reportFolder(args.period);
  const decided = await decideAlerts(ports.archive, {
    report: args.composed,
    reportKey: `${folder}/report.json`,
    config: args.config,
    ...(args.note ? { note: args.note } : {}),
  });
  // The schema guards the contract: a report that does not match it is a bug, not a partial result.
  const report = reportSchema.parse(decided.report);
  const delivered = await deliverReport(ports, {
    report,
    folder,
    config: args.config,
    now: args.now,
    ...(args.inFlightWaitMs === undefined ? {} : { inFlightWaitMs: args.inFlightWaitMs }),
  });
  await commitAlertState(ports.archive, args.period.kind, decided.state);
  return { report, delivered };
}
