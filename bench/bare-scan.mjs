// The process-level floor of `npm run bench` (issue #22): a node process that opens DuckDB and runs one bare
// `read_json_auto(…) GROUP BY` over a day's contacts files (`read_csv_auto` for the CSV ones), nothing else.
// Usage: node bench/bare-scan.mjs <file>… ; prints the number of groups.
import { DuckDBInstance } from '@duckdb/node-api';

const files = process.argv.slice(2);
const list = (names) => `[${names.map((f) => `'${f.replaceAll("'", "''")}'`).join(', ')}]`;
const ndjson = files.filter((f) => /\.(ndjson|jsonl)(\.gz)?$/.test(f));
const csv = files.filter((f) => /\.csv(\.gz)?$/.test(f));
const parts = [
  ...(ndjson.length > 0 ? [`SELECT channel, team FROM read_json_auto(${list(ndjson)}, ignore_errors = true)`] : []),
  ...(csv.length > 0 ? [`SELECT channel, team FROM read_csv_auto(${list(csv)}, ignore_errors = true)`] : []),
];
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const result = await connection.runAndReadAll(
  `SELECT channel, team, count(*) AS n FROM (${parts.join(' UNION ALL BY NAME ')}) GROUP BY ALL`,
);
process.stdout.write(`${result.currentRowCount}\n`);
connection.closeSync();
instance.closeSync();
