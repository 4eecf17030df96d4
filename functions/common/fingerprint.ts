/** Short, stable names for content: the facts store's fingerprints, mail keys, picture names, checks. */
import { createHash } from 'node:crypto';

/** The first `length` hex digits of the content's SHA-256: equal content, equal name. */
export function fingerprint(content: string | Uint8Array, length = 16): string {
  return createHash('sha256').update(content).digest('hex').slice(0, length);
}
