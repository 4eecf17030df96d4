/** Mailer over a local folder: each message becomes `<dir>/<key>.eml`, the outbox of the embedded default. */

import { join, resolve } from 'node:path';
import { fingerprint } from '../common/fingerprint.js';
import type { Mailer, OutgoingMail } from '../pipeline/ports.js';
import { createWhole, type WriteFile } from './local-fs.js';

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

/**
 * Writes each message once, whole: a second send with the same key keeps the first file and returns its
 * path, and a message cut by a crash or a full disk never appears under its name (so it is never taken
 * for one sent).
 */
export class OutboxMailer implements Mailer {
  private readonly dir: string;

  constructor(
    dir: string,
    private readonly options: { readonly write?: WriteFile } = {},
  ) {
    this.dir = resolve(dir);
  }

  async send(mail: OutgoingMail): Promise<{ readonly location: string }> {
    const location = join(this.dir, `${outboxFileStem(mail.key)}.eml`);
    try {
      await createWhole(location, mail.raw, this.options.write);
    } catch (error) {
      throw new OutboxError(error instanceof Error ? error.message : `cannot write ${location}`, { cause: error });
    }
    return { location };
  }
}

/** The outbox folder could not take a message; the message names the file and the reason. */
export class OutboxError extends Error {
  override readonly name = 'OutboxError';
}
