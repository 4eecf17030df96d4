/**
 * Real Chromium for screenshot tests without an apt step: @sparticuz/chromium ships a self-contained
 * headless build (brotli-packed in its npm package, unpacked to the temp folder on first use) that
 * playwright-core drives. Tests call `launchChromium()` once per file and close it in `afterAll`.
 */
import sparticuz from '@sparticuz/chromium';
import { type Browser, chromium } from 'playwright-core';

/** Starts headless Chromium; the caller closes it. */
export async function launchChromium(): Promise<Browser> {
  // --single-process suits a Lambda's one page per invocation; here pages open and close in turn,
  // and closing the last page would take the whole browser down with it.
  const args = sparticuz.args.filter((arg) => arg !== '--single-process');
  // Chromium refuses to start its sandbox as root (containers, CI); the package's flags usually say so already.
  if (process.getuid?.() === 0 && !args.includes('--no-sandbox')) args.push('--no-sandbox');
  return chromium.launch({ executablePath: await sparticuz.executablePath(), args, headless: true });
}
