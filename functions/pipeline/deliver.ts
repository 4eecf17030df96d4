/**
 * Render → deliver → archive for one period's report: report.json, a CSV of every KPI × scope, the
 * sparkline pictures and the HTML scorecard per locale go to the archive; each recipient gets the
 * scorecard of the scopes they follow, and an alert mail per alert their routing matches; every mail
 * goes through `sendOnce`, so a re-run or a concurrent run never sends a key twice; a copy of each sent
 * .eml is archived beside the report; last, the archive's index page is rebuilt.
 */
import { fingerprint } from '../common/fingerprint.js';
import { firstLineOf } from '../common/first-line.js';
import type { Config, Recipient } from '../engine/config.js';
import type { Report } from '../engine/report-schema.js';
import { scopeKey } from '../engine/scope.js';
import type { ReportAlert } from '../render/alert-view.js';
import { ARCHIVE_INDEX_KEY } from '../render/archive-index.js';
import { reportCsv } from '../render/csv.js';
import { glossaryKey } from '../render/glossary.js';
import { composeMail, type NamedAddress } from '../render/mail.js';
import {
  type RenderedMail,
  renderAlert,
  renderArchiveIndex,
  renderGlossary,
  renderScorecard,
} from '../render/scorecard.js';
import { followsScope, viewedScopes } from '../render/scorecard-view.js';
import {
  archiveFileOf,
  cidOf,
  imagesUsed,
  type ReportSparklines,
  reportSparklines,
  sparklineSource,
} from '../render/sparklines.js';
import type { Clock, Mailer, ObjectStore, OutgoingMail, RunIdentity } from './ports.js';
import { SendRecordError, sendOnce } from './send-once.js';

/** A mail a run could not deliver: the run fails, naming its recipient and period. */
export interface UnsentMail {
  readonly key: string;
  readonly to: string;
  /** `day 2026-11-22`, `week 2026-11-16`, `month 2026-11-01`. */
  readonly period: string;
  /** Why: the provider's refusal, or another run's claim still held. */
  readonly reason: string;
}

/** Where a period's outputs landed (paths or URLs, as the stores locate them). */
export interface Delivered {
  readonly reportJson: string;
  readonly html: readonly string[];
  /** Mails sent by this run, or found already sent by an earlier one. */
  readonly mails: readonly string[];
  /** Mails neither sent nor found sent: a refusal, or another live run's claim that outlasted the wait. */
  readonly unsent: readonly UnsentMail[];
  /** The archive's index page. */
  readonly index: string;
}

/**
 * What a delivery renders with: the scorecard and the alert mail. Passed in so a caller (a test) can
 * count the renders; the real ones unless told.
 */
export interface Renderers {
  readonly scorecard: typeof renderScorecard;
  readonly alert: typeof renderAlert;
}

const RENDERERS: Renderers = { scorecard: renderScorecard, alert: renderAlert };

/** A rendered mail body with the inline pictures its HTML refers to, shared by every recipient of the same view. */
interface MailBody extends RenderedMail {
  readonly images: ReturnType<typeof inlineImages>;
}

/** A send key's part for a scope: readable, and safe as a file or folder name ("team-sud-1a2b3c4d"). */
function scopeSlug(scope: ReportAlert['scope']): string {
  if (scope.dimension === 'all') return 'all';
  const ascii = scope.value
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase()
    .slice(0, 24);
  // The hash keeps "Sud" and "sud", or two names that differ only in accents, apart.
  return `${scope.dimension}-${ascii ? `${ascii}-` : ''}${fingerprint(scopeKey(scope), 8)}`;
}

