/**
 * Who runs a job (the `RunIdentity` port): what a claim on a mail records as its owner, and whether the
 * owner of an earlier claim has ended, so that its claim is taken over at once rather than after the
 * timeout (docs/decisions/0003-exactly-once-sends.md).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { RunIdentity } from '../pipeline/ports.js';

const LOCAL = /^local (\S+) (\d+) \S+$/;

/** Whether a process of this host is alive: signal 0 checks without signalling (EPERM: alive, not ours). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A run of the `vigie` command: `local <host> <pid> <nonce>`. A claim of this host whose process no longer
 * runs has ended; a claim of another host, or of a live process (this one included), may still be sending.
 */
export function localRunIdentity(
  options: { readonly host?: string; readonly pid?: number; readonly alive?: (pid: number) => boolean } = {},
): RunIdentity {
  const host = (options.host ?? hostname()).replace(/\s+/g, '-') || 'host';
  const pid = options.pid ?? process.pid;
  const alive = options.alive ?? processRuns;
  return {
    owner: `local ${host} ${pid} ${randomBytes(4).toString('hex')}`,
    hasEnded: (owner) => {
      const match = LOCAL.exec(owner);
      if (match === null || match[1] !== host) return false;
      return !alive(Number(match[2]));
    },
  };
}

/**
 * A Lambda invocation: `lambda <function> <request id>`. A function with reserved concurrency 1 runs one
 * invocation at a time, so a claim by another request of the same function was made by one that has ended
 * (a retry's predecessor that timed out or crashed).
 */
export function lambdaRunIdentity(functionName: string, requestId: string): RunIdentity {
  const prefix = `lambda ${functionName} `;
  return {
    owner: `${prefix}${requestId}`,
    hasEnded: (owner) => owner.startsWith(prefix) && owner !== `${prefix}${requestId}`,
  };
}
