/**
 * The failure path on the local AWS (s3rver, the Athena stand-in, aws-ses-v2-local), as Lambda drives it:
 * a run whose time runs out stops its Athena query and fails, and its retry resumes without querying the
 * days already filed; a run that leaves a mail unsent fails naming it and counts it; a backfill invocation
 * stops in time and the next one resumes.
 */
import { rm } from 'node:fs/promises';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sesClientConfig } from '../../../functions/adapters/ses.js';
import { dayPeriod } from '../../../functions/engine/periods.js';
import { METRICS } from '../../../functions/handlers/metrics.js';
import { nightlyHandler } from '../../../functions/handlers/nightly.js';
import { type LambdaContext, UnsentMailError } from '../../../functions/handlers/run-job.js';
import { factsKey } from '../../../functions/pipeline/facts-store.js';
import type { Clock } from '../../../functions/pipeline/ports.js';
import { TimeBudgetError } from '../../../functions/pipeline/time-budget.js';
import type { AthenaFault } from '../../../local-aws/athena-standin.js';
import { type LocalAws, startLocalAwsWith } from '../../../local-aws/aws-local.js';
import { sampleExportsDir } from '../../support/exports.js';
import { archived, archiveKeys, CONFIG } from '../../support/handlers.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

/** Scheduled 02:30 Paris on the 23rd: it reports the 22nd, and re-reads the 21st (CONFIG: lookback 1). */
const NIGHT = '2026-11-23T01:30:00Z';
const clockAt = (iso: string): Clock => ({ now: () => new Date(iso) });
const TZ = 'Europe/Paris';
/**
 * A day's facts queries: those naming both its start and its end (epoch seconds). A neighbour's name one of
 * them (its end is the next day's start); staging queries name neither.
 */
function factsQueryOf(date: string): RegExp {
  const { start, end } = dayPeriod(date, TZ);
  return new RegExp(`^(?=[\\s\\S]*\\b${start}\\b)(?=[\\s\\S]*\\b${end}\\b)`);
}

let exportsRoot: string;
beforeAll(async () => {
  exportsRoot = await sampleExportsDir(3, '2026-11-22');
}, 120_000);
afterAll(async () => {
  if (exportsRoot !== undefined) await rm(exportsRoot, { recursive: true, force: true });
});

const exists = async (aws: LocalAws, key: string): Promise<boolean> => (await archived(aws, key)) !== null;

/**
 * Lambda's context for an invocation whose time is plentiful until a query matching `held` is running,
 * then runs out: 2 s past the finish time the handler keeps (`finishMs`). What a night too big for its
 * timeout looks like, without waiting ten minutes.
 */
function runsOutWhile(aws: LocalAws, held: RegExp, finishMs: number): LambdaContext {
  let heldAt: number | undefined;
  return {
    getRemainingTimeInMillis: () => {
      if (heldAt === undefined && aws.athena.executions.some((e) => held.test(e.sql) && e.state === 'RUNNING'))
        heldAt = Date.now();
      return heldAt === undefined ? 600_000 : finishMs + 2_000 - (Date.now() - heldAt);
    },
  };
}

const plenty: LambdaContext = { getRemainingTimeInMillis: () => 600_000 };

