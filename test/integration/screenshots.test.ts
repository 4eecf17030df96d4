/**
 * Screenshots of the scorecard in real Chromium at the mail's width (600 px) and a phone's (375 px).
 * The PNGs are kept in test/artifacts/ (git-ignored) to be looked at; the assertions catch a blank
 * page and horizontal scrolling on a phone.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kpiById } from '../../functions/engine/catalogue.js';
import { renderScorecard } from '../../functions/render/scorecard.js';
import { reportDay } from '../fixtures/report-day.js';
import { launchChromium } from '../support/browser.js';

const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
const LOCALES = ['fr', 'en'] as const;
const WIDTHS = [600, 375] as const;

let browser: Browser;
const html: Partial<Record<(typeof LOCALES)[number], string>> = {};

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  const report = reportDay();
  const [fr, en] = await Promise.all(LOCALES.map((locale) => renderScorecard(report, { locale })));
  html.fr = fr?.html;
  html.en = en?.html;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe.each(LOCALES)('the %s scorecard in Chromium', (locale) => {
  it.each(WIDTHS)(
    'renders at %i px without horizontal scrolling',
    async (width) => {
      const page = await browser.newPage({ viewport: { width, height: 800 } });
      try {
        await page.setContent(html[locale] ?? '', { waitUntil: 'load' });
        await page.screenshot({ path: join(ARTIFACTS, `scorecard-${locale}-${width}.png`), fullPage: true });

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
      } finally {
        await page.close();
      }
    },
    60_000,
  );
});
