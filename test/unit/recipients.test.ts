import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../functions/engine/catalogue.js';
import { parseConfig } from '../../functions/engine/config.js';
import { wantsAlert } from '../../functions/pipeline/deliver.js';

const units = new Map(CATALOGUE.map((k) => [k.id, { unit: k.unit }]));
const recipientsOf = (recipients: unknown[]) => {
  const result = parseConfig({ mail: { recipients } }, units);
  return result.ok ? { ok: true as const, recipients: result.config.mail.recipients } : result;
};

describe('mail.recipients', () => {
  it('defaults a recipient to French, the whole centre and no separate alert mail', () => {
    const result = recipientsOf([{ email: 'lead@example.com' }]);
    expect(result).toEqual({
      ok: true,
      recipients: [{ email: 'lead@example.com', locale: 'fr', scopes: ['centre'], alerts: false }],
    });
  });

  it('accepts team and queue scopes and a list of alert rule ids', () => {
    const result = recipientsOf([
      {
        email: 'sud@example.com',
        name: 'Équipe Sud',
        locale: 'en',
        scopes: [{ team: 'Sud' }, { queue: 'VIP' }],
        alerts: ['fcr-drop'],
      },
    ]);
    expect(result.ok && result.recipients[0]).toEqual({
      email: 'sud@example.com',
      name: 'Équipe Sud',
      locale: 'en',
      scopes: [{ team: 'Sud' }, { queue: 'VIP' }],
      alerts: ['fcr-drop'],
    });
  });

  it.each([
    [{ email: 'a@example.com', name: 'Alice\nBcc: victim@example.com' }, 'mail.recipients.0.name: must be one line'],
    [{ email: 'a@example.com', locale: 'de' }, 'mail.recipients.0.locale:'],
    [
      { email: 'a@example.com', scopes: ['centr'] },
      'mail.recipients.0.scopes.0: expected centre, { team: NAME } or { queue: NAME }',
    ],
    [{ email: 'a@example.com', scopes: [{ agent: 'Léa' }] }, 'mail.recipients.0.scopes.0: expected centre'],
    [{ email: 'a@example.com', scopes: [{ team: 'Sud\r\n' }] }, 'mail.recipients.0.scopes.0.team: must be one line'],
    [{ email: 'a@example.com', scopes: [] }, 'mail.recipients.0.scopes:'],
    [{ email: 'a@example.com', alerts: 'yes' }, 'mail.recipients.0.alerts:'],
    [{ email: 'a@example.com', alerts: ['fcr-dorp'] }, 'mail.recipients.0.alerts.0: unknown alert rule id fcr-dorp'],
    [{ email: 'a@example.com', teams: ['Sud'] }, 'Unrecognized key'],
  ])('names the key at fault: %j', (recipient, expected) => {
    const result = recipientsOf([recipient]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join(' | ')).toContain(expected);
  });
});

describe('alert routing', () => {
  const sudAlert = { kpi: 'fcr', scope: { dimension: 'team' as const, value: 'Sud' }, rule: 'fcr-drop', message: '' };
  const centreAlert = { ...sudAlert, scope: { dimension: 'all' as const, value: null } };
  const recipient = (more: object) => ({
    email: 'a@example.com',
    locale: 'fr' as const,
    scopes: ['centre' as const],
    alerts: true,
    ...more,
  });

  it.each([
    ['a centre recipient gets every scope', recipient({}), sudAlert, true],
    ['alerts: false gets none', recipient({ alerts: false }), centreAlert, false],
    ['a rule list gets its rules', recipient({ alerts: ['fcr-drop'] }), sudAlert, true],
    ['a rule list skips other rules', recipient({ alerts: ['aht-rise'] }), sudAlert, false],
    ['a team recipient gets its team', recipient({ scopes: [{ team: 'Sud' }] }), sudAlert, true],
    ['a team recipient skips other teams', recipient({ scopes: [{ team: 'Nord' }] }), sudAlert, false],
    ['a team recipient skips the centre', recipient({ scopes: [{ team: 'Sud' }] }), centreAlert, false],
  ])('%s', (_, r, alert, expected) => {
    expect(wantsAlert(r, alert)).toBe(expected);
  });
});
