/**
 * Renders a report as a scorecard mail body: view (view.ts) → MJML (Handlebars templates, escaped) →
 * HTML (mjml, strict validation); the plain-text part comes from the same view through a text
 * template (html-to-text cannot tell MJML's layout tables from the KPI tables); plus the subject line.
 */
import mjml2html from 'mjml';
import { createFormatter, type Locale } from '../engine/format.js';
import type { Report } from '../engine/report.js';
import { formatWords, loadStrings } from './locale.js';
import { scorecardTemplates } from './templates.js';
import { scorecardView } from './view.js';

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

/** MJML → HTML with strict validation; any validation issue becomes an `MjmlValidationError`. */
export async function mjmlToHtml(mjml: string): Promise<string> {
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

/**
 * Renders a report's scorecard in one language.
 *
 * @example
 * const { subject, html, text } = await renderScorecard(report, { locale: 'fr' });
 * // subject: "[Vigie] Tableau de bord du 23/11/2026 — Centre de Lyon"
 */
export async function renderScorecard(
  report: Report,
  options: { locale: 'fr' | 'en'; archiveUrl?: string },
): Promise<{ html: string; text: string; subject: string }> {
  const locale: Locale = options.locale;
  const archiveUrl = checkedArchiveUrl(options.archiveUrl);
  const strings = await loadStrings(locale);
  const format = createFormatter({ locale, timeZone: report.period.timezone, words: formatWords(strings) });
  const view = scorecardView(report, { strings, format, locale, ...(archiveUrl ? { archiveUrl } : {}) });
  const templates = await scorecardTemplates();
  const html = compactWhitespace(await mjmlToHtml(templates.mjml(view)));
  return { html, text: tidyText(templates.text(view)), subject: view.subject };
}
