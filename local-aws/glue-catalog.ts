/**
 * The Glue catalog the Athena stand-in reads its tables from: taken from the stack's synthesized
 * CloudFormation template (test/infra/stack.test.ts writes `glue-catalog.json` beside this file and fails
 * when it is stale), so that locations, SerDes, columns and partition projection — its range included —
 * are exactly what a deployment declares, not what the stand-in assumes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A column as Glue declares it. */
export interface CatalogColumn {
  readonly name: string;
  readonly type: string;
}

/** One Glue table, its locations written with `{exports}`, `{ctr}` and `{archive}` for the stack's places. */
export interface CatalogTable {
  readonly name: string;
  readonly location: string;
  readonly columns: readonly CatalogColumn[];
  readonly partitionKeys: readonly CatalogColumn[];
  readonly inputFormat: string;
  readonly serde: { readonly library: string; readonly parameters: Readonly<Record<string, string>> };
  readonly parameters: Readonly<Record<string, string>>;
}

/** What the stand-in takes from the stack: its tables and its workgroup's per-query cutoff. */
export interface GlueCatalog {
  readonly bytesScannedCutoffPerQuery: number;
  readonly tables: readonly CatalogTable[];
}

/** The places a template's locations are written against, as they appear in it. */
export interface TemplatePlaces {
  /** `s3://bucket/prefix/` of the exports, as the template spells it. */
  readonly exports: string;
  readonly ctr: string;
  /** The logical id prefix of the archive bucket (its name is a `Ref`). */
  readonly archiveRef: string;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A CloudFormation value as text: `Fn::Join` joined, a `Ref` written `{ref:LogicalId}`. */
function resolve(value: Json | undefined): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined || Array.isArray(value)) return '';
  const join = value['Fn::Join'];
  if (Array.isArray(join)) {
    const [separator, parts] = join;
    return (Array.isArray(parts) ? parts : []).map(resolve).join(typeof separator === 'string' ? separator : '');
  }
  const ref = value.Ref;
  return typeof ref === 'string' ? `{ref:${ref}}` : '';
}

const asObject = (value: Json | undefined): { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
const asArray = (value: Json | undefined): Json[] => (Array.isArray(value) ? value : []);
const columnsOf = (value: Json | undefined): CatalogColumn[] =>
  asArray(value).map((c) => ({ name: resolve(asObject(c).Name), type: resolve(asObject(c).Type) }));

/** The catalog of a synthesized template: its Glue tables and its Athena workgroup's cutoff. */
export function catalogFromTemplate(
  template: { readonly Resources?: Record<string, unknown> },
  places: TemplatePlaces,
  cutoffTemplate: { readonly Resources?: Record<string, unknown> } = template,
): GlueCatalog {
  const placed = (text: string): string =>
    text
      .replaceAll(places.exports, '{exports}')
      .replaceAll(places.ctr, '{ctr}')
      .replace(new RegExp(`s3://\\{ref:${places.archiveRef}[A-Za-z0-9]*\\}/`, 'g'), '{archive}');
  const resources = (t: { readonly Resources?: Record<string, unknown> }) =>
    Object.values(t.Resources ?? {}).map((r) => asObject(r as Json));
  const tables = resources(template)
    .filter((r) => r.Type === 'AWS::Glue::Table')
    .map((r): CatalogTable => {
      const input = asObject(asObject(r.Properties).TableInput);
      const storage = asObject(input.StorageDescriptor);
      const serde = asObject(storage.SerdeInfo);
      return {
        name: resolve(input.Name),
        location: placed(resolve(storage.Location)),
        columns: columnsOf(storage.Columns),
        partitionKeys: columnsOf(input.PartitionKeys),
        inputFormat: resolve(storage.InputFormat),
        serde: {
          library: resolve(serde.SerializationLibrary),
          parameters: Object.fromEntries(Object.entries(asObject(serde.Parameters)).map(([k, v]) => [k, resolve(v)])),
        },
        parameters: Object.fromEntries(
          Object.entries(asObject(input.Parameters)).map(([k, v]) => [k, placed(resolve(v))]),
        ),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  const workgroup = resources(cutoffTemplate).find((r) => r.Type === 'AWS::Athena::WorkGroup');
  const cutoff = asObject(asObject(asObject(workgroup?.Properties).WorkGroupConfiguration)).BytesScannedCutoffPerQuery;
  return { bytesScannedCutoffPerQuery: typeof cutoff === 'number' ? cutoff : 0, tables };
}

/** Where the catalog of the stack is kept, written by the infra test from the synthesized template. */
export const CATALOG_PATH = join(import.meta.dirname, 'glue-catalog.json');

/** The stack's catalog, as last synthesized. */
export function stackCatalog(): GlueCatalog {
  return JSON.parse(readFileSync(CATALOG_PATH, 'utf8')) as GlueCatalog;
}
