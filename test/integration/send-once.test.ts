import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFolderStore } from '../../functions/adapters/local-fs.js';
import { OutboxMailer } from '../../functions/adapters/outbox.js';
import type { Mailer, OutgoingMail } from '../../functions/pipeline/ports.js';
import { sendOnce } from '../../functions/pipeline/send-once.js';

const TIMEOUT = 15 * 60 * 1000;

const mail: OutgoingMail = {
  key: 'day-2026-11-22-scorecard-1a2b3c',
  from: 'vigie@example.com',
  to: ['lead@example.com'],
  subject: 'Scorecard',
  raw: new TextEncoder().encode(
    'Subject: Scorecard\r\nMessage-ID: <day-2026-11-22.scorecard.1a2b3c@vigie>\r\n\r\nhi\r\n',
  ),
};

/**
 * The outbox, counting calls: OutboxMailer never rewrites an existing .eml, so the folder alone could not show
 * a second send.
 */
class CountingOutbox implements Mailer {
  calls = 0;
  failure: Error | undefined = undefined;
  constructor(private readonly outbox: OutboxMailer) {}

  async send(message: OutgoingMail): Promise<{ readonly location: string }> {
    this.calls += 1;
    if (this.failure !== undefined) throw this.failure;
    return this.outbox.send(message);
  }
}

describe('sendOnce over a local folder and the outbox (real files)', () => {
  let root: string;
  let archive: LocalFolderStore;
  let outboxDir: string;
  let mailer: CountingOutbox;
  let now: Date;
  const clock = { now: () => now };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'vigie-send-once-'));
    archive = new LocalFolderStore(join(root, 'archive'));
    outboxDir = join(root, 'outbox');
    mailer = new CountingOutbox(new OutboxMailer(outboxDir));
    now = new Date('2026-11-23T05:00:00.000Z');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const options = (owner: string) => ({ archive, mailer, clock, owner, claimTimeoutMs: TIMEOUT });

  it('sends exactly once when five senders race, and leaves one .eml in the outbox', async () => {
    const outcomes = await Promise.all([1, 2, 3, 4, 5].map((i) => sendOnce(mail, options(`run-${i}`))));

    expect(outcomes.filter((o) => o.status === 'sent')).toHaveLength(1);
    expect(mailer.calls).toBe(1);
    expect(await readdir(outboxDir)).toEqual([`${mail.key}.eml`]);
    const record = JSON.parse(await readFile(join(root, 'archive', 'sends', mail.key, 'sent.json'), 'utf8'));
    expect(record).toMatchObject({ claim: 1, location: join(outboxDir, `${mail.key}.eml`) });
    expect(await sendOnce(mail, options('run-6'))).toEqual({ status: 'already-sent', location: record.location });
  });

  it('after a crash between claim and send, waits for the timeout, then sends once', async () => {
    await archive.putIfAbsent(
      `sends/${mail.key}/claim-1.json`,
      JSON.stringify({ claim: 1, owner: 'crashed-run', at: now.toISOString() }),
    );

    now = new Date(now.getTime() + TIMEOUT - 1000);
    expect(await sendOnce(mail, options('early-retry'))).toEqual({ status: 'in-flight' });
    expect(mailer.calls).toBe(0);

    now = new Date(now.getTime() + 1000);
    const outcomes = await Promise.all([1, 2, 3].map((i) => sendOnce(mail, options(`retry-${i}`))));

    expect(outcomes.filter((o) => o.status === 'sent')).toHaveLength(1);
    expect(mailer.calls).toBe(1);
    expect(await readdir(outboxDir)).toEqual([`${mail.key}.eml`]);
    expect((await archive.list(`sends/${mail.key}/`)).sort()).toEqual([
      `sends/${mail.key}/claim-1.json`,
      `sends/${mail.key}/claim-2.json`,
      `sends/${mail.key}/sent.json`,
    ]);
  });

  it('records a failed send on disk and lets the next run send at once', async () => {
    mailer.failure = new Error('disk full');

    await expect(sendOnce(mail, options('run-1'))).rejects.toThrow('disk full');

    const failed = JSON.parse(await readFile(join(root, 'archive', 'sends', mail.key, 'failed-1.json'), 'utf8'));
    expect(failed).toMatchObject({ claim: 1, owner: 'run-1', reason: 'Error: disk full' });
    mailer.failure = undefined;
    expect(await sendOnce(mail, options('run-2'))).toMatchObject({ status: 'sent' });
    expect(await readdir(outboxDir)).toEqual([`${mail.key}.eml`]);
    expect(mailer.calls).toBe(2);
  });
});
