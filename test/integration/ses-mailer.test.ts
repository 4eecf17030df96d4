import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import startSesLocal from 'aws-ses-v2-local';
import { type ParsedMail, simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MailDeliveryError, SesMailer, sesClientConfig } from '../../functions/adapters/ses.js';
import { composeMail } from '../../functions/render/mail.js';

/** One message as aws-ses-v2-local keeps it (GET /store): the raw MIME it received, parsed by mailparser. */
interface StoredEmail {
  readonly messageId: string;
  readonly from: string;
  readonly destination: { readonly to: readonly string[] };
  readonly subject: string;
  readonly body: { readonly html?: string; readonly text?: string };
  readonly attachments: readonly {
    readonly content: string;
    readonly contentType: string;
    readonly filename?: string;
  }[];
}

const comparable = (mail: ParsedMail) => ({
  subject: mail.subject,
  html: mail.html === false ? undefined : mail.html,
  text: mail.text,
  attachments: mail.attachments.map((a) => ({
    filename: a.filename,
    contentType: a.contentType,
    content: a.content.toString('base64'),
  })),
});

const stored = (email: StoredEmail) => ({
  subject: email.subject,
  html: email.body.html,
  text: email.body.text,
  attachments: email.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
});

describe('SesMailer against aws-ses-v2-local', () => {
  let server: Server;
  let base: string;
  let client: SESv2Client;

  beforeAll(async () => {
    server = await startSesLocal({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new SESv2Client({
      ...sesClientConfig({ region: 'eu-west-3', endpoint: base }),
      credentials: { accessKeyId: 'LOCAL', secretAccessKey: 'LOCAL' },
    });
  });

  afterAll(async () => {
    client?.destroy();
    await new Promise((resolve) => server?.close(resolve));
  });

  beforeEach(async () => {
    await fetch(`${base}/clear-store`, { method: 'POST' });
  });

  async function storedEmails(): Promise<StoredEmail[]> {
    const response = await fetch(`${base}/store`);
    return ((await response.json()) as { emails: StoredEmail[] }).emails;
  }

  it('sends the composed scorecard mail, with its inline image, as raw MIME, intact', async () => {
    // Every byte value, so that an encoding that is not binary-safe shows.
    const png = Uint8Array.from({ length: 2048 }, (_, i) => (i * 31) % 256);
    const raw = await composeMail({
      from: '"Vigie" <vigie@example.com>',
      to: ['"Léa Martin" <lea@example.com>'],
      subject: 'Tableau de bord — 22/11/2026 · Niveau de service 82,4 %',
      html: '<html><body><h1>Centre de relation client</h1><p>Décroché : <b>95 %</b> ✔</p><img src="cid:spark-1a2b@vigie"></body></html>',
      text: 'Centre de relation client\nDécroché : 95 % ✔\n',
      messageId: '<day-2026-11-22.scorecard.1a2b3c@vigie>',
      date: new Date('2026-11-23T05:00:00Z'),
      inlineImages: [{ cid: 'spark-1a2b@vigie', filename: 'spark.png', content: png, contentType: 'image/png' }],
    });
    const mailer = new SesMailer({ client, configurationSet: 'vigie' });

    const { location } = await mailer.send({
      key: 'day-2026-11-22-scorecard-1a2b3c',
      from: 'vigie@example.com',
      to: ['lea@example.com'],
      subject: 'ignored: the raw message carries its own',
      raw,
    });

    const emails = await storedEmails();
    expect(emails).toHaveLength(1);
    const [email] = emails;
    if (email === undefined) throw new Error('no email stored');
    expect(location).toBe(`ses:${email.messageId}`);
    expect(email.destination.to).toEqual(['"Léa Martin" <lea@example.com>']);
    expect(stored(email)).toEqual(comparable(await simpleParser(Buffer.from(raw))));
    expect(email.subject).toBe('Tableau de bord — 22/11/2026 · Niveau de service 82,4 %');
    expect(email.attachments.map((a) => a.filename)).toEqual(['spark.png']);
    expect(Buffer.from(email.attachments[0]?.content ?? '', 'base64').equals(Buffer.from(png))).toBe(true);
  });

  it('sends with the configuration set, and SES gets the List-Unsubscribe headers as composed', async () => {
    // What the deployed functions do: VIGIE_SES_CONFIGURATION_SET names the stack's configuration set,
    // which only routes bounce and complaint events; it must not cost the scorecard its unsubscribe links.
    const raw = await composeMail({
      from: 'vigie@acme.fr',
      to: ['lead@acme.fr'],
      subject: 'Tableau de bord — 22/11/2026',
      html: '<p>Décroché : 95 %</p>',
      text: 'Décroché : 95 %\n',
      messageId: '<day-2026-11-22-scorecard-1a2b3c@vigie>',
      date: new Date('2026-11-23T05:00:00Z'),
      listUnsubscribe: [
        'mailto:vigie@acme.fr?subject=unsubscribe%20scorecard%201a2b3c',
        'https://reports.acme.fr/vigie/unsubscribe?list=scorecard&recipient=1a2b3c',
      ],
    });
    const requests: { ConfigurationSetName?: string; Content?: { Raw?: { Data?: Uint8Array } } }[] = [];
    const observed = new SESv2Client({
      ...sesClientConfig({ region: 'eu-west-3', endpoint: base }),
      credentials: { accessKeyId: 'LOCAL', secretAccessKey: 'LOCAL' },
    });
    observed.middlewareStack.add(
      (next) => async (args) => {
        requests.push(args.input as (typeof requests)[number]);
        return next(args);
      },
      { step: 'initialize', name: 'observe' },
    );

    await new SesMailer({ client: observed, configurationSet: 'Vigie-ConfigurationSet-1A2B' }).send({
      key: 'day-2026-11-22-scorecard-1a2b3c',
      from: 'vigie@acme.fr',
      to: ['lead@acme.fr'],
      subject: 'Tableau de bord — 22/11/2026',
      raw,
    });

    expect(requests.map((r) => r.ConfigurationSetName)).toEqual(['Vigie-ConfigurationSet-1A2B']);
    const sent = await simpleParser(Buffer.from(requests[0]?.Content?.Raw?.Data ?? new Uint8Array()));
    // RFC 2369: each URL in angle brackets; RFC 8058: the one-click header beside the https one.
    const lines = sent.headerLines.filter((h) => h.key.startsWith('list-')).map((h) => h.line.replace(/\r\n\s*/g, ' '));
    expect(lines).toEqual([
      'List-Unsubscribe: <mailto:vigie@acme.fr?subject=unsubscribe%20scorecard%201a2b3c>, <https://reports.acme.fr/vigie/unsubscribe?list=scorecard&recipient=1a2b3c>',
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    ]);
    expect(await storedEmails()).toHaveLength(1);
    observed.destroy();
  });

  it('keeps a binary attachment intact', async () => {
    // composeMail attaches inline images only; a regular attachment is built with the composer it uses.
    const pdf = Buffer.from(Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
    const built = await new MailComposer({
      from: 'vigie@example.com',
      to: 'lead@example.com',
      subject: 'Scorecard — week 2026-W47',
      text: 'See the attachment.\n',
      html: '<p>See the attachment.</p>',
      messageId: '<week-2026-W47.scorecard.9f@vigie>',
      attachments: [{ filename: 'scorecard-2026-W47.pdf', content: pdf, contentType: 'application/pdf' }],
    })
      .compile()
      .build();
    const raw = new Uint8Array(built.buffer, built.byteOffset, built.byteLength);

    await new SesMailer({ client }).send({
      key: 'week-2026-W47-scorecard-9f',
      from: 'vigie@example.com',
      to: ['lead@example.com'],
      subject: 'Scorecard — week 2026-W47',
      raw,
    });

    const [email] = await storedEmails();
    if (email === undefined) throw new Error('no email stored');
    const expected = comparable(await simpleParser(built));
    expect(stored(email)).toEqual(expected);
    expect(expected.attachments).toHaveLength(1);
    expect(Buffer.from(email.attachments[0]?.content ?? '', 'base64').equals(pdf)).toBe(true);
  });
});

describe('SesMailer against a throttling endpoint', () => {
  it('lets the SDK retry throttling, then fails with a transient MailDeliveryError', async () => {
    let requests = 0;
    const throttling = createServer((request, response) => {
      requests += 1;
      request.resume();
      request.on('end', () => {
        response.writeHead(429, { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' });
        response.end(JSON.stringify({ message: 'Maximum sending rate exceeded.' }));
      });
    });
    await new Promise<void>((resolve) => throttling.listen(0, '127.0.0.1', resolve));
    const client = new SESv2Client({
      ...sesClientConfig({
        region: 'eu-west-3',
        endpoint: `http://127.0.0.1:${(throttling.address() as AddressInfo).port}`,
      }),
      credentials: { accessKeyId: 'LOCAL', secretAccessKey: 'LOCAL' },
      // Five adaptive attempts against a steady 429 take about 14 s here; two show the retry as well.
      maxAttempts: 2,
    });
    const raw = new TextEncoder().encode('From: vigie@example.com\r\nSubject: x\r\n\r\nx\r\n');

    try {
      const error = await new SesMailer({ client })
        .send({ key: 'k', from: 'vigie@example.com', to: ['lead@example.com'], subject: 'x', raw })
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(MailDeliveryError);
      expect(error).toMatchObject({ transient: true, outcomeUnknown: false, code: 'TooManyRequestsException' });
      expect((error as Error).message).toContain('Maximum sending rate exceeded.');
      expect(requests).toBe(2);
    } finally {
      client.destroy();
      await new Promise((resolve) => throttling.close(resolve));
    }
  });
});
