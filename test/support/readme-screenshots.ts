/**
 * `npm run screenshots`: the README's pictures, docs/img/digest-fr.png and digest-en.png — the first
 * screens of the sample's latest weekly digest, as `npm start` leaves it under `out/`, rendered in real
 * headless Chromium at the mail's width (600 px), sparklines inlined. Run `npm start` first.
 *
 *   npm run screenshots -- [--out out] [--height 1500]
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { configFrom } from '../../functions/adapters/config-file.js';
import { reportSchema } from '../../functions/engine/report-schema.js';
import { renderScorecard } from '../../functions/render/scorecard.js';
import { reportSparklines, sparklineSource } from '../../functions/render/sparklines.js';
import { launchChromium } from './browser.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'out' },
    height: { type: 'string', default: '1500' },
  },
});
const weeks = join(values.out, 'reports', 'week');
const [latest] = (await readdir(weeks)).sort().slice(-1);
if (latest === undefined) throw new Error(`no weekly digest under ${weeks}: run npm start first`);
const report = reportSchema.parse(JSON.parse(await readFile(join(weeks, latest, 'report.json'), 'utf8')));
const config = configFrom(undefined);
const pictures = await reportSparklines(report);
const sparkline = sparklineSource(pictures, (i) => `data:image/png;base64,${Buffer.from(i.png).toString('base64')}`);

const browser = await launchChromium();
try {
  for (const locale of ['fr', 'en'] as const) {
    const { html } = await renderScorecard(report, { locale, sparkline, rules: config.alerts });
    const page = await browser.newPage({ viewport: { width: 600, height: 900 } });
    await page.setContent(html, { waitUntil: 'load' });
    const path = join('docs', 'img', `digest-${locale}.png`);
    await page.screenshot({ path, clip: { x: 0, y: 0, width: 600, height: Number(values.height) }, fullPage: true });
    await page.close();
    console.log(`${path}  week ${latest}, ${locale}, 600 × ${values.height} px`);
  }
} finally {
  await browser.close();
}
