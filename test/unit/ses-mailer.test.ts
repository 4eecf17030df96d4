import {
  AccountSuspendedException,
  MessageRejected,
  SESv2Client,
  SESv2ServiceException,
  SendEmailCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { MailDeliveryError, SesMailer, sesClientConfig } from '../../functions/adapters/ses.js';
import type { OutgoingMail } from '../../functions/pipeline/ports.js';

const mail: OutgoingMail = {
  key: 'day-2026-11-22-scorecard-1a2b',
  from: 'vigie@example.com',
  to: ['lead@example.com'],
  subject: 'Scorecard',
  raw: new TextEncoder().encode('Subject: Scorecard\r\n\r\nhello\r\n'),
};

function setup(configurationSet?: string) {
  const client = new SESv2Client({ region: 'eu-west-3' });
  const mock = mockClient(client);
  const mailer = new SesMailer({ client, ...(configurationSet === undefined ? {} : { configurationSet }) });
  return { mock, mailer };
}

describe('SesMailer', () => {
  it('sends the raw message with the envelope and the configuration set; the location is ses:<MessageId>', async () => {
    const { mock, mailer } = setup('vigie-events');
    mock.on(SendEmailCommand).resolves({ MessageId: '0102019abc-xyz' });

    const sent = await mailer.send(mail);

    expect(sent.location).toBe('ses:0102019abc-xyz');
    expect(mock.commandCalls(SendEmailCommand)[0]?.args[0].input).toEqual({
      FromEmailAddress: 'vigie@example.com',
      Destination: { ToAddresses: ['lead@example.com'] },
      Content: { Raw: { Data: mail.raw } },
      ConfigurationSetName: 'vigie-events',
    });
  });

  it.each([
    [
      'MessageRejected',
      new MessageRejected({ message: 'Email address is not verified.', $metadata: { httpStatusCode: 400 } }),
    ],
    ['AccountSuspended', new AccountSuspendedException({ message: 'Account suspended.', $metadata: {} })],
  ])('turns %s into a non-transient MailDeliveryError with SES message', async (_, cause) => {
    const { mock, mailer } = setup();
    mock.on(SendEmailCommand).rejects(cause);

    const error = await mailer.send(mail).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MailDeliveryError);
    expect(error).toMatchObject({ transient: false, outcomeUnknown: false, code: cause.name, cause });
    expect((error as Error).message).toContain(cause.message);
    expect((error as Error).message).toContain(mail.key);
  });

  it('turns throttling (after the SDK retries) into a transient MailDeliveryError', async () => {
    const { mock, mailer } = setup();
    mock
      .on(SendEmailCommand)
      .rejects(
        new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata: { httpStatusCode: 429 } }),
      );

    const error = await mailer.send(mail).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'MailDeliveryError', transient: true, outcomeUnknown: false });
  });

  it('marks an unanswered request (no HTTP status) as transient with an unknown outcome', async () => {
    const { mock, mailer } = setup();
    mock.on(SendEmailCommand).rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));

    const error = await mailer.send(mail).catch((e: unknown) => e);

    expect(error).toMatchObject({ transient: true, outcomeUnknown: true, code: 'TimeoutError' });
  });

  it('treats a server error as transient but answered', async () => {
    const { mock, mailer } = setup();
    mock.on(SendEmailCommand).rejects(
      new SESv2ServiceException({
        name: 'InternalFailure',
        $fault: 'server',
        $metadata: { httpStatusCode: 500 },
        message: 'oops',
      }),
    );

    const error = await mailer.send(mail).catch((e: unknown) => e);

    expect(error).toMatchObject({ transient: true, outcomeUnknown: false });
  });

  it('configures adaptive retries', () => {
    expect(sesClientConfig({ region: 'eu-west-3' })).toEqual({
      region: 'eu-west-3',
      retryMode: 'adaptive',
      maxAttempts: 5,
    });
  });
});
