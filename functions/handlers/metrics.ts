/**
 * The custom metrics the handlers publish (namespace `Vigie`, dimension `service=vigie`, by Powertools)
 * and the stack alarms on: one list, shared with `infra/`, so an alarm cannot watch a metric nobody sends.
 */
export const METRIC_NAMESPACE = 'Vigie';

/** The dimensions Powertools adds to every metric (its service name). */
export const METRIC_DIMENSIONS = { service: 'vigie' } as const;

export const METRICS = {
  /** Mails a run left unsent (another sender's claim on them): any is an alarm. */
  unsentMails: 'UnsentMails',
  /** 1 per nightly run that ended with every mail sent: none in 26 hours is a missed night. */
  nightlySucceeded: 'NightlySucceeded',
  /** 1 per digest that ended with every mail sent. */
  digestSucceeded: 'DigestSucceeded',
  /** 1 when the reported day had no exports at all, else 0. */
  daysWithoutExports: 'DaysWithoutExports',
  rejectedRecords: 'RejectedRecords',
  mailsSent: 'MailsSent',
  athenaBytesScanned: 'AthenaBytesScanned',
} as const;
