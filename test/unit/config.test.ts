import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../functions/engine/catalogue.js';
import { parseConfig } from '../../functions/engine/config.js';

const units = new Map(CATALOGUE.map((k) => [k.id, { unit: k.unit }]));
const errorsOf = (input: unknown): string[] => {
  const result = parseConfig(input, units);
  return result.ok ? [] : result.errors;
};

describe('config', () => {
  it('applies documented defaults to an empty document', () => {
    const result = parseConfig(undefined, units);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.timezone).toBe('Europe/Paris');
    expect(result.config.thresholds).toEqual({ service_level_s: 20, short_abandon_s: 5, social_reply_s: 3600 });
    expect(result.config.business_hours).toEqual({ days: [1, 2, 3, 4, 5], start: '08:00', end: '19:00' });
    // Seed defaults, converted from percent to the ratio the KPI values use.
    expect(result.config.targets.answer_rate).toEqual({ target: 0.9, warning: 0.02, scopes: {} });
    expect(result.config.targets.frt?.target).toBe(86_400);
  });

  it('reads Amazon Connect records as a plain instance has them unless told otherwise', () => {
    const result = parseConfig(undefined, units);
    expect(result.ok && result.config.connect).toEqual({
      team: { kind: 'hierarchy', level: 1 },
      queue: { kind: 'queue' },
      reason: { kind: 'attribute', name: 'reason' },
      customer: { kind: 'endpoint' },
      delivery_days: 2,
    });
    const custom = parseConfig(
      { connect: { ctr: 'ctr', team: 'attribute:Équipe', queue: 'attribute:file', task_channel: 'email' } },
      units,
    );
    expect(custom.ok && custom.config.connect).toMatchObject({
      ctr: 'ctr',
      team: { kind: 'attribute', name: 'Équipe' },
      queue: { kind: 'attribute', name: 'file' },
      task_channel: 'email',
    });
  });

  it('converts percent targets and per-scope overrides to value units', () => {
    const result = parseConfig(
      { targets: { fcr: { target: 75, warning: 2, scopes: { 'team:Sud': { target: 70 } } } } },
      units,
    );
    expect(result.ok && result.config.targets.fcr).toEqual({
      target: 0.75,
      warning: 0.02,
      scopes: { 'team:Sud': { target: 0.7, warning: 0 } },
    });
  });

  it.each([
    [{ timezone: 'Europe/Pariss' }, 'timezone: unknown IANA time zone'],
    [{ thresholds: { service_level_s: -1 } }, 'thresholds.service_level_s:'],
    [{ targets: { fcrr: { target: 80 } } }, 'targets.fcrr: unknown KPI id'],
    [{ targets: { fcr: { target: 120 } } }, 'targets.fcr.target: 120 is outside 0–100'],
    [
      { targets: { fcr: { target: 80, scopes: { Sud: { target: 70 } } } } },
      'targets.fcr.scopes.Sud: expected team:NAME',
    ],
    [{ business_hours: { start: '19:00', end: '08:00' } }, 'business_hours.end: start must be before end'],
    [{ mail: { recipients: [{ email: 'not-an-address' }] } }, 'mail.recipients.0.email:'],
    [{ centre: 'Nord\r\nBcc: x@evil.test' }, 'centre: must be one line'],
    [{ tresholds: {} }, 'Unrecognized key'],
    [{ connect: { team: 'queue' } }, 'connect.team: expected attribute:NAME or hierarchy:1-5, got "queue"'],
    [{ connect: { team: 'hierarchy:6' } }, 'connect.team: expected attribute:NAME or hierarchy:1-5'],
    [{ connect: { reason: 'attribute:a"b' } }, 'connect.reason: expected attribute:NAME'],
    [{ connect: { customer: 'phone' } }, 'connect.customer: expected endpoint or attribute:NAME'],
    [{ connect: { delivery_days: 30 } }, 'connect.delivery_days:'],
    [{ connect: { task_channel: 'fax' } }, 'connect.task_channel:'],
  ])('names the key at fault: %j', (input, expected) => {
    expect(errorsOf(input).join(' | ')).toContain(expected);
  });
});
