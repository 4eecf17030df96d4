import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, KPI_IDS, kpiById } from '../../functions/engine/catalogue.js';
import type { KpiDefinition } from '../../functions/engine/kpi.js';
import { kpiInput } from './kpis/input.js';

// docs/spec.md §3, in its order: a KPI added, renamed or moved must be a deliberate change here too.
const SPEC_IDS = [
  'contacts_offered',
  'contacts_handled',
  'contacts_abandoned',
  'answer_rate',
  'abandon_rate',
  'service_level',
  'asa',
  'avg_wait',
  'aht',
  'avg_talk',
  'avg_acw',
  'outbound_contacts',
  'conversion_rate',
  'conversions',
  'fcr',
  'one_touch_rate',
  'frt',
  'ticket_frt',
  'resolution_time',
  'tickets_created',
  'backlog',
  'social_responsiveness',
  'selfcare_rate',
  'contacts_by_channel',
  'after_hours_contacts',
  'top_reasons',
  'keyword_mentions',
  'csat',
  'nps',
  'ces',
  'esat',
  'absenteeism_rate',
  'agent_days_worked',
  'cost_per_contact',
  'cost_per_resolution',
  'contact_rate',
  'retention_rate',
  'churn_rate',
  'repeat_customer_rate',
];

const KPI_DIR = fileURLToPath(new URL('../../functions/engine/kpis/', import.meta.url));
const UNITS = ['count', '%', 's', 'pts', 'score', 'currency'];
const FAMILIES = [
  'volume',
  'service',
  'handling',
  'sales',
  'resolution',
  'digital',
  'satisfaction',
  'workforce',
  'finance',
  'customers',
];

const fileOf = (id: string): string => `${id.replaceAll('_', '-')}.ts`;
const exportOf = (id: string): string => id.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

describe('catalogue', () => {
  it('lists the 39 KPIs of docs/spec.md §3, in its order, once each', () => {
    expect(KPI_IDS).toEqual(SPEC_IDS);
    expect(CATALOGUE.map((k) => k.id)).toEqual(SPEC_IDS);
    expect(new Set(CATALOGUE.map((k) => k.id)).size).toBe(39);
  });

  it('has one file per KPI, named after its id', () => {
    const files = readdirSync(KPI_DIR).filter((f) => f.endsWith('.ts'));
    expect(files.sort()).toEqual(SPEC_IDS.map(fileOf).sort());
  });

  it.each(SPEC_IDS)('%s: its file exports only its definition, under the camel-cased id', async (id) => {
    // Prepare
    const path = `${KPI_DIR}${fileOf(id)}`;
    // Act
    const module: Record<string, unknown> = await import(path);
    // Assess
    expect(Object.keys(module)).toEqual([exportOf(id)]);
    expect(module[exportOf(id)]).toBe(kpiById(id));
  });

  it.each(CATALOGUE.map((k): [string, KpiDefinition] => [k.id, k]))('%s: is fully described', (_, kpi) => {
    expect(kpi.name.fr.trim()).not.toBe('');
    expect(kpi.name.en.trim()).not.toBe('');
    expect(UNITS).toContain(kpi.unit);
    expect(FAMILIES).toContain(kpi.family);
    expect(['higher', 'lower', null]).toContain(kpi.better);
  });

  it('marks exactly the three breakdown KPIs as breakdowns', () => {
    const breakdowns = CATALOGUE.filter((k) => k.breakdown).map((k) => k.id);
    expect(breakdowns).toEqual(['contacts_by_channel', 'top_reasons', 'keyword_mentions']);
  });

  it('finds a KPI by id, and nothing for an unknown id', () => {
    expect(kpiById('service_level')?.name.fr).toBe('Niveau de service');
    expect(kpiById('SERVICE_LEVEL')).toBeUndefined();
    expect(kpiById('sla')).toBeUndefined();
  });

  it.each([
    ['without workforce, cost or customer data', kpiInput()],
    [
      'with every source present but empty',
      kpiInput({
        agentDays: { scheduled_s: 0, absent_s: 0, days_worked: 0, days: 0 },
        costs: 0,
        customers: { atStart: 0, atEnd: 0, acquired: 0, lost: 0, buyers: 0, repeatBuyers: 0 },
      }),
    ],
  ])('never yields NaN or Infinity on an empty period (%s)', (_, input) => {
    for (const kpi of CATALOGUE) {
      const { value, numerator, denominator } = kpi.compute(input);
      for (const n of [value, numerator, denominator]) {
        if (n !== null) expect(Number.isFinite(n), kpi.id).toBe(true);
      }
      if (kpi.unit !== 'count') expect(value, kpi.id).toBeNull();
    }
  });
});