describe('a night that runs out of time', () => {
  let aws: LocalAws;
  const held = factsQueryOf('2026-11-22');
  beforeAll(async () => {
    // The reported day's first facts query would run forever.
    aws = await startLocalAwsWith(exportsRoot, CONFIG, { faults: [{ match: held, hold: true, times: 1 }] });
  }, 120_000);
  afterAll(async () => aws?.stop());

  it('stops its running query, fails loudly, and the retry resumes without querying the day already filed', async () => {
    const deps = aws.deps({ clock: clockAt(NIGHT), budget: { finishMs: 30_000 } });
    const handler = nightlyHandler(deps);

    const first = handler({ scheduledTime: NIGHT }, runsOutWhile(aws, held, 30_000));

    await expect(first).rejects.toThrow(TimeBudgetError);
    await expect(first).rejects.toThrow(/Athena query [-0-9a-f]+ stopped; the retry resumes/);
    const stopped = aws.athena.executions.filter((e) => held.test(e.sql));
    expect(stopped.map((e) => [e.state, e.reason])).toEqual([['CANCELLED', 'Query was cancelled by user']]);
    // No query is left running once the handler has returned.
    expect(aws.athena.executions.filter((e) => e.state === 'RUNNING' || e.state === 'QUEUED')).toEqual([]);
    expect(await aws.mails()).toEqual([]);
    // The look-back day was filed before the time ran out; the reported day was not.
    expect(await exists(aws, factsKey('2026-11-21'))).toBe(true);
    expect(await exists(aws, factsKey('2026-11-22'))).toBe(false);

    // Lambda's retry: the same event, a fresh invocation.
    const before = aws.athena.executions.length;
    const retry = await handler({ scheduledTime: NIGHT }, plenty);

    expect(retry.period).toBe('day 2026-11-22');
    expect(retry.mails).toBe(2);
    expect(await aws.mails()).toHaveLength(2);
    const again = aws.athena.executions.slice(before);
    // The 21st, filed by the first attempt from the same exports, is not queried again; the 22nd is.
    expect(again.filter((e) => factsQueryOf('2026-11-21').test(e.sql))).toEqual([]);
    expect(again.filter((e) => held.test(e.sql)).length).toBeGreaterThan(0);
    expect(again.every((e) => e.state === 'SUCCEEDED')).toBe(true);

    // A second retry of the same scheduled run (a later failure) queries no day at all: both are its own.
    const third = aws.athena.executions.length;
    await handler({ scheduledTime: NIGHT }, plenty);
    const facts = aws.athena.executions
      .slice(third)
      .filter((e) => factsQueryOf('2026-11-21').test(e.sql) || held.test(e.sql));
    expect(facts).toEqual([]);
    expect(await aws.mails()).toHaveLength(2);
  }, 600_000);
});

