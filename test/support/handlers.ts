/** What the handler end-to-end tests share: the deployment's config, the schedule, and reading the archive. */
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { Clock } from '../../functions/pipeline/ports.js';
import { ARCHIVE_BUCKET, type LocalAws } from '../../local-aws/aws-local.js';

export const SCHEDULED = '2026-11-23T01:30:00Z';
export const CLOCK: Clock = { now: () => new Date('2026-11-23T01:31:00Z') };
export const CONFIG = `centre: Centre Sud-Ouest
timezone: Europe/Paris
lookback_days: 1
mail:
  from: vigie@acme.example
  recipients:
    - { email: manager@acme.example, locale: fr }
    - { email: analyst@acme.example, locale: en }
`;

/** An archived object's text, or null when absent. */
export async function archived(aws: LocalAws, key: string): Promise<string | null> {
  try {
    const object = await aws.admin.send(new GetObjectCommand({ Bucket: ARCHIVE_BUCKET, Key: key }));
    return (await object.Body?.transformToString('utf8')) ?? null;
  } catch {
    return null;
  }
}

/** The archive's keys under a prefix, sorted. */
export async function archiveKeys(aws: LocalAws, prefix: string): Promise<string[]> {
  const page = await aws.admin.send(new ListObjectsV2Command({ Bucket: ARCHIVE_BUCKET, Prefix: prefix }));
  return (page.Contents ?? []).map((o) => o.Key ?? '').sort();
}

/**
 * A report's figures: what must not depend on the engine that staged the exports, nor on compaction
 * (alerts and revised days depend on earlier runs).
 */
export function figures(report: unknown): unknown {
  const { period, scopes, rejects, inputs } = report as Record<string, unknown>;
  return { period, scopes, rejects, inputs };
}
