/** Mailer over a local folder: each message becomes `<dir>/<key>.eml`, the outbox of the embedded default. */

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fingerprint } from '../common/fingerprint.js';
import type { Mailer, OutgoingMail } from '../pipeline/ports.js';

/** Longest file name stem kept from a key (file systems cap names near 255 bytes). */
const MAX_STEM = 120;

/**
 * A key as a safe file name stem: letters, digits, `.`, `_` and `-` only, no leading dot, bounded.
 * When the key had to change, a hash of the original is appended, so two keys that differ only in
 * unsafe characters ("a/b", "a:b") still get different files.
 */
export function outboxFileStem(key: string): string {
  if (key.length === 0) throw new RangeError('an outbox key cannot be empty');
  const safe = key
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[.]+/, '_')
    .slice(0, MAX_STEM);
  if (safe === key) return safe;
  return `${safe}~${fingerprint(key, 10)}`;
}

/** Writes each message once: a second send with the same key keeps the first file and returns its path. */
export class OutboxMailer implements Mailer {
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  async send(mail: OutgoingMail): Promise<{ readonly location: string }> {
    const location = join(this.dir, `${outboxFileStem(mail.key)}.eml`);
    await mkdir(this.dir, { recursive: true });
    try {
      // 'wx' fails if the file exists: a retried run never sends (or rewrites) a message twice.
      await writeFile(location, mail.raw, { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { location };
      // The file may have been created before the write failed (disk full): remove it, so a retry can write it.
      await rm(location, { force: true });
      throw new OutboxError(`cannot write ${location}`, { cause: error });
    }
    return { location };
  }
}

/** The outbox folder could not take a message. */
export class OutboxError extends Error {
  override readonly name = 'OutboxError';
}
