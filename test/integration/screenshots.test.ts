/**
 * Screenshots of the day scorecard, of the 20-team weekly digest (with its sparklines, inlined as
 * data: URIs as a browser needs), of the same figures as a monthly digest (13 monthly points), and of
 * the digest's alert mail, in real Chromium at the mail's width (600 px) and a phone's (375 px).
 * The PNGs are kept in test/artifacts/ (git-ignored) to be looked at; the assertions catch a blank
 * page, horizontal scrolling on a phone, pictures that did not load, a word broken across lines
 * ("22 m / in"), and a first screen that does not say what got better and worse.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertRulesSchema, EXAMPLE_ALERT_RULES } from '../../functions/engine/alerts.js';
import { kpiById } from '../../functions/engine/catalogue.js';
import { type Report, reportSchema } from '../../functions/engine/report-schema.js';
import { renderAlert, renderScorecard } from '../../functions/render/scorecard.js';
import { reportSparklines, sparklineSource } from '../../functions/render/sparklines.js';
import { reportDay } from '../fixtures/report-day.js';
import { launchChromium } from '../support/browser.js';
import { weeklyDigest } from './weekly-digest-fixture.js';

const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
const LOCALES = ['fr', 'en'] as const;
const WIDTHS = [600, 375] as const;
/**
 * `scorecard`: the day fixture without sparklines; `digest`: the weekly digest of 20 teams, with them;
 * `monthly`: its figures as November's digest; `alert`: the mail of its alert (Team Sud's FCR fell).
 */
const MAILS = ['scorecard', 'digest', 'monthly', 'alert'] as const;

/** The weekly digest's figures as a month's: the period and its trend of 13 months. */
function asMonthly(week: Report): Report {
  const months = Array.from(
    { length: 13 },
    (_, i) => `${i < 2 ? 2025 : 2026}-${String(((i + 10) % 12) + 1).padStart(2, '0')}`,
  );
  const series = Object.fromEntries(
    Object.entries(week.series).map(([id, points]) => [
      id,
      months.map((period, i) => ({ period, value: points[i % points.length]?.value ?? null })),
    ]),
  );
  return reportSchema.parse({
    ...week,
    period: { kind: 'month', start: '2026-11-01', end: '2026-11-30', timezone: week.period.timezone },
    series,
  });
}

let browser: Browser;
const html: Record<string, string> = {};

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  const day = reportDay();
  const week = weeklyDigest();
  const pictures = await reportSparklines(week);
  // With the rules, the notices word each alert in the page's language.
  const rules = alertRulesSchema.parse(EXAMPLE_ALERT_RULES);
  const sparkline = sparklineSource(pictures, (i) => `data:image/png;base64,${Buffer.from(i.png).toString('base64')}`);
  const month = asMonthly(week);
  const monthPictures = sparklineSource(
    await reportSparklines(month),
    (i) => `data:image/png;base64,${Buffer.from(i.png).toString('base64')}`,
  );
  const alert = week.alerts[0];
  if (alert === undefined) throw new Error('the weekly digest fixture has an alert');
  for (const locale of LOCALES) {
    html[`scorecard-${locale}`] = (await renderScorecard(day, { locale })).html;
    html[`digest-${locale}`] = (await renderScorecard(week, { locale, sparkline, rules })).html;
    html[`monthly-${locale}`] = (await renderScorecard(month, { locale, sparkline: monthPictures, rules })).html;
    html[`alert-${locale}`] = (await renderAlert(week, alert, { locale, rules, sparkline })).html;
  }
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

const CASES = MAILS.flatMap((mail) => LOCALES.map((locale) => [mail, locale] as const));

