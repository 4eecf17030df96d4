/** A retried nightly invocation (Lambda retries an asynchronous invocation that failed) never mails twice. */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nightlyHandler } from '../../../functions/handlers/nightly.js';
import { type LocalAws, startLocalAwsWith } from '../../../local-aws/aws-local.js';
import { sampleExportsDir } from '../../support/exports.js';
import { archiveKeys, CONFIG } from '../../support/handlers.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

describe('the nightly handler retried', () => {
  let aws: LocalAws;
  let exportsRoot: string;

  beforeAll(async () => {
    exportsRoot = await sampleExportsDir(9, '2026-11-22');
    aws = await startLocalAwsWith(exportsRoot, CONFIG);
  }, 120_000);

  afterAll(async () => {
    await aws?.stop();
    if (exportsRoot !== undefined) await rm(exportsRoot, { recursive: true, force: true });
  });

  it('sends nothing twice when the same scheduled run is retried', async () => {
    await aws.clearMails();
    const handler = nightlyHandler(aws.deps({ clock: { now: () => new Date('2026-11-22T01:31:00Z') } }));
    const first = await handler({ scheduledTime: '2026-11-22T01:30:00Z' });
    expect(first.period).toBe('day 2026-11-21');
    expect(await aws.mails()).toHaveLength(2);
    const retry = await handler({ scheduledTime: '2026-11-22T01:30:00Z' });
    // The retry finds both mails already sent: it names them and sends nothing.
    expect(retry.mails).toBe(2);
    expect(await aws.mails()).toHaveLength(2);
    // One claim and one sent record per recipient for that day.
    expect(await archiveKeys(aws, 'sends/day-2026-11-21-')).toHaveLength(4);
  }, 600_000);
});