describe('a night whose mail fails half-way', () => {
  let aws: LocalAws;
  beforeAll(async () => {
    aws = await startLocalAwsWith(exportsRoot, CONFIG);
  }, 120_000);
  afterAll(async () => aws?.stop());

  /** SES that takes the manager's mail and loses the connection on the analyst's (no answer: outcome unknown). */
  function halfWorkingSes(): SESv2Client {
    const ses = new SESv2Client({
      ...sesClientConfig({ region: 'eu-west-3', endpoint: aws.endpoints.ses }),
      credentials: { accessKeyId: 'LOCAL', secretAccessKey: 'LOCAL' },
    });
    ses.middlewareStack.add(
      (next) => async (args) => {
        const to = (args.input as { Destination?: { ToAddresses?: string[] } }).Destination?.ToAddresses ?? [];
        if (to.includes('analyst@acme.example')) throw Object.assign(new Error('socket hang up'), { name: 'Error' });
        return next(args);
      },
      { step: 'initialize', name: 'loseAnalyst' },
    );
    return ses;
  }

  it('fails, then fails naming the unsent recipient and counting it, then sends it once its claim expires', async () => {
    // First attempt: the manager's mail goes, the analyst's send gets no answer.
    const first = nightlyHandler(aws.deps({ clock: clockAt(NIGHT), clients: { ses: halfWorkingSes() } }));
    await expect(first({ scheduledTime: NIGHT }, plenty)).rejects.toThrow(UnsentMailError);
    expect((await aws.mails()).flatMap((m) => m.destination.to)).toEqual(['manager@acme.example']);

    // Lambda's retry a minute later: SES works, but the analyst's claim is fresh (SES may hold that mail).
    const retryDeps = aws.deps({ clock: clockAt('2026-11-23T01:32:00Z') });
    const metrics = vi.spyOn(retryDeps.metrics, 'addMetric');
    const retry = nightlyHandler(retryDeps)({ scheduledTime: NIGHT }, plenty);

    await expect(retry).rejects.toThrow(
      /^1 mail of day 2026-11-22 left unsent: analyst@acme\.example \(day-2026-11-22-scorecard-[0-9a-f]{12}: another run holds its claim/,
    );
    expect(metrics).toHaveBeenCalledWith(METRICS.unsentMails, 'Count', 1);
    expect(metrics).not.toHaveBeenCalledWith(METRICS.nightlySucceeded, expect.anything(), expect.anything());
    // The manager's mail is not sent again.
    expect(await aws.mails()).toHaveLength(1);

    // The redrive after the claim timeout (15 minutes): the analyst's mail goes, once; the night succeeds.
    const redriveDeps = aws.deps({ clock: clockAt('2026-11-23T01:50:00Z') });
    const redriveMetrics = vi.spyOn(redriveDeps.metrics, 'addMetric');
    const redrive = await nightlyHandler(redriveDeps)({ scheduledTime: NIGHT }, plenty);

    expect(redrive.unsent).toBe(0);
    expect((await aws.mails()).flatMap((m) => m.destination.to).sort()).toEqual([
      'analyst@acme.example',
      'manager@acme.example',
    ]);
    expect(redriveMetrics).toHaveBeenCalledWith(METRICS.unsentMails, 'Count', 0);
    expect(redriveMetrics).toHaveBeenCalledWith(METRICS.nightlySucceeded, 'Count', 1);
  }, 600_000);
});

describe('a backfill invocation', () => {
  let aws: LocalAws;
  const held = factsQueryOf('2026-11-22');
  const faults: AthenaFault[] = [{ match: held, hold: true, times: 1 }];
  beforeAll(async () => {
    aws = await startLocalAwsWith(exportsRoot, CONFIG, { faults });
  }, 120_000);
  afterAll(async () => aws?.stop());

  it('returns incomplete when its time runs out, and the next invocation files only what is left', async () => {
    const deps = aws.deps({ clock: clockAt(NIGHT), budget: { finishMs: 30_000 } });
    const handler = nightlyHandler(deps);
    const event = { backfill: { from: '2026-11-21', to: '2026-11-22' } };

    const first = await handler(event, runsOutWhile(aws, held, 30_000));

    expect(first).toMatchObject({ complete: false, from: '2026-11-21', to: '2026-11-22' });
    expect(aws.athena.executions.filter((e) => held.test(e.sql)).map((e) => e.state)).toEqual(['CANCELLED']);
    expect(aws.athena.executions.filter((e) => e.state === 'RUNNING' || e.state === 'QUEUED')).toEqual([]);
    expect(await exists(aws, factsKey('2026-11-21'))).toBe(true);
    expect(await exists(aws, factsKey('2026-11-22'))).toBe(false);

    const before = aws.athena.executions.length;
    const second = await handler(event, plenty);

    expect(second).toMatchObject({ complete: true, filed: 1, skipped: 1 });
    expect(aws.athena.executions.slice(before).filter((e) => factsQueryOf('2026-11-21').test(e.sql))).toEqual([]);
    expect(await exists(aws, factsKey('2026-11-22'))).toBe(true);
    // A backfill sends nothing and reports nothing.
    expect(await aws.mails()).toEqual([]);
    expect(await archiveKeys(aws, 'reports/')).toEqual([]);
  }, 600_000);

  it('refuses a range whose start is after its end, in one line naming the field', async () => {
    const handler = nightlyHandler(aws.deps({ clock: clockAt(NIGHT) }));
    await expect(handler({ backfill: { from: '2026-11-22', to: '2026-11-21' } })).rejects.toThrow(
      'event.backfill: from must not be after to',
    );
  });
});
