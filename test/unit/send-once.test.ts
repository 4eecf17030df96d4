import { setImmediate as tick } from 'node:timers/promises';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../functions/adapters/s3.js';
import type { Mailer, ObjectStore, OutgoingMail } from '../../functions/pipeline/ports.js';
import { SendRecordError, sendOnce } from '../../functions/pipeline/send-once.js';

const TIMEOUT = 15 * 60 * 1000;

const mail: OutgoingMail = {
  key: 'day-2026-11-22-scorecard-1a2b3c',
  from: 'vigie@example.com',
  to: ['lead@example.com'],
  subject: 'Scorecard',
  raw: new TextEncoder().encode('Subject: Scorecard\r\n\r\nhello\r\n'),
};

/** An S3 bucket in memory behind a mocked client: a PutObject with If-None-Match '*' on an existing key gets 412. */
function fakeS3() {
  const objects = new Map<string, Uint8Array>();
  const client = new S3Client({ region: 'eu-west-3' });
  const mock = mockClient(client);
  mock.on(PutObjectCommand).callsFake(async (input: { Key: string; Body: unknown; IfNoneMatch?: string }) => {
    // A turn of the event loop, so that concurrent writers really interleave.
    await tick();
    if (input.IfNoneMatch === '*' && objects.has(input.Key)) {
      throw new S3ServiceException({
        name: 'PreconditionFailed',
        $fault: 'client',
        $metadata: { httpStatusCode: 412 },
        message: 'At least one of the pre-conditions you specified did not hold',
      });
    }
    const body = input.Body;
    objects.set(input.Key, typeof body === 'string' ? new TextEncoder().encode(body) : (body as Uint8Array));
    return {};
  });
  mock.on(GetObjectCommand).callsFake(async (input: { Key: string }) => {
    await tick();
    const bytes = objects.get(input.Key);
    if (bytes === undefined) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    const body = { transformToByteArray: async () => bytes };
    return { Body: body as unknown as GetObjectCommandOutput['Body'] };
  });
  const store = new S3ObjectStore({ client, bucket: 'archive', prefix: 'vigie/' });
  const read = (key: string): Record<string, unknown> | undefined => {
    const bytes = objects.get(`vigie/${key}`);
    return bytes === undefined ? undefined : (JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>);
  };
  return { store, objects, read };
}

/** Records every message it is given; fails while `failure` is set. */
class RecordingMailer implements Mailer {
  readonly sent: OutgoingMail[] = [];
  failure: unknown = undefined;

  async send(message: OutgoingMail): Promise<{ readonly location: string }> {
    await tick();
    if (this.failure !== undefined) throw this.failure;
    this.sent.push(message);
    return { location: `test:${this.sent.length}` };
  }
}

