import { describe, expect, it } from 'vitest';
import { contactsByChannel } from '../../../functions/engine/kpis/contacts-by-channel.js';
import { kpiInput } from './input.js';

describe('contacts_by_channel', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(contactsByChannel).toMatchObject({
      id: 'contacts_by_channel',
      unit: 'count',
      better: null,
      family: 'volume',
      breakdown: true,
    });
  });

  it('lists channels by count with shares of all inbound contacts', () => {
    // Prepare
    const input = kpiInput({
      inboundByChannel: new Map([
        ['chat', 15],
        ['voice', 60],
        ['email', 25],
      ]),
    });
    // Act
    const result = contactsByChannel.compute(input);
    // Assess: total 60 + 25 + 15 = 100; shares 60/100, 25/100, 15/100
    expect(result.value).toBe(100);
    expect(result.items).toEqual([
      { key: 'voice', count: 60, share: 0.6 },
      { key: 'email', count: 25, share: 0.25 },
      { key: 'chat', count: 15, share: 0.15 },
    ]);
    expect((result.items ?? []).reduce((sum, i) => sum + i.share, 0)).toBeCloseTo(1, 12);
  });

  it('breaks ties by key and leaves out channels with no contact', () => {
    // Prepare
    const input = kpiInput({
      inboundByChannel: new Map([
        ['social', 5],
        ['bot', 0],
        ['sms', 5],
      ]),
    });
    // Act
    const result = contactsByChannel.compute(input);
    // Assess: 5 ÷ 10 each
    expect(result.items).toEqual([
      { key: 'sms', count: 5, share: 0.5 },
      { key: 'social', count: 5, share: 0.5 },
    ]);
  });

  it('is an empty list with a total of 0 when nothing came in', () => {
    expect(contactsByChannel.compute(kpiInput())).toEqual({ value: 0, numerator: null, denominator: null, items: [] });
  });
});
