/**
 * Renders a report as a scorecard mail body: view (view.ts) → MJML (Handlebars templates, escaped) →
 * HTML (mjml, strict validation); the plain-text part comes from the same view through a text
 * template (html-to-text cannot tell MJML's layout tables from the KPI tables); plus the subject line.
 */
import type mjml2html from 'mjml';
import { type AlertRule, DEFAULT_REJECT_SHARE } from '../engine/alerts.js';
import type { RecipientScope } from '../engine/config.js';
import type { Locale } from '../engine/format.js';
import type { Report } from '../engine/report-schema.js';
import { type AlertKind, alertView, type ReportAlert } from './alert-view.js';
import { archiveIndexView } from './archive-index.js';
import { glossaryView } from './glossary.js';
import { loadStrings } from './locale.js';
import { type SparklineSource, scorecardView } from './scorecard-view.js';
import { allTemplates } from './templates.js';
import { wordsFor } from './wording.js';

/** One MJML validation problem, as mjml reports it. */
export interface MjmlIssue {
  readonly line: number;
  readonly tagName: string;
  readonly message: string;
}

/** The generated MJML is invalid: a template bug, listed issue by issue. */
export class MjmlValidationError extends Error {
  override readonly name = 'MjmlValidationError';
  constructor(
    readonly issues: readonly MjmlIssue[],
    options?: { cause?: unknown },
  ) {
    super(
      `scorecard MJML is invalid (${issues.length} issue${issues.length === 1 ? '' : 's'}): ${issues
        .map((i) => `line ${i.line} <${i.tagName}>: ${i.message}`)
        .join('; ')}`,
      options,
    );
  }
}

/** Rendering options that cannot be honoured (an archive link that is not http or https). */
export class ScorecardOptionsError extends Error {
  override readonly name = 'ScorecardOptionsError';
}

const isIssue = (x: unknown): x is MjmlIssue =>
  typeof x === 'object' &&
  x !== null &&
  typeof (x as { message?: unknown }).message === 'string' &&
  typeof (x as { tagName?: unknown }).tagName === 'string';

const toIssues = (errors: readonly unknown[]): MjmlIssue[] =>
  errors.filter(isIssue).map((e) => ({ line: Number(e.line), tagName: e.tagName, message: e.message }));

let mjmlModule: Promise<typeof mjml2html> | undefined;

/** MJML, loaded on first use: its CSS inliner and minifier (juice, cheerio, htmlnano) weigh over a second of loading. */
function loadMjml(): Promise<typeof mjml2html> {
  mjmlModule ??= import('mjml').then((m) => m.default);
  return mjmlModule;
}

/**
 * Starts loading MJML without waiting for it: a job calls this before its SQL, so the loading overlaps
 * DuckDB's work (the main thread is idle meanwhile) instead of delaying the first render. A failure to
 * load is not reported here but by the first render, which awaits the same load.
 */
export function warmRenderer(): void {
  loadMjml().catch(() => undefined);
}

/** MJML → HTML with strict validation; any validation issue becomes an `MjmlValidationError`. */
export async function mjmlToHtml(mjml: string): Promise<string> {
  const mjml2html = await loadMjml();
  let result: Awaited<ReturnType<typeof mjml2html>>;
  try {
    result = await mjml2html(mjml, { validationLevel: 'strict', keepComments: false });
  } catch (cause) {
    // mjml 5 throws a ValidationError carrying `errors` in strict mode.
    const errors = (cause as { errors?: unknown }).errors;
    if (Array.isArray(errors)) throw new MjmlValidationError(toIssues(errors), { cause });
    throw cause;
  }
  if (result.errors.length > 0) throw new MjmlValidationError(toIssues(result.errors));
  return result.html;
}

function checkedArchiveUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new ScorecardOptionsError(`archiveUrl is not a URL: ${url}`, { cause });
  }
  // A link in a mail is clicked: only web addresses, never javascript: or data: URLs.
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ScorecardOptionsError(`archiveUrl must be http or https: ${url}`);
  }
  return parsed.href;
}

/**
 * Indentation and blank lines between tags: they render as nothing, yet weigh a third of MJML's
 * output, and Gmail clips a message beyond 102 kB. Whitespace is not significant anywhere in the
 * scorecard (no <pre>, no white-space: pre), so a run of it shown as one space stays one space.
 */
