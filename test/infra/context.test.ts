import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configText } from '../../infra/constructs/config-upload.js';
import { ContextError, parseContext } from '../../infra/context.js';
import { skippedLocalTimes } from '../../infra/dst.js';

function failure(raw: Record<string, unknown>): string {
  try {
    parseContext(raw);
  } catch (error) {
    if (error instanceof ContextError) return error.message;
    throw error;
  }
  throw new Error('expected a ContextError');
}

describe('parseContext', () => {
  it('applies the documented defaults and ignores CDK own keys', () => {
    // Act
    const context = parseContext({
      '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
      'aws:cdk:bundling-stacks': [],
      'acknowledged-issue-numbers': [1],
    });

    // Assess
    expect(context).toEqual({
      timezone: 'Europe/Paris',
      exportsBucket: undefined,
      exportsPrefix: '',
      ctr: undefined,
      sender: 'vigie@example.com',
      fromAddress: 'vigie@example.com',
      sesConfigurationSet: undefined,
      configFile: 'config/vigie.example.yaml',
      nightlyAt: { hour: 3, minute: 30 },
      digestAt: { hour: 7, minute: 0 },
      bytesScannedCutoffMb: 10_240,
      lookbackDays: undefined,
      alarmEmail: undefined,
    });
  });

  it('reads strings from -c and numbers from cdk.json alike', () => {
    expect(parseContext({ bytesScannedCutoffMb: '512', lookbackDays: 5 })).toMatchObject({
      bytesScannedCutoffMb: 512,
      lookbackDays: 5,
    });
  });

  it('sends as vigie@<domain> for a domain identity', () => {
    expect(parseContext({ sender: 'acme.example' }).fromAddress).toBe('vigie@acme.example');
  });

  it('takes the bucket root or a prefix without a slash for CTRs, as Firehose pastes its prefix', () => {
    expect(parseContext({ ctrBucket: 'acme-connect' }).ctr).toEqual({ bucket: 'acme-connect', prefix: '' });
    expect(parseContext({ ctrBucket: 'acme-connect', ctrPrefix: 'ctr' }).ctr).toEqual({
      bucket: 'acme-connect',
      prefix: 'ctr',
    });
  });

  it.each([
    [{ timezone: 'Europe/Pariss' }, 'context timezone: "Europe/Pariss" must be an IANA time zone such as Europe/Paris'],
    [{ nightlyAt: '2:30' }, 'context nightlyAt: "2:30" must be HH:MM (24-hour clock)'],
    [{ digestAt: '24:00' }, 'context digestAt: "24:00" must be HH:MM (24-hour clock)'],
    [{ exportsPrefix: 'exports' }, 'context exportsPrefix: "exports" must be empty or a key prefix ending with "/"'],
    [{ exportsBucket: 'My_Bucket' }, 'context exportsBucket: "My_Bucket" must be an S3 bucket name'],
    [{ bytesScannedCutoffMb: '5' }, 'context bytesScannedCutoffMb: "5" must be between 10 and 10000000'],
    [{ lookbackDays: '2.5' }, 'context lookbackDays: "2.5" must be a whole number'],
    [{ sender: 'not an address' }, 'context sender: "not an address" must be an email address or a domain'],
    [{ alarmEmail: 'ops' }, 'context alarmEmail: "ops" must be an email address'],
    [{ ctrPrefix: 'ctr/' }, 'context ctrPrefix: "ctr/" needs ctrBucket'],
    [
      { ctrBucket: 'acme-connect', ctrPrefix: '/ctr' },
      'context ctrPrefix: "/ctr" must be a key prefix (no leading "/")',
    ],
    [{ timeZone: 'Europe/Paris' }, 'context timeZone: unknown key (expected one of timezone, '],
  ])('refuses %j with one line naming the key', (raw, message) => {
    const line = failure(raw);

    expect(line).toContain(message);
    expect(line).not.toContain('\n');
  });
});

describe('configText', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-config-'));

  it('accepts the example config and can override lookback_days', () => {
    const text = configText('config/vigie.example.yaml', 7);

    expect(text).toMatch(/^lookback_days: 7/m);
  });

  it('refuses a config the handlers would refuse, naming the file and the key', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'targets:\n  fcr: { target: 120 }\n');

    expect(() => configText(file)).toThrow(/^context configFile: .*bad\.yaml: targets\.fcr\.target/);
  });

  it('refuses a missing file', () => {
    expect(() => configText(join(dir, 'absent.yaml'))).toThrow('context configFile: cannot read');
  });
});

describe('skippedLocalTimes', () => {
  it('finds the spring-forward night of a local time in the gap', () => {
    expect(skippedLocalTimes('Europe/Paris', { hour: 2, minute: 30 }, 2026)).toEqual(['2026-03-29']);
    expect(skippedLocalTimes('America/New_York', { hour: 2, minute: 0 }, 2026)).toEqual(['2026-03-08']);
  });

  it('finds nothing outside the gap or in a zone without DST', () => {
    expect(skippedLocalTimes('Europe/Paris', { hour: 3, minute: 30 }, 2026)).toEqual([]);
    expect(skippedLocalTimes('Europe/Paris', { hour: 1, minute: 59 }, 2026)).toEqual([]);
    expect(skippedLocalTimes('Asia/Tokyo', { hour: 2, minute: 30 }, 2026)).toEqual([]);
  });
});
