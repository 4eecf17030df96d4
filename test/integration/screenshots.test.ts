/**
 * Screenshots of the day scorecard and of the 20-team weekly digest (with its sparklines, inlined as
 * data: URIs as a browser needs) in real Chromium at the mail's width (600 px) and a phone's (375 px).
 * The PNGs are kept in test/artifacts/ (git-ignored) to be looked at; the assertions catch a blank
 * page, horizontal scrolling on a phone, and pictures that did not load.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertRulesSchema, EXAMPLE_ALERT_RULES } from '../../functions/engine/alerts.js';
import { kpiById } from '../../functions/engine/catalogue.js';
import { renderScorecard } from '../../functions/render/scorecard.js';
import { reportSparklines, sparklineSource } from '../../functions/render/sparklines.js';
import { reportDay } from '../fixtures/report-day.js';
import { launchChromium } from '../support/browser.js';
import { weeklyDigest } from './weekly-digest-fixture.js';

const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
const LOCALES = ['fr', 'en'] as const;
const WIDTHS = [600, 375] as const;
/** `scorecard`: the day fixture without sparklines; `digest`: the weekly digest of 20 teams, with them. */
const MAILS = ['scorecard', 'digest'] as const;

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
  for (const locale of LOCALES) {
    html[`scorecard-${locale}`] = (await renderScorecard(day, { locale })).html;
    html[`digest-${locale}`] = (await renderScorecard(week, { locale, sparkline, rules })).html;
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
        expect(bodyHeight).toBeGreaterThan(500);
        expect(scrollWidth).toBeLessThanOrEqual(width + 1);

        // The KPI's own cell, laid out and visible (the hidden preheader does not count).
        const kpiName = kpiById('answer_rate')?.name[locale];
        expect(kpiName).toBeTruthy();
        await expect(
          page
            .getByText(kpiName ?? '', { exact: true })
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
