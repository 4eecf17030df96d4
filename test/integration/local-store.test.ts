/**
 * The local archive and outbox write whole files: a reader never sees a cut one, a write that fails
 * names the file and the reason (a full disk says ENOSPC and where), and nothing half-written remains.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalFolderStore, LocalWriteError } from '../../functions/adapters/local-fs.js';
import { OutboxMailer } from '../../functions/adapters/outbox.js';
import { fullDiskAt } from '../support/faults.js';

const mail = (key: string, text: string) => ({
  key,
  from: 'vigie@example.com',
  to: ['a@example.com'],
  subject: 's',
  raw: new TextEncoder().encode(text),
});

describe('LocalFolderStore', () => {
  it('names the file and the reason when the disk is full, and leaves the old file whole', async () => {
    const root = await mkdtemp(join(tmpdir(), 'vigie-store-'));
    const disk = fullDiskAt(2);
    const store = new LocalFolderStore(root, { write: disk.write });
    await store.put('state/alerts.json', '{"version":1}\n');

    const error = await store.put('state/alerts.json', '{"version":1,"entries":{}}\n').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(LocalWriteError);
    expect((error as Error).message).toBe(
      `cannot write ${join(root, 'state', 'alerts.json')}: ENOSPC: no space left on device`,
    );
    expect(await readFile(join(root, 'state', 'alerts.json'), 'utf8')).toBe('{"version":1}\n');
    expect(await readdir(join(root, 'state'))).toEqual(['alerts.json']);
  });

  it('names the file for any other refusal (a folder where a file should go)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'vigie-store-'));
    await writeFile(join(root, 'facts'), 'not a folder');
    const error = await new LocalFolderStore(root).put('facts/dt=2026-11-22/facts.json.gz', 'x').catch((e) => e);
    expect((error as Error).message).toMatch(/^cannot write .*facts\/dt=2026-11-22\/facts\.json\.gz: E\w+: /);
  });

  it('creates a key once, whole, among concurrent creators, and never lists temporary files', async () => {
    const root = await mkdtemp(join(tmpdir(), 'vigie-store-'));
    const store = new LocalFolderStore(root);
    const created = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.putIfAbsent('sends/k/claim-1.json', `{"owner":"run ${i}"}`)),
    );
    expect(created.filter(Boolean)).toHaveLength(1);
    const winner = created.indexOf(true);
    expect(await readFile(join(root, 'sends/k/claim-1.json'), 'utf8')).toBe(`{"owner":"run ${winner}"}`);
    expect(await store.list('')).toEqual(['sends/k/claim-1.json']);
    expect(await readdir(join(root, 'sends/k'))).toEqual(['claim-1.json']);
  });
});

describe('OutboxMailer', () => {
  it('never leaves a cut .eml under a mail’s name: a full disk leaves nothing, and the retry writes it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-outbox-'));
    const error = await new OutboxMailer(dir, { write: fullDiskAt(1).write })
      .send(mail('day-2026-11-22-scorecard-1', 'Subject: s\r\n\r\nbody\r\n'))
      .catch((e: unknown) => e);

    expect((error as Error).message).toBe(
      `cannot write ${join(dir, 'day-2026-11-22-scorecard-1.eml')}: ENOSPC: no space left on device`,
    );
    expect(await readdir(dir)).toEqual([]);
    await new OutboxMailer(dir).send(mail('day-2026-11-22-scorecard-1', 'Subject: s\r\n\r\nbody\r\n'));
    expect(await readFile(join(dir, 'day-2026-11-22-scorecard-1.eml'), 'utf8')).toBe('Subject: s\r\n\r\nbody\r\n');
  });
});
