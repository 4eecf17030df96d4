/**
 * Exactly-once sending over an archive with conditional create (S3 `If-None-Match: *`, a local `wx` file).
 * Under `sends/<mail.key>/`: `claim-<n>.json` is taken before the n-th attempt to send, `failed-<n>.json`
 * records that attempt's refusal, and `sent.json` its success. Why and what remains is in
 * docs/decisions/0003-exactly-once-sends.md.
 */
import type { Clock, Mailer, ObjectStore, OutgoingMail } from './ports.js';

export interface SendOnceOptions {
  readonly archive: ObjectStore;
  readonly mailer: Mailer;
  readonly clock: Clock;
  /**
   * A claim without a recorded outcome older than this is taken over (crash between claim and send).
   * Keep it well above the mailer's own timeouts and retries: a live sender slower than this sends twice.
   * @default 900000 (15 minutes)
   */
  readonly claimTimeoutMs?: number;
  /** Who claims (a run id, see `RunIdentity`), kept in the records for whoever investigates. */
  readonly owner: string;
  /**
   * True when the owner named in a claim is known to have ended (its process is gone): its claim is taken
   * over at once instead of after the timeout. Without it, only the timeout frees a claim.
   */
  readonly hasEnded?: (owner: string) => boolean;
}

export type SendOutcome =
  | { readonly status: 'sent'; readonly location: string }
  | { readonly status: 'already-sent'; readonly location: string }
  /** Someone else holds a fresh claim: it is sending, or crashed less than the timeout ago. */
  | { readonly status: 'in-flight' };

/** The mail was accepted but its `sent.json` could not be written: a retry after the claim timeout would resend it. */
export class SendRecordError extends Error {
  override readonly name = 'SendRecordError';
}

const DEFAULT_CLAIM_TIMEOUT_MS = 15 * 60 * 1000;

// The key becomes a folder name in every store: no separators, no `..`, nothing a file system would reinterpret.
const SAFE_KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

const JSON_TYPE = 'application/json';

const claimKey = (dir: string, n: number): string => `${dir}claim-${n}.json`;
const failedKey = (dir: string, n: number): string => `${dir}failed-${n}.json`;

/** A record's JSON, or `null` when it is unreadable (damaged: every store writes records whole). */
function parseRecord(bytes: Uint8Array): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The mailer said it could not tell whether the message was accepted (no answer from the provider). */
function outcomeUnknown(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { outcomeUnknown?: unknown }).outcomeUnknown === true;
}

/**
 * Sends a mail unless its key has been sent already or another sender holds a fresh claim on it.
 *
 * @example
 * const outcome = await sendOnce(mail, { archive, mailer, clock: { now: () => new Date() }, owner: runId });
 * if (outcome.status === 'in-flight') logger.warn('another run is sending', { key: mail.key });
 */
export async function sendOnce(mail: OutgoingMail, options: SendOnceOptions): Promise<SendOutcome> {
  if (!SAFE_KEY.test(mail.key)) throw new RangeError(`a send key is letters, digits, ".", "_" and "-": ${mail.key}`);
  const { archive, mailer, clock, owner } = options;
  const timeoutMs = options.claimTimeoutMs ?? DEFAULT_CLAIM_TIMEOUT_MS;
  const dir = `sends/${mail.key}/`;
  const sentKey = `${dir}sent.json`;

  const claim = (n: number): Promise<boolean> =>
    archive.putIfAbsent(
      claimKey(dir, n),
      `${JSON.stringify({ key: mail.key, claim: n, owner, at: clock.now().toISOString() })}\n`,
      JSON_TYPE,
    );

  const send = async (n: number): Promise<SendOutcome> => {
    let location: string;
    try {
      ({ location } = await mailer.send(mail));
    } catch (error) {
      // Only a refusal is recorded: after an unanswered request the provider may hold the message, so the
      // claim must stay and expire like a crash's rather than invite an immediate second send.
      if (!outcomeUnknown(error)) {
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        const record = { key: mail.key, claim: n, owner, at: clock.now().toISOString(), reason };
        try {
          await archive.put(failedKey(dir, n), `${JSON.stringify(record)}\n`, JSON_TYPE);
        } catch {
          // The send error is what the caller must see; without the record the claim simply expires.
        }
      }
      throw error;
    }
    const record = { key: mail.key, claim: n, owner, at: clock.now().toISOString(), location };
    try {
      // Conditional, so that a late sender (taken over after the timeout) cannot overwrite the first record.
      await archive.putIfAbsent(sentKey, `${JSON.stringify(record)}\n`, JSON_TYPE);
    } catch (error) {
      throw new SendRecordError(
        `${mail.key} was sent (${location}) but ${archive.locate(sentKey)} could not be written`,
        { cause: error },
      );
    }
    return { status: 'sent', location };
  };

  if (await claim(1)) return send(1);

  const sent = await archive.get(sentKey);
  if (sent !== null) {
    const location = parseRecord(sent)?.location;
    return { status: 'already-sent', location: typeof location === 'string' ? location : archive.locate(sentKey) };
  }

  // Claims are numbered without gaps (n + 1 is only tried once n exists): the latest is the last one found.
  let latest = 0;
  let latestClaim: Uint8Array | null = null;
  for (let n = 1; ; n += 1) {
    const bytes = await archive.get(claimKey(dir, n));
    if (bytes === null) break;
    latest = n;
    latestClaim = bytes;
  }
  // claim-1 was reported present but cannot be read: an S3 conditional write that lost a 409 race to a
  // writer that then failed. Nobody holds the mail; the next run claims it.
  if (latest === 0 || latestClaim === null) return { status: 'in-flight' };

  const refused = (await archive.get(failedKey(dir, latest))) !== null;
  const record = parseRecord(latestClaim);
  const claimedAt = typeof record?.at === 'string' ? Date.parse(record.at) : Number.NaN;
  const claimant = typeof record?.owner === 'string' ? record.owner : null;
  // Every store writes a claim whole (a rename locally, one object on S3): an unreadable claim is damaged,
  // not half-written by a live sender, and holds nothing.
  const stale =
    record === null ||
    Number.isNaN(claimedAt) ||
    clock.now().getTime() - claimedAt >= timeoutMs ||
    (claimant !== null && claimant !== owner && (options.hasEnded?.(claimant) ?? false));
  if ((refused || stale) && (await claim(latest + 1))) return send(latest + 1);
  return { status: 'in-flight' };
}