/** The display form of a recipient: `"Name" <email>`, the name without the characters that would end it. */
function addressOf(recipient: Recipient): string {
  const name = recipient.name?.replace(/["\\]/g, '').trim();
  return name ? `"${name}" <${recipient.email}>` : recipient.email;
}

/** Who a mail is from: the configured address, named after the centre ("Vigie — Centre de Lyon"). */
export function senderOf(config: Pick<Config, 'centre' | 'mail'>): NamedAddress {
  return { name: `Vigie — ${config.centre}`, address: config.mail.from };
}

/** Whether a recipient gets a given alert: routing (all, none or some rule ids) within their scopes. */
export function wantsAlert(recipient: Recipient, alert: ReportAlert): boolean {
  if (recipient.alerts === false) return false;
  if (Array.isArray(recipient.alerts) && !recipient.alerts.includes(alert.rule)) return false;
  return followsScope(recipient.scopes, alert.scope);
}

/**
 * List-Unsubscribe URLs: a mailto: to the sender naming the list, and, when the archive is on the web,
 * an https URL under it (which also allows one-click unsubscription, RFC 8058).
 */
export function unsubscribeUrls(config: Config, list: 'scorecard' | 'alerts', recipientId: string): string[] {
  const urls = [`mailto:${config.mail.from}?subject=${encodeURIComponent(`unsubscribe ${list} ${recipientId}`)}`];
  if (config.archive_url?.startsWith('https:')) {
    const base = config.archive_url.replace(/\/+$/, '');
    urls.push(`${base}/unsubscribe?list=${list}&recipient=${recipientId}`);
  }
  return urls;
}

/** Archives a period's report, renders it per locale and scope, and sends scorecards and alerts to every recipient. */
export async function deliverReport(
  ports: {
    readonly archive: ObjectStore;
    readonly mailer: Mailer;
    readonly clock?: Clock;
    readonly identity?: RunIdentity;
  },
  args: {
    readonly report: Report;
    readonly folder: string;
    readonly config: Config;
    readonly now: Date;
    /**
     * How long to wait, in total, for mails another live run holds a claim on to be recorded sent
     * before naming them unsent. @default 30000
     */
    readonly inFlightWaitMs?: number;
    /** @default the real renderers */
    readonly renderers?: Renderers;
  },
): Promise<Delivered> {
  const { report, folder, config, now } = args;
  const render = args.renderers ?? RENDERERS;
  const { archive } = ports;
  const clock: Clock = ports.clock ?? { now: () => new Date() };
  const period = `${report.period.kind}-${report.period.start}`;
  const owner = ports.identity?.owner ?? `deliver ${period} ${now.toISOString()}`;
  const hasEnded = ports.identity === undefined ? undefined : (o: string) => ports.identity?.hasEnded(o) ?? false;
  const reportKey = `${folder}/report.json`;
  const recipients = config.mail.recipients;
  // The CSV is in the first recipient's language (docs/spec.md §4): `;` and a BOM for French spreadsheets.
  const csvLocale = recipients[0]?.locale ?? 'fr';
  await archive.put(reportKey, `${JSON.stringify(report, null, 2)}\n`, 'application/json');
  await archive.put(`${folder}/kpis.csv`, reportCsv(report, csvLocale, config.currency), 'text/csv; charset=utf-8');
  const base = config.archive_url?.replace(/\/+$/, '');
  const archiveUrl = base ? `${base}/${folder}/report.json` : undefined;
  const common = { ...(archiveUrl ? { archiveUrl } : {}), currency: config.currency, rules: config.alerts };
  const locales = [...new Set(['fr' as const, ...recipients.map((r) => r.locale)])];
  // The KPI definitions beside the archive, which archived pages (and mails, when the archive is on the web) link to.
  for (const locale of locales) {
    await archive.put(glossaryKey(locale), await renderGlossary(report, locale), 'text/html; charset=utf-8');
  }
  const glossaryInMail = (locale: 'fr' | 'en') => (base ? { glossaryUrl: `${base}/${glossaryKey(locale)}` } : {});
  // From a report folder (reports/week/2026-W48/) the definitions are two folders up.
  const glossaryOnPage = (locale: 'fr' | 'en') => ({
    glossaryUrl: `../../${glossaryKey(locale).slice('reports/'.length)}`,
    linkDefinitions: true,
  });
  const from = senderOf(config);

  // One drawing per report: pictures have no words, so every locale and recipient shares them.
  const sparklines = await reportSparklines(report);
  // The archived scorecard is a web page: it links the same PNGs as files beside it (cid: means
  // nothing outside a mail, and data: URIs would add a third to every page of the archive).
  for (const image of sparklines.images) await archive.put(`${folder}/${archiveFileOf(image)}`, image.png, 'image/png');
  const inMail = sparklineSource(sparklines, (image) => `cid:${cidOf(image)}`);
  const onPage = sparklineSource(sparklines, archiveFileOf);

  const html: string[] = [];
  for (const locale of locales) {
    const page = await render.scorecard(report, { locale, sparkline: onPage, ...common, ...glossaryOnPage(locale) });
    const key = `${folder}/scorecard.${locale}.html`;
    await archive.put(key, page.html, 'text/html; charset=utf-8');
    html.push(archive.locate(key));
  }

  const mails: string[] = [];
  const unsent: UnsentMail[] = [];
  const held: OutgoingMail[] = [];
  const unsentOf = (mail: OutgoingMail, reason: string): UnsentMail => ({
    key: mail.key,
    to: mail.to.join(', '),
    period: `${report.period.kind} ${report.period.start}`,
    reason,
  });
  /** Sends once; false when another run holds the claim. A refusal is named unsent; a failed record stops the run. */
  const attempt = async (mail: OutgoingMail): Promise<boolean> => {
    let outcome: Awaited<ReturnType<typeof sendOnce>>;
    try {
      outcome = await sendOnce(mail, {
        archive,
        mailer: ports.mailer,
        clock,
        owner,
        ...(hasEnded ? { hasEnded } : {}),
      });
    } catch (error) {
      // Sent but not recorded (the store failed): the run must fail, naming the record it could not write.
      if (error instanceof SendRecordError || error instanceof RangeError) throw error;
      unsent.push(unsentOf(mail, firstLineOf(error)));
      return true;
    }
    if (outcome.status === 'in-flight') return false;
    // Only this run's message is archived: an earlier run archived its own when it sent it.
    if (outcome.status === 'sent') await archive.put(`${folder}/${mail.key}.eml`, mail.raw, 'message/rfc822');
    mails.push(outcome.location);
    return true;
  };
  // Only the envelope is per recipient: the body, its pictures and their encoding inputs are shared.
  const bodyOf = (rendered: RenderedMail): MailBody => ({
    ...rendered,
    images: inlineImages(sparklines, rendered.html),
  });
  const send = async (key: string, recipient: Recipient, body: MailBody, list: 'scorecard' | 'alerts') => {
    const id = fingerprint(recipient.email.toLowerCase(), 12);
    const raw = await composeMail({
      from,
      to: [addressOf(recipient)],
      subject: body.subject,
      html: body.html,
      text: body.text,
      // Stable across retries of the same send, so a client that sees it twice shows it once.
      messageId: `<${key}@vigie>`,
      date: now,
      listUnsubscribe: unsubscribeUrls(config, list, id),
      inlineImages: body.images,
    });
    const mail: OutgoingMail = { key, from: config.mail.from, to: [recipient.email], subject: body.subject, raw };
    if (!(await attempt(mail))) held.push(mail);
  };

  // Recipients shown the same scorecard (this report's period, their language, the scopes it depends
  // on) share one render: HTML, text and pictures; only the envelope differs.
  const scorecards = new Map<string, MailBody>();
  for (const recipient of recipients) {
    const scopes = viewedScopes(recipient.scopes);
    const variant = JSON.stringify([recipient.locale, scopes]);
    let body = scorecards.get(variant);
    if (body === undefined) {
      body = bodyOf(
        await render.scorecard(report, {
          locale: recipient.locale,
          scopes,
          sparkline: inMail,
          ...common,
          ...glossaryInMail(recipient.locale),
        }),
      );
      scorecards.set(variant, body);
    }
    await send(`${period}-scorecard-${fingerprint(recipient.email.toLowerCase(), 12)}`, recipient, body, 'scorecard');
  }

  const alertMails = new Map<string, MailBody>();
  // A rule still breached is said in the scorecard; only a change of state is worth a mail of its own.
  for (const alert of report.alerts.filter((a) => a.kind !== 'still_breached')) {
    for (const recipient of recipients.filter((r) => wantsAlert(r, alert))) {
      // A reject-share rule alerts once per export kind: the kind is part of what the mail is about.
      const about = alert.source === undefined ? scopeSlug(alert.scope) : `${scopeSlug(alert.scope)}-${alert.source}`;
      const variant = JSON.stringify([recipient.locale, alert.rule, about]);
      let body = alertMails.get(variant);
      if (body === undefined) {
        body = bodyOf(await render.alert(report, alert, { locale: recipient.locale, sparkline: inMail, ...common }));
        alertMails.set(variant, body);
      }
      const id = fingerprint(recipient.email.toLowerCase(), 12);
      await send(`${period}-alert-${alert.rule}-${about}-${id}`, recipient, body, 'alerts');
    }
  }

  // Another run holds these claims: wait for it to record them sent (or to end, or its claims to expire).
  let pending = held;
  for (let waited = 0, pause = 250; pending.length > 0 && waited < (args.inFlightWaitMs ?? 30_000); pause *= 2) {
    await new Promise((resolve) => setTimeout(resolve, pause));
    waited += pause;
    const still: OutgoingMail[] = [];
    for (const mail of pending) if (!(await attempt(mail))) still.push(mail);
    pending = still;
  }
  for (const mail of pending) unsent.push(unsentOf(mail, 'another run holds its claim and has not recorded it sent'));

  // Last, so the index lists this report too; rebuilt whole from the archive, so it cannot drift.
  const indexLocale = csvLocale;
  await archive.put(
    ARCHIVE_INDEX_KEY,
    await renderArchiveIndex(await archive.list('reports/'), indexLocale),
    'text/html; charset=utf-8',
  );
  return { reportJson: archive.locate(reportKey), html, mails, unsent, index: archive.locate(ARCHIVE_INDEX_KEY) };
}

/** The mail's inline parts: the pictures its HTML refers to, each once. */
function inlineImages(sparklines: ReportSparklines, html: string) {
  return imagesUsed(sparklines, html).map((image) => ({
    cid: cidOf(image),
    filename: `${image.name}.png`,
    content: image.png,
    contentType: 'image/png' as const,
  }));
}
