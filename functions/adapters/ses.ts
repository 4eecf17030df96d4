/** Mailer over Amazon SES (API v2): each message is sent as raw MIME, exactly as composed and archived. */
import { type SESv2Client, type SESv2ClientConfig, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingMail } from '../pipeline/ports.js';

export interface SesMailerOptions {
  readonly client: SESv2Client;
  /** Name of the SES configuration set that routes events (bounces, complaints, deliveries). */
  readonly configurationSet?: string;
}

/** SES error names that mean "too fast": the SDK has retried them already; a later run may succeed. */
const THROTTLING = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'LimitExceededException',
  'LimitExceeded',
]);

/** SES error names that mean the message or the account is refused: retrying sends nothing until a person acts. */
const REFUSED = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'AccountSuspendedException',
  'SendingPausedException',
]);

/** SES did not take a message. */
export class MailDeliveryError extends Error {
  override readonly name = 'MailDeliveryError';
  /** Retrying later may succeed (throttling, a server error, the network). */
  readonly transient: boolean;
  /**
   * No answer came back (network, timeout): SES may have accepted the message. A caller that must not
   * send twice treats this like a crash rather than a refusal.
   */
  readonly outcomeUnknown: boolean;
  /** SES's error name (`MessageRejected`, `TooManyRequestsException`, …), or the SDK's. */
  readonly code: string;

  constructor(
    message: string,
    options: {
      readonly cause: unknown;
      readonly transient: boolean;
      readonly outcomeUnknown: boolean;
      readonly code: string;
    },
  ) {
    super(message, { cause: options.cause });
    this.transient = options.transient;
    this.outcomeUnknown = options.outcomeUnknown;
    this.code = options.code;
  }
}

/** Classifies an SDK error of SendEmail into a MailDeliveryError. */
function deliveryError(mail: OutgoingMail, error: unknown): MailDeliveryError {
  const code = error instanceof Error ? error.name : 'Unknown';
  const detail = error instanceof Error ? error.message : String(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  const refused = REFUSED.has(code);
  const throttled = THROTTLING.has(code);
  // An HTTP status means SES answered with an error, so it did not accept the message.
  const outcomeUnknown = !refused && !throttled && status === undefined;
  const transient = throttled || outcomeUnknown || (!refused && status !== undefined && status >= 500);
  return new MailDeliveryError(`SES did not send ${mail.key} (${code}): ${detail}`, {
    cause: error,
    transient,
    outcomeUnknown,
    code,
  });
}

/** Sends each message through SES's SendEmail with raw content; the location is `ses:<MessageId>`. */
export class SesMailer implements Mailer {
  private readonly client: SESv2Client;
  private readonly configurationSet: string | undefined;

  constructor(options: SesMailerOptions) {
    this.client = options.client;
    this.configurationSet = options.configurationSet;
  }

  async send(mail: OutgoingMail): Promise<{ readonly location: string }> {
    let messageId: string | undefined;
    try {
      const output = await this.client.send(
        new SendEmailCommand({
          FromEmailAddress: mail.from,
          // The envelope, not the headers, decides who receives a raw message.
          Destination: { ToAddresses: [...mail.to] },
          Content: { Raw: { Data: mail.raw } },
          ...(this.configurationSet === undefined ? {} : { ConfigurationSetName: this.configurationSet }),
        }),
      );
      messageId = output.MessageId;
    } catch (error) {
      throw deliveryError(mail, error);
    }
    // SES always returns an id for an accepted message; failing here would only invite a duplicate.
    return { location: `ses:${messageId ?? 'unknown'}` };
  }
}

/**
 * The client settings Vigie uses for SES, on AWS and against a local server.
 *
 * @example
 * const client = new SESv2Client(sesClientConfig({ region: 'eu-west-3' }));
 */
export function sesClientConfig(options: { readonly region?: string; readonly endpoint?: string }): SESv2ClientConfig {
  return {
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    // Adaptive retries pace the sends to the account's rate when SES throttles.
    retryMode: 'adaptive',
    maxAttempts: 5,
  };
}