describe.each(CASES)('the %s (%s) in Chromium', (mail, locale) => {
  it.each(WIDTHS)(
    'renders at %i px without horizontal scrolling',
    async (width) => {
      const page = await browser.newPage({ viewport: { width, height: 800 } });
      try {
        await page.setContent(html[`${mail}-${locale}`] ?? '', { waitUntil: 'load' });
        await page.screenshot({ path: join(ARTIFACTS, `${mail}-${locale}-${width}.png`), fullPage: true });

        // Page-side code is passed as strings: the project compiles without the DOM library.
        const bodyHeight = await page.evaluate<number>('document.body.getBoundingClientRect().height');
        const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
        // An alert mail is one notice, its figures and its trend: shorter than a scorecard.
        expect(bodyHeight).toBeGreaterThan(mail === 'alert' ? 300 : 500);
        expect(scrollWidth).toBeLessThanOrEqual(width + 1);

        // The KPI's own cell, laid out and visible (the hidden preheader does not count).
        const kpiName = kpiById(mail === 'alert' ? 'fcr' : 'answer_rate')?.name[locale];
        expect(kpiName).toBeTruthy();
        await expect(
          page
            // The alert names the KPI with its short name: "Résolution au premier contact (FCR)".
            .getByText(kpiName ?? '', { exact: mail !== 'alert' })
            .first()
            .isVisible(),
        ).resolves.toBe(true);

        // Nothing sticks out of the viewport either (clipped rather than scrolled, so scrollWidth misses it).
        const outside = await page.evaluate<string[]>(`[...document.body.querySelectorAll('*')]
          .map((el) => [el.tagName, el.getBoundingClientRect()])
          .filter(([, r]) => r.width > 0 && (r.right > ${width + 1} || r.left < -1))
          .map(([tag, r]) => tag + ' ' + Math.round(r.right))
          .slice(0, 5)`);
        expect(outside).toEqual([]);

        // A figure is never broken across lines ("1 h 02 mi" / "n"): each value in the tables is one line box.
        const brokenValues = await page.evaluate<string[]>(`[...document.querySelectorAll('td > strong')]
          .filter((el) => /\\d/.test(el.textContent) && el.getClientRects().length > 1)
          .map((el) => el.textContent)`);
        expect(brokenValues).toEqual([]);

        // No word is broken across lines: each run of non-space characters (a figure and its unit are joined
        // by no-break spaces) lies on one line. Long hostile names and comments are the only exception.
        const broken = await page.evaluate<string[]>(`(() => {
          const out = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const text = node.textContent || '';
            const el = node.parentElement;
            if (!el || el.closest('[dir="auto"]') || el.closest('.mj-hidden, [style*="display:none"]')) continue;
            const re = /[^ \\n\\t]+/g;
            for (let m = re.exec(text); m; m = re.exec(text)) {
              if (m[0].length > 40) continue;
              const range = document.createRange();
              range.setStart(node, m.index);
              range.setEnd(node, m.index + m[0].length);
              const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
              if (tops.size > 1) out.push(m[0]);
            }
          }
          return out.slice(0, 10);
        })()`);
        expect(broken).toEqual([]);

        // The first screen says what changed, grouped by good and bad, before any table.
        if (mail === 'digest') {
          const firstScreen = await page.evaluate<string>('document.elementsFromPoint ? document.body.innerText : ""');
          const changes = firstScreen.indexOf(locale === 'fr' ? 'Ce qui a changé' : 'What changed');
          expect(changes).toBeGreaterThan(0);
          expect(changes).toBeLessThan(firstScreen.indexOf(locale === 'fr' ? 'Volumes' : 'Volumes'));
        }

        // Every sparkline decoded and is laid out at its declared size (or shrunk to fit, never cut).
        const images = await page.evaluate<{ src: string; loaded: boolean; width: number }[]>(`[...document.images]
          .map((img) => ({ src: img.src.slice(0, 30), loaded: img.complete && img.naturalWidth > 0, width: img.getBoundingClientRect().width }))`);
        expect(images.filter((i) => !i.loaded)).toEqual([]);
        if (mail === 'digest') expect(images.length).toBeGreaterThan(30);
      } finally {
        await page.close();
      }
    },
    60_000,
  );
});
