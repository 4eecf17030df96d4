import { describe, expect, it } from 'vitest';
import { ConfigError, configFromText } from '../../functions/adapters/config-file.js';
import { dayBeforeInstant } from '../../functions/engine/periods.js';
import { ENV, EnvironmentError, readEnvironment } from '../../functions/handlers/environment.js';
import { backfillEventSchema, digestEventSchema, nightlyEventSchema } from '../../functions/handlers/events.js';
import { EventError, parseEvent, UnsentMailError, unsentMailError } from '../../functions/handlers/run-job.js';

const ENVIRONMENT = {
  [ENV.exportsBucket]: 'acme-exports',
  [ENV.exportsPrefix]: 'vigie/',
  [ENV.archiveBucket]: 'acme-archive',
  [ENV.configUri]: 's3://acme-archive/config/vigie.yaml',
  [ENV.glueDatabase]: 'vigie',
  [ENV.athenaWorkgroup]: 'vigie',
};

describe('the handlers’ environment', () => {
  it('reads the variables the stack sets, with the config URI split into bucket and key', () => {
    const env = readEnvironment({ ...ENVIRONMENT, [ENV.sesConfigurationSet]: '' });
    expect(env).toMatchObject({
      exportsBucket: 'acme-exports',
      exportsPrefix: 'vigie/',
      config: { bucket: 'acme-archive', key: 'config/vigie.yaml' },
      ctr: undefined,
      sesConfigurationSet: undefined,
    });
  });

  it('names the first missing or malformed variable in one line', () => {
    const { [ENV.archiveBucket]: _, ...missing } = ENVIRONMENT;
    expect(() => readEnvironment(missing)).toThrow(new EnvironmentError('VIGIE_ARCHIVE_BUCKET: is not set'));
    expect(() => readEnvironment({ ...ENVIRONMENT, [ENV.exportsPrefix]: 'vigie' })).toThrow(
      /^VIGIE_EXPORTS_PREFIX: must be empty or end with "\/"$/,
    );
    expect(() => readEnvironment({ ...ENVIRONMENT, [ENV.configUri]: 'config.yaml' })).toThrow(/^VIGIE_CONFIG_URI: /);
  });
});

describe('schedule events', () => {
  it('refuses an event without its scheduled time, naming the field', () => {
    expect(() => parseEvent(nightlyEventSchema, {})).toThrow(EventError);
    expect(() => parseEvent(nightlyEventSchema, {})).toThrow(/^event\.scheduledTime: /);
    expect(() => parseEvent(digestEventSchema, { scheduledTime: '2026-11-23T06:00:00Z', digest: 'year' })).toThrow(
      /^event\.digest: /,
    );
  });

  it('accepts what EventBridge Scheduler substitutes for the scheduled time', () => {
    expect(parseEvent(nightlyEventSchema, { scheduledTime: '2026-11-23T01:30:00Z' })).toEqual({
      scheduledTime: '2026-11-23T01:30:00Z',
    });
  });
});

describe('the day a scheduled run reports', () => {
  it('is the local day before the scheduled instant, in the centre’s zone', () => {
    // 02:30 in Paris on 23 Nov is 01:30 UTC: yesterday is the 22nd.
    expect(dayBeforeInstant('2026-11-23T01:30:00Z', 'Europe/Paris')).toBe('2026-11-22');
    // 23:30 UTC on the 22nd is already the 23rd in Paris (00:30): yesterday is still the 22nd.
    expect(dayBeforeInstant('2026-11-22T23:30:00Z', 'Europe/Paris')).toBe('2026-11-22');
    // The same instant is the 22nd in New York (18:30): yesterday there is the 21st.
    expect(dayBeforeInstant('2026-11-22T23:30:00Z', 'America/New_York')).toBe('2026-11-21');
    // The night after the spring change (29 March 2026, 23 h long) reports that short day.
    expect(dayBeforeInstant('2026-03-30T00:30:00Z', 'Europe/Paris')).toBe('2026-03-29');
  });
});

describe('config overrides from the deployment', () => {
  it('win over the file and are validated like its keys', () => {
    const config = configFromText('timezone: Europe/Paris\nmail:\n  from: a@example.com\n', 's3://b/k', {
      timezone: 'America/Montreal',
      mail_from: 'vigie@acme.example',
    });
    expect(config.timezone).toBe('America/Montreal');
    expect(config.mail.from).toBe('vigie@acme.example');
    expect(() => configFromText('{}', 's3://b/k', { timezone: 'Mars/Olympus' })).toThrow(ConfigError);
    expect(() => configFromText('{}', 's3://b/k', { timezone: 'Mars/Olympus' })).toThrow(/^s3:\/\/b\/k: timezone/);
  });
});

describe('an operator’s backfill event', () => {
  it('takes a range of local days and refuses one that runs backwards or is not dates', () => {
    expect(parseEvent(backfillEventSchema, { backfill: { from: '2026-01-01', to: '2026-11-30' } })).toEqual({
      backfill: { from: '2026-01-01', to: '2026-11-30' },
    });
    expect(() => parseEvent(backfillEventSchema, { backfill: { from: '2026-11-30', to: '2026-01-01' } })).toThrow(
      new EventError('event.backfill: from must not be after to'),
    );
    expect(() => parseEvent(backfillEventSchema, { backfill: { from: '2026-13-01', to: '2026-11-30' } })).toThrow(
      /^event\.backfill\.from: /,
    );
    expect(() => parseEvent(backfillEventSchema, { backfill: { from: '2026-01-01' } })).toThrow(
      /^event\.backfill\.to: /,
    );
  });
});

describe('mails left unsent', () => {
  const week = { kind: 'week', start: '2026-11-16', end: '2026-11-22', timezone: 'Europe/Paris' } as const;

  it('are nothing to report when every mail went out', () => {
    expect(unsentMailError(week, [])).toBeNull();
  });

  it('fail the run naming the period, each recipient and its send key', () => {
    const period = 'week 2026-11-16';
    const error = unsentMailError(week, [
      { key: 'week-2026-11-16-scorecard-1a2b3c4d5e6f', to: 'lead@acme.fr', period, reason: 'claim held' },
      { key: 'week-2026-11-16-alert-fcr-drop-all-1a2b3c4d5e6f', to: 'lead@acme.fr', period, reason: 'refused' },
    ]);

    expect(error).toBeInstanceOf(UnsentMailError);
    expect(error?.message).toBe(
      '2 mails of week 2026-11-16 → 2026-11-22 left unsent: lead@acme.fr (week-2026-11-16-scorecard-1a2b3c4d5e6f: claim held), lead@acme.fr (week-2026-11-16-alert-fcr-drop-all-1a2b3c4d5e6f: refused). A retry of this invocation takes over a claim its crashed predecessor left, and sends them: redrive the failed event (docs/aws.md).',
    );
  });
});
