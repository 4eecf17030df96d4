import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromText } from '../../functions/adapters/config-file.js';
import { configText, isExampleAddress } from '../../infra/constructs/config-upload.js';
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
      configFile: undefined,
      allowExampleRecipients: false,
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
    [{ allowExampleRecipients: 'yes' }, 'context allowExampleRecipients: "yes" must be true or false'],
  ])('refuses %j with one line naming the key', (raw, message) => {
    const line = failure(raw);

    expect(line).toContain(message);
    expect(line).not.toContain('\n');
  });
});

describe('configText', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-config-'));

  it('accepts the example config without its recipients and can override lookback_days', () => {
    const text = configText('config/vigie.example.yaml', { lookbackDays: 7, withoutRecipients: true });

    expect(text).toMatch(/^lookback_days: 7/m);
    expect(configFromText(text, 'uploaded').mail.recipients).toEqual([]);
  });

  it('refuses recipients at a reserved example domain unless allowed, naming them', () => {
    const file = join(dir, 'examples.yaml');
    writeFileSync(
      file,
      'mail:\n  recipients:\n    - { email: lead@acme.fr }\n    - { email: manager@example.com }\n    - { email: sud@team.example }\n',
    );

    expect(() => configText(file)).toThrow(
      /^context configFile: .*examples\.yaml: mail\.recipients manager@example\.com, sud@team\.example at a reserved example domain .* -c allowExampleRecipients=true/,
    );
    expect(() => configText('config/vigie.example.yaml')).toThrow(/manager@example\.com, sud@example\.com/);
    expect(configText(file, { allowExampleRecipients: true })).toContain('manager@example.com');
  });

  it('refuses a file without recipients: the default recipient is an example address', () => {
    const file = join(dir, 'no-mail.yaml');
    writeFileSync(file, 'centre: Acme\n');

    expect(() => configText(file)).toThrow(/mail\.recipients manager@example\.com/);
  });

  it.each([
    ['manager@example.com', true],
    ['a@EXAMPLE.ORG', true],
    ['a@mail.example.net', true],
    ['a@acme.example', true],
    ['a@host.test', true],
    ['a@x.invalid', true],
    ['a@example.fr', false],
    ['a@myexample.com', false],
    ['a@acme.fr', false],
  ])('isExampleAddress(%s) is %s', (address, reserved) => {
    expect(isExampleAddress(address)).toBe(reserved);
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