const compactWhitespace = (html: string): string => html.replace(/\n[ \t\r\n]+/g, '\n');

/** Tidies the text part: no trailing spaces, at most one blank line in a row. */
const tidyText = (text: string): string =>
  `${text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;

/** A rendered mail body: subject, HTML and its plain-text alternative. */
export interface RenderedMail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

/**
 * Renders a report's scorecard in one language, for the whole centre or for some teams and queues.
 *
 * @example
 * const { subject, html, text } = await renderScorecard(report, { locale: 'fr' });
 * // subject: "[Vigie] Tableau de bord du 23/11/2026 — Centre de Lyon"
 */
export async function renderScorecard(
  report: Report,
  options: {
    locale: Locale;
    archiveUrl?: string;
    /** The KPI definitions page (relative to the page, or a URL); the footer links it. */
    glossaryUrl?: string;
    /** Whether each KPI's name links to its definition: the archived page does, a mail keeps its weight down. */
    linkDefinitions?: boolean;
    /** What the recipient follows; the whole centre (a section per team) unless told. */
    scopes?: readonly RecipientScope[];
    /** Where the sparkline pictures are (`cid:` in a mail, files beside an archived page); none unless told. */
    sparkline?: SparklineSource;
    currency?: string;
    /** The config's alert rules: the reject share the banner uses, and the type of older reports' alerts. */
    rules?: readonly AlertRule[];
  },
): Promise<RenderedMail> {
  const archiveUrl = checkedArchiveUrl(options.archiveUrl);
  const words = await wordsFor(report, options.locale, options.currency);
  const rules = options.rules ?? [];
  const view = scorecardView(report, {
    ...words,
    rules,
    rejectShare: rules.find((r) => r.type === 'reject_share')?.threshold ?? DEFAULT_REJECT_SHARE,
    ...(archiveUrl ? { archiveUrl } : {}),
    ...(options.glossaryUrl ? { glossaryUrl: options.glossaryUrl } : {}),
    ...(options.linkDefinitions ? { linkDefinitions: true } : {}),
    ...(options.scopes ? { scopes: options.scopes } : {}),
    ...(options.sparkline ? { sparkline: options.sparkline } : {}),
  });
  const templates = (await allTemplates()).scorecard;
  const html = compactWhitespace(await mjmlToHtml(templates.mjml(view)));
  return { html, text: tidyText(templates.text(view)), subject: view.subject };
}

/**
 * Renders the mail of one of a report's alerts in one language: subject "[Vigie] FCR a baissé de
 * 2 points — Équipe Sud", the rule, the figures and the trend, or the recovery notice.
 */
export async function renderAlert(
  report: Report,
  alert: ReportAlert,
  options: {
    locale: Locale;
    rules: readonly AlertRule[];
    archiveUrl?: string;
    sparkline?: SparklineSource;
    currency?: string;
  },
): Promise<RenderedMail & { readonly kind: AlertKind }> {
  const archiveUrl = checkedArchiveUrl(options.archiveUrl);
  const words = await wordsFor(report, options.locale, options.currency);
  const view = alertView(report, alert, {
    ...words,
    rules: options.rules,
    ...(archiveUrl ? { archiveUrl } : {}),
    ...(options.sparkline ? { sparkline: options.sparkline } : {}),
  });
  const templates = (await allTemplates()).alert;
  const html = compactWhitespace(await mjmlToHtml(templates.mjml(view)));
  return { html, text: tidyText(templates.text(view)), subject: view.subject, kind: view.kind };
}

/** Renders the KPI definitions page of one language, with the thresholds a report was computed with. */
export async function renderGlossary(report: Report, locale: Locale): Promise<string> {
  const words = await wordsFor(report, locale);
  return (await allTemplates()).glossary(glossaryView(words, report.thresholds));
}

/** Renders the archive's index page from the archive's keys under `reports/`. */
export async function renderArchiveIndex(keys: readonly string[], locale: Locale): Promise<string> {
  const strings = await loadStrings(locale);
  return (await allTemplates()).archiveIndex(archiveIndexView(keys, { strings, locale }));
}
