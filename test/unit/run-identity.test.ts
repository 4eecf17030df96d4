import { describe, expect, it } from 'vitest';
import { lambdaRunIdentity, localRunIdentity } from '../../functions/adapters/run-identity.js';

describe('who runs a job, and whether an earlier claimant has ended', () => {
  it('locally: a process of this host that no longer runs has ended; a live one or another host’s may not have', () => {
    const alive = new Set([100, 200]);
    const me = localRunIdentity({ host: 'box', pid: 100, alive: (pid) => alive.has(pid) });
    const other = localRunIdentity({ host: 'box', pid: 300, alive: () => true });
    const remote = localRunIdentity({ host: 'elsewhere', pid: 400, alive: () => true });

    expect(me.owner).toMatch(/^local box 100 [0-9a-f]{8}$/);
    expect(me.hasEnded(other.owner)).toBe(true); // pid 300 is not running on box
    expect(me.hasEnded(localRunIdentity({ host: 'box', pid: 200 }).owner)).toBe(false);
    expect(me.hasEnded(localRunIdentity({ host: 'box', pid: 100 }).owner)).toBe(false); // this very process
    expect(me.hasEnded(remote.owner)).toBe(false); // cannot tell: the timeout decides
    expect(me.hasEnded('deliver day-2026-11-22 2026-11-23T02:00:00.000Z')).toBe(false); // an older owner
  });

  it('locally, for real: this process runs, a reaped child does not', async () => {
    const { spawnSync } = await import('node:child_process');
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const me = localRunIdentity({ host: 'h' });
    expect(me.hasEnded(localRunIdentity({ host: 'h', pid: Number(child.stdout) }).owner)).toBe(true);
    expect(me.hasEnded(localRunIdentity({ host: 'h' }).owner)).toBe(false);
  });

  it('on Lambda: another request of the same function has ended (reserved concurrency 1); of another function, not', () => {
    const retry = lambdaRunIdentity('vigie-nightly', 'req-2');
    expect(retry.owner).toBe('lambda vigie-nightly req-2');
    expect(retry.hasEnded('lambda vigie-nightly req-1')).toBe(true);
    expect(retry.hasEnded('lambda vigie-nightly req-2')).toBe(false);
    expect(retry.hasEnded('lambda vigie-digest req-1')).toBe(false);
    expect(retry.hasEnded('local box 1 abcd')).toBe(false);
  });
});
