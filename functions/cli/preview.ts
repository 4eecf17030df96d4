/** `vigie preview`: renders a scorecard or alert mail from an archived report.json; sends nothing. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../adapters/errors.js';
import type { RecipientScope } from '../engine/config.js';
import { reportSchema } from '../engine/report-schema.js';
import { senderOf } from '../pipeline/deliver.js';
import { composeMail } from '../render/mail.js';
import { renderAlert, renderScorecard } from '../render/scorecard.js';
import { cidOf, imagesUsed, reportSparklines, sparklineSource } from '../render/sparklines.js';
import { loadConfig } from './local-jobs.js';
import { show } from './output.js';

export interface PreviewOptions {
  report: string;
  locale: 'fr' | 'en';
  template: 'scorecard' | 'alert';
  recipientScope: RecipientScope[];
  alert?: string;
  config?: string;
  out: string;
  eml?: string;
}

/** Renders a template from an archived report.json to files; sends nothing. */
export async function preview(options: PreviewOptions, out: (line: string) => void): Promise<void> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(options.report, 'utf8'));
  } catch (cause) {
    throw new UsageError(`cannot read ${options.report} as JSON: ${(cause as Error).message.split('\n')[0]}`);
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `${options.report} is not a Vigie report: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`,
    );
  }
  const report = parsed.data;
  const config = await loadConfig(options.config);
  const sparklines = await reportSparklines(report);
  // The .html preview opens in a browser, where cid: means nothing: its pictures are inlined as data: URIs.
  const dataUri = sparklineSource(sparklines, (i) => `data:image/png;base64,${Buffer.from(i.png).toString('base64')}`);
  const cid = sparklineSource(sparklines, (i) => `cid:${cidOf(i)}`);
  const render = async (sparkline: typeof cid) => {
    if (options.template === 'scorecard') {
      const scopes = options.recipientScope.length > 0 ? options.recipientScope : undefined;
      return renderScorecard(report, {
        locale: options.locale,
        sparkline,
        currency: config.currency,
        rules: config.alerts,
        ...(scopes ? { scopes } : {}),
      });
    }
    const alert = options.alert === undefined ? report.alerts[0] : report.alerts.find((a) => a.rule === options.alert);
    if (alert === undefined) {
      throw new UsageError(
        options.alert === undefined
          ? `${options.report} has no alert to preview`
          : `${options.report} has no alert of rule ${options.alert} (it has: ${report.alerts.map((a) => a.rule).join(', ') || 'none'})`,
      );
    }
    return renderAlert(report, alert, {
      locale: options.locale,
      rules: config.alerts,
      sparkline,
      currency: config.currency,
    });
  };
  const page = await render(dataUri);
  await mkdir(dirname(resolve(options.out)), { recursive: true });
  await writeFile(options.out, page.html);
  out(`preview  ${show(options.out)}  (${Buffer.byteLength(page.html)} bytes of HTML)`);
  out(`subject  ${page.subject}`);
  if (options.eml !== undefined) {
    const mail = await render(cid);
    const images = imagesUsed(sparklines, mail.html);
    const raw = await composeMail({
      from: senderOf(config),
      to: [config.mail.recipients[0]?.email ?? 'preview@example.com'],
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      messageId: `<preview.${report.period.kind}-${report.period.start}@vigie>`,
      date: new Date(),
      inlineImages: images.map((i) => ({
        cid: cidOf(i),
        filename: `${i.name}.png`,
        content: i.png,
        contentType: 'image/png' as const,
      })),
    });
    await mkdir(dirname(resolve(options.eml)), { recursive: true });
    await writeFile(options.eml, raw);
    out(`mail     ${show(options.eml)}  (${raw.byteLength} bytes, ${images.length} inline images)`);
  }
}
