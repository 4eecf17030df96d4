/**
 * Contacts from Amazon Connect CTR objects in a local folder, on the embedded engine (functions/sql/connect-ctr.ts).
 */
import { stat } from 'node:fs/promises';
import type { Reject, StageRequest, StageResult } from '../pipeline/ports.js';
import { CTR_CARRIED, type CtrMapping, ctrContactsSelect, ctrExcludedSelect, ctrSource } from '../sql/connect-ctr.js';
import { duplicatesSelect } from '../sql/dedupe.js';
import { checkedSelect } from '../sql/record-checks.js';
import { ctrFileInfo, deliveryDates, listLocalCtrObjects, readLocalCtrObject } from './connect-ctr-objects.js';
import { appendLine, type DuckDbSession } from './duckdb-session.js';
import { firstLineOf } from './errors.js';
import { ExportsRootError } from './export-listing.js';

/** A local folder of Amazon Connect CTR objects in Firehose's layout, and how its records map onto contacts. */
export interface LocalCtrOptions {
  readonly root: string;
  readonly mapping: CtrMapping;
  /** Days after the window's last partition whose deliveries are read too (`connect.delivery_days`). */
  readonly deliveryDays: number;
}

/**
 * Contacts from the CTR objects of the window's delivery dates (functions/sql/connect-ctr.ts): each object
 * split into records (functions/adapters/firehose-records.ts), the records checked as contacts, the
 * contacts deduplicated and their legs resolved into the `contacts` table. Rejects name the object (its
 * path under the CTR folder) and the record's number in it.
 */
export async function stageLocalCtrContacts(
  session: DuckDbSession,
  ctr: LocalCtrOptions,
  request: StageRequest,
): Promise<{
  files: StageResult['files'][number][];
  rejects: Reject[];
  records: Record<string, number>;
  duplicates: Record<string, number>;
  excluded: Record<string, Record<string, number>>;
}> {
  const rootStat = await stat(ctr.root).catch(() => null);
  if (!rootStat?.isDirectory()) throw new ExportsRootError(`CTR folder not found: ${ctr.root}`);
  const dates = deliveryDates(request.partitions, ctr.deliveryDays);
  const objects = await listLocalCtrObjects(ctr.root, dates);
  const rejects: Reject[] = [];
  const records: Record<string, number> = {};
  const add = (into: Record<string, number>, dt: string, n: number): void => {
    into[dt] = (into[dt] ?? 0) + n;
  };
  await session.connection.run(
    'CREATE OR REPLACE TABLE ctr_records (file VARCHAR, dt VARCHAR, line BIGINT, raw VARCHAR)',
  );
  const appender = await session.connection.createAppender('ctr_records');
  try {
    for (const object of objects) {
      const reject = (line: number, reason: string, raw: string): Reject => ({
        kind: 'contacts',
        dt: object.dt,
        file: object.name,
        line,
        reason,
        raw: raw.slice(0, session.options.rawCharsKept),
      });
      let items: Awaited<ReturnType<typeof readLocalCtrObject>>;
      try {
        items = await readLocalCtrObject(ctr.root, object, {
          maxRecordBytes: session.options.maxLineBytes,
          rawCharsKept: session.options.rawCharsKept,
        });
      } catch (error) {
        // A cut gzip or a file gone since the listing: none of its records is used.
        rejects.push(reject(0, 'unreadable_file', firstLineOf(error)));
        continue;
      }
      for (const item of items) {
        if (item.kind === 'reject') {
          rejects.push(reject(item.number, item.reason, item.raw));
          add(records, object.dt, 1);
          continue;
        }
        appendLine(appender, object.name, object.dt, item.number, item.text);
      }
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  const source = ctrSource('duckdb', ctr.mapping, 'ctr_records');
  await session.connection.run(
    `CREATE OR REPLACE TEMP TABLE checked_contacts AS ${checkedSelect('contacts', request.now, 'duckdb', source, CTR_CARRIED)}`,
  );
  await session.connection.run('DROP TABLE ctr_records');
  for (const r of await session.rows(
    `SELECT dt, file, line, reason, left(raw, ${session.options.rawCharsKept}) AS raw FROM checked_contacts WHERE reason IS NOT NULL ORDER BY file, line`,
  )) {
    rejects.push({
      kind: 'contacts',
      dt: String(r.dt),
      file: String(r.file),
      line: Number(r.line),
      reason: String(r.reason),
      raw: (r.raw as string | null) ?? '',
    });
  }
  for (const r of await session.rows('SELECT dt, count(*) AS n FROM checked_contacts GROUP BY dt')) {
    add(records, String(r.dt), Number(r.n));
  }
  const duplicates: Record<string, number> = {};
  for (const r of await session.rows(duplicatesSelect('contacts', 'checked_contacts'))) {
    add(duplicates, String(r.dt), Number(r.n));
  }
  const excluded: Record<string, Record<string, number>> = {};
  for (const r of await session.rows(ctrExcludedSelect('checked_contacts'))) {
    const own = excluded[String(r.dt)] ?? {};
    own[String(r.reason)] = (own[String(r.reason)] ?? 0) + Number(r.n);
    excluded[String(r.dt)] = own;
  }
  await session.connection.run(`CREATE OR REPLACE TABLE contacts AS ${ctrContactsSelect('checked_contacts')}`);
  await session.connection.run('DROP TABLE checked_contacts');
  return {
    files: objects.map((o) => ctrFileInfo(o, ctr.deliveryDays)),
    rejects,
    records,
    duplicates,
    excluded,
  };
}
