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
  ])('names the key at fault: %j', (input, expected) => {
    expect(errorsOf(input).join(' | ')).toContain(expected);
  });
});
