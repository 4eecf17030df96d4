import { describe, expect, it } from 'vitest';
import { sampleCtrObjects } from '../../functions/sample/connect-ctr.js';

const DATES = ['2026-11-20', '2026-11-21', '2026-11-22'];

describe('vigie sample --ctr: Amazon Connect CTRs as Firehose writes them', () => {
  const objects = sampleCtrObjects(DATES, 42);
  const records = objects.flatMap((o) => o.records);

  it('is deterministic for a seed', () => {
    expect(sampleCtrObjects(DATES, 42)).toEqual(objects);
    expect(sampleCtrObjects(DATES, 43)).not.toEqual(objects);
  });

  it('holds every kind of contact the mapping tells apart, with explicit nulls', () => {
    const methods = new Set(records.map((r) => `${r.InitiationMethod} ${r.Channel}`));
    for (const m of ['INBOUND VOICE', 'CALLBACK VOICE', 'QUEUE_TRANSFER VOICE', 'TRANSFER VOICE', 'OUTBOUND VOICE']) {
      expect(methods).toContain(m);
    }
    for (const m of ['API VOICE', 'API CHAT', 'DISCONNECT CHAT', 'MONITOR VOICE', 'API TASK'])
      expect(methods).toContain(m);
    // Abandoned (queued, never answered) and IVR-only (never queued) calls.
    expect(records.some((r) => r.Queue !== null && r.Agent === null)).toBe(true);
    expect(records.some((r) => r.Queue === null && r.Agent === null)).toBe(true);
    expect(records.some((r) => r.PreviousContactId === null && r.NextContactId === null)).toBe(true);
  });

  it('delivers some contacts more than once, in Firehose’s layout, gzipped or not, with or without newlines', () => {
    const ids = records.map((r) => r.ContactId);
    expect(new Set(ids).size).toBeLessThan(ids.length);
    expect(objects.every((o) => /^\d{4}\/\d{2}\/\d{2}\/\d{2}\/vigie-ctr-stream-1-[\d-]+-\d{8}$/.test(o.key))).toBe(
      true,
    );
    expect(new Set(objects.map((o) => `${o.gzip} ${o.newlines}`)).size).toBe(4);
  });

  it('is consistent as Connect writes it: answered after queued, ended after offered (no reject)', () => {
    const at = (v: unknown) => (typeof v === 'string' ? Date.parse(v) : null);
    for (const r of records) {
      const queue = r.Queue as { EnqueueTimestamp: string | null } | null;
      const agent = r.Agent as { ConnectedToAgentTimestamp: string | null } | null;
      const offered = at(queue?.EnqueueTimestamp) ?? at(r.InitiationTimestamp) ?? 0;
      const answered = at(agent?.ConnectedToAgentTimestamp);
      if (answered !== null) expect(answered, String(r.ContactId)).toBeGreaterThanOrEqual(offered);
      expect(at(r.DisconnectTimestamp) ?? offered, String(r.ContactId)).toBeGreaterThanOrEqual(offered);
    }
  });
});
