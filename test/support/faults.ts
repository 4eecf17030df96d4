/**
 * Faults injected through the ports: a crash at the n-th write of a run (a store write or a mail sent),
 * before or after that write took effect, after which the "crashed" run writes nothing more; and a disk
 * that is full from some write on. Nothing here kills a process: the ports throw, as the real ones do
 * when the system refuses a write, and a dead port refuses everything after.
 */
import { writeFile } from 'node:fs/promises';
import type { Mailer, ObjectStore, OutgoingMail } from '../../functions/pipeline/ports.js';

/** What the system says when the disk is full, as Node reports it. */
export function diskFull(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), {
    code: 'ENOSPC',
    errno: -28,
    syscall: 'write',
    path,
  });
}

/** The crash of one run at its n-th write point (1-based), `before` or `after` that write took effect. */
export class Crash {
  /** Write points seen so far: store writes and mails sent, in order. */
  count = 0;
  /** What each write point was, for a failure message (`put reports/day/…/report.json`). */
  readonly points: string[] = [];
  private dead = false;

  constructor(
    readonly at: number = Number.POSITIVE_INFINITY,
    readonly when: 'before' | 'after' = 'before',
  ) {}

  /** True once the crash happened. */
  get happened(): boolean {
    return this.dead;
  }

  /** Runs one write point: refuses it once dead, crashes at the chosen one. */
  async write<T>(what: string, doIt: () => Promise<T>): Promise<T> {
    if (this.dead) throw new Error(`crashed before ${what}`);
    this.count += 1;
    this.points.push(what);
    if (this.count !== this.at) return doIt();
    this.dead = true;
    if (this.when === 'after') await doIt();
    throw new Error(`crash at write ${this.count} (${this.when} ${what})`);
  }
}

/** A store whose writes go through a `Crash` (reads always work: a later run reads what was left). */
export class CrashingStore implements ObjectStore {
  constructor(
    private readonly inner: ObjectStore,
    private readonly crash: Crash,
  ) {}

  put(key: string, body: string | Uint8Array, contentType?: string): Promise<void> {
    return this.crash.write(`put ${key}`, () => this.inner.put(key, body, contentType));
  }

  putIfAbsent(key: string, body: string | Uint8Array, contentType?: string): Promise<boolean> {
    return this.crash.write(`create ${key}`, () => this.inner.putIfAbsent(key, body, contentType));
  }

  get(key: string): Promise<Uint8Array | null> {
    return this.inner.get(key);
  }

  list(prefix: string): Promise<string[]> {
    return this.inner.list(prefix);
  }

  locate(key: string): string {
    return this.inner.locate(key);
  }
}

/** A mailer whose sends go through a `Crash`, counting the messages that reached the inner mailer. */
export class CrashingMailer implements Mailer {
  /** Keys handed to the inner mailer, in order (a key twice is a mail sent twice, unless the outbox kept one). */
  readonly delivered: string[] = [];

  constructor(
    private readonly inner: Mailer,
    private readonly crash: Crash,
  ) {}

  send(mail: OutgoingMail): Promise<{ readonly location: string }> {
    return this.crash.write(`send ${mail.key}`, async () => {
      this.delivered.push(mail.key);
      return this.inner.send(mail);
    });
  }
}

/**
 * A file write (`fs.promises.writeFile`'s signature) on a disk that fills up at its n-th call: that write
 * and every later one fail with ENOSPC, as Node reports it (the syscall, not the file, in the message).
 */
export function fullDiskAt(n: number): {
  readonly write: (path: string, body: string | Uint8Array, options?: { flag?: string }) => Promise<void>;
  readonly writes: () => number;
} {
  let writes = 0;
  return {
    write: async (path, body, options) => {
      writes += 1;
      if (writes >= n) throw diskFull(path);
      await writeFile(path, body, options);
    },
    writes: () => writes,
  };
}