function fakeClock(start = '2026-11-23T05:00:00.000Z') {
  let now = new Date(start);
  return {
    clock: { now: () => now },
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

const options = (archive: ObjectStore, mailer: Mailer, clock: { now(): Date }, owner = 'run-1') => ({
  archive,
  mailer,
  clock,
  owner,
  claimTimeoutMs: TIMEOUT,
});

describe('sendOnce over S3 conditional writes (mocked client)', () => {
  it('sends exactly once when five senders race', async () => {
    const { store, read } = fakeS3();
    const mailer = new RecordingMailer();
    const { clock } = fakeClock();

    const outcomes = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => sendOnce(mail, options(store, mailer, clock, `run-${i}`))),
    );

    expect(mailer.sent).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'sent')).toEqual([{ status: 'sent', location: 'test:1' }]);
    const others = outcomes.filter((o) => o.status !== 'sent').map((o) => o.status);
    expect(others).toHaveLength(4);
    expect(others.every((status) => status === 'in-flight' || status === 'already-sent')).toBe(true);
    expect(read(`sends/${mail.key}/sent.json`)).toMatchObject({ location: 'test:1', claim: 1 });
  });

  it('answers already-sent with the recorded location once sent', async () => {
    const { store } = fakeS3();
    const mailer = new RecordingMailer();
    const { clock, advance } = fakeClock();
    await sendOnce(mail, options(store, mailer, clock));
    advance(24 * 3600 * 1000);

    const again = await sendOnce(mail, options(store, mailer, clock, 'run-2'));

    expect(again).toEqual({ status: 'already-sent', location: 'test:1' });
    expect(mailer.sent).toHaveLength(1);
  });

  it('leaves a fresh claim alone: in-flight, nothing sent', async () => {
    const { store, objects } = fakeS3();
    const mailer = new RecordingMailer();
    const { clock, advance } = fakeClock();
    await store.putIfAbsent(
      `sends/${mail.key}/claim-1.json`,
      JSON.stringify({ claim: 1, owner: 'crashed-run', at: clock.now().toISOString() }),
    );
    advance(TIMEOUT - 1);

    const outcome = await sendOnce(mail, options(store, mailer, clock));

    expect(outcome).toEqual({ status: 'in-flight' });
    expect(mailer.sent).toHaveLength(0);
    expect(objects.has(`vigie/sends/${mail.key}/claim-2.json`)).toBe(false);
  });

  it('takes over a claim older than the timeout (a crash before sent.json) and sends once among racing takers', async () => {
    const { store, read } = fakeS3();
    const mailer = new RecordingMailer();
    const { clock, advance } = fakeClock();
    await store.putIfAbsent(
      `sends/${mail.key}/claim-1.json`,
      JSON.stringify({ claim: 1, owner: 'crashed-run', at: clock.now().toISOString() }),
    );
    advance(TIMEOUT);

    const outcomes = await Promise.all(
      [1, 2, 3, 4].map((i) => sendOnce(mail, options(store, mailer, clock, `retry-${i}`))),
    );

    expect(mailer.sent).toHaveLength(1);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['in-flight', 'in-flight', 'in-flight', 'sent']);
    expect(read(`sends/${mail.key}/claim-2.json`)).toMatchObject({ claim: 2, at: clock.now().toISOString() });
    expect(read(`sends/${mail.key}/sent.json`)).toMatchObject({ claim: 2 });
    expect(await sendOnce(mail, options(store, mailer, clock, 'later'))).toEqual({
      status: 'already-sent',
      location: 'test:1',
    });
  });

  it('records a refused send and lets the next attempt send at once', async () => {
    const { store, read } = fakeS3();
    const mailer = new RecordingMailer();
    const { clock } = fakeClock();
    const refusal = Object.assign(new Error('Email address is not verified.'), { name: 'MailDeliveryError' });
    mailer.failure = refusal;

    const failed = await sendOnce(mail, options(store, mailer, clock)).catch((e: unknown) => e);

    expect(failed).toBe(refusal);
    expect(read(`sends/${mail.key}/failed-1.json`)).toMatchObject({
      claim: 1,
      owner: 'run-1',
      reason: 'MailDeliveryError: Email address is not verified.',
    });
    expect(read(`sends/${mail.key}/sent.json`)).toBeUndefined();

    mailer.failure = undefined;
    const retried = await sendOnce(mail, options(store, mailer, clock, 'run-2'));

    expect(retried).toEqual({ status: 'sent', location: 'test:1' });
    expect(mailer.sent).toHaveLength(1);
    expect(read(`sends/${mail.key}/sent.json`)).toMatchObject({ claim: 2, owner: 'run-2' });
  });

  it('records nothing when the provider may have accepted the message: the claim expires like a crash', async () => {
    const { store, objects } = fakeS3();
    const mailer = new RecordingMailer();
    const { clock, advance } = fakeClock();
    mailer.failure = Object.assign(new Error('socket hang up'), { outcomeUnknown: true });

    await expect(sendOnce(mail, options(store, mailer, clock))).rejects.toThrow('socket hang up');
    mailer.failure = undefined;

    expect(objects.has(`vigie/sends/${mail.key}/failed-1.json`)).toBe(false);
    expect(await sendOnce(mail, options(store, mailer, clock, 'run-2'))).toEqual({ status: 'in-flight' });
    advance(TIMEOUT);
    expect(await sendOnce(mail, options(store, mailer, clock, 'run-3'))).toMatchObject({ status: 'sent' });
    expect(mailer.sent).toHaveLength(1);
  });

  it('says so when the mail went out but sent.json could not be written', async () => {
    const { store } = fakeS3();
    const mailer = new RecordingMailer();
    const { clock } = fakeClock();
    const failingRecord: ObjectStore = {
      put: (k, b, t) => store.put(k, b, t),
      get: (k) => store.get(k),
      list: (p) => store.list(p),
      locate: (k) => store.locate(k),
      putIfAbsent: async (k, b, t) => {
        if (k.endsWith('/sent.json')) throw new Error('access denied');
        return store.putIfAbsent(k, b, t);
      },
    };

    const error = await sendOnce(mail, options(failingRecord, mailer, clock)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SendRecordError);
    expect((error as Error).message).toContain('test:1');
    expect(mailer.sent).toHaveLength(1);
  });

  it('takes over at once a claim whose owner has ended (a Lambda retry, a crashed local run), not a live one', async () => {
    const { store, read } = fakeS3();
    const mailer = new RecordingMailer();
    const { clock, advance } = fakeClock();
    await store.putIfAbsent(
      `sends/${mail.key}/claim-1.json`,
      JSON.stringify({ claim: 1, owner: 'lambda vigie-nightly req-1', at: clock.now().toISOString() }),
    );
    advance(60_000); // Lambda's first retry comes a minute later, well within the claim timeout.
    const ended = (owner: string) => owner === 'lambda vigie-nightly req-1';

    const live = await sendOnce(mail, { ...options(store, mailer, clock, 'other'), hasEnded: () => false });
    const retry = await sendOnce(mail, {
      ...options(store, mailer, clock, 'lambda vigie-nightly req-2'),
      hasEnded: ended,
    });

    expect(live).toEqual({ status: 'in-flight' });
    expect(retry).toEqual({ status: 'sent', location: 'test:1' });
    expect(mailer.sent).toHaveLength(1);
    expect(read(`sends/${mail.key}/claim-2.json`)).toMatchObject({ owner: 'lambda vigie-nightly req-2' });
  });

  it('never takes its own claim for an ended one', async () => {
    const { store } = fakeS3();
    const mailer = new RecordingMailer();
    const { clock } = fakeClock();
    await store.putIfAbsent(
      `sends/${mail.key}/claim-1.json`,
      JSON.stringify({ claim: 1, owner: 'me', at: clock.now().toISOString() }),
    );

    const outcome = await sendOnce(mail, { ...options(store, mailer, clock, 'me'), hasEnded: () => true });

    expect(outcome).toEqual({ status: 'in-flight' });
    expect(mailer.sent).toHaveLength(0);
  });

  it('takes over a damaged claim: stores write claims whole, so nobody is writing it', async () => {
    const { store } = fakeS3();
    const mailer = new RecordingMailer();
    const { clock } = fakeClock();
    await store.putIfAbsent(`sends/${mail.key}/claim-1.json`, '{"claim": 1, "own');

    expect(await sendOnce(mail, options(store, mailer, clock))).toEqual({ status: 'sent', location: 'test:1' });
  });

  it('refuses a key that would not be one folder name', async () => {
    const { store } = fakeS3();
    const { clock } = fakeClock();

    await expect(
      sendOnce({ ...mail, key: '../escape' }, options(store, new RecordingMailer(), clock)),
    ).rejects.toBeInstanceOf(RangeError);
  });
});
