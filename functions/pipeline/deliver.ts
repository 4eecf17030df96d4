/**
 * Render → deliver → archive for one period's report: report.json, a CSV of every KPI × scope and the
 * HTML scorecard per locale go to the archive, one message per recipient goes to the Mailer, and a copy of each sent .eml is
 * archived beside the report.
 */
import { createHash } from 'node:crypto';
import type { Config } from '../engine/config.js';
import type { Report } from '../engine/report.js';
import { reportCsv } from '../render/csv.js';
import { composeMail } from '../render/mail.js';
import { renderScorecard } from '../render/scorecard.js';
import type { Mailer, ObjectStore } from './ports.js';

/** Where a period's outputs landed (paths or URLs, as the stores locate them). */
export interface Delivered {
  readonly reportJson: string;
  readonly html: readonly string[];
  readonly mails: readonly string[];
}

const shortHash = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 12);

/** Archives a period's report, renders it per locale, and sends it to every recipient. */
export async function deliverReport(
  ports: { readonly archive: ObjectStore; readonly mailer: Mailer },
  args: { readonly report: Report; readonly folder: string; readonly config: Config; readonly now: Date },
): Promise<Delivered> {
  const { report, folder, config, now } = args;
  const reportKey = `${folder}/report.json`;
  await ports.archive.put(reportKey, `${JSON.stringify(report, null, 2)}\n`, 'application/json');
  await ports.archive.put(`${folder}/kpis.csv`, reportCsv(report), 'text/csv; charset=utf-8');
  const recipients = config.mail.recipients;
  const locales = [...new Set(['fr' as const, ...recipients.map((r) => r.locale)])];
  const rendered = new Map<string, Awaited<ReturnType<typeof renderScorecard>>>();
  const html: string[] = [];
  for (const locale of locales) {
    const scorecard = await renderScorecard(report, {
      locale,
      ...(config.archive_url ? { archiveUrl: `${config.archive_url.replace(/\/$/, '')}/${folder}/report.json` } : {}),
    });
    rendered.set(locale, scorecard);
    const key = `${folder}/scorecard.${locale}.html`;
    await ports.archive.put(key, scorecard.html, 'text/html; charset=utf-8');
    html.push(ports.archive.locate(key));
  }
  const mails: string[] = [];
  const period = `${report.period.kind}-${report.period.start}`;
  for (const recipient of recipients) {
    const scorecard = rendered.get(recipient.locale);
    if (scorecard === undefined) continue;
    const id = shortHash(recipient.email.toLowerCase());
    const key = `${period}-scorecard-${id}`;
    const raw = await composeMail({
      from: config.mail.from,
      to: [recipient.name ? `"${recipient.name.replaceAll('"', '')}" <${recipient.email}>` : recipient.email],
      subject: scorecard.subject,
      html: scorecard.html,
      text: scorecard.text,
      // Stable across retries of the same send, so a client that sees it twice shows it once.
      messageId: `<${period}.scorecard.${id}@vigie>`,
      date: now,
    });
    const sent = await ports.mailer.send({
      key,
      from: config.mail.from,
      to: [recipient.email],
      subject: scorecard.subject,
      raw,
    });
    await ports.archive.put(`${folder}/${key}.eml`, raw, 'message/rfc822');
    mails.push(sent.location);
  }
  return { reportJson: ports.archive.locate(reportKey), html, mails };
}
