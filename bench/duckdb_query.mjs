// duckdb_query.mjs -- the peer side of bench/query.sh: the same files loaded
// into DuckDB (in-memory, threads=1, read_json with the built-in schemas'
// column types), the RSS growth from loading, and the five benchmark
// queries as equivalent SQL, best of RUNS runs each. Bench-only peer:
// `npm install --no-save @duckdb/node-api` in bench/ (never a build
// dependency). Usage: node duckdb_query.mjs RUNS FILE_OR_DIR...
// Prints, for query.sh: "MEMORY <MB>" and "RESULT <Qn> <ms> <rows> <first
// cell>" (or "RESULT <Qn> - - <error>").
import { DuckDBInstance } from '@duckdb/node-api';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { basename, join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const schemas = join(here, '..', 'data', 'schemas');

// kqlite's type names to DuckDB's.
const duckType = {
  bool: 'BOOLEAN', int: 'INTEGER', long: 'BIGINT', real: 'DOUBLE', decimal: 'DOUBLE',
  string: 'VARCHAR', datetime: 'TIMESTAMP', timespan: 'INTERVAL', guid: 'UUID', dynamic: 'JSON',
};

// The reference time the data is generated around (now() is pinned to it).
const NOW = "TIMESTAMP '2025-11-15 12:00:00'";

// KQL of bench_query.c, as SQL. `has` is a case-insensitive regexp on term
// boundaries; `contains` is ILIKE; dcount is DuckDB's HyperLogLog estimate,
// as KQL's dcount is an estimate.
const queries = [
  ['Q1', `SELECT count(*) AS Count FROM SecurityAlert WHERE ProductName = 'Defender for IoT'`],
  ['Q2', `WITH r AS (
      SELECT unnest(generate_series(${NOW} - INTERVAL 14 DAY, ${NOW} - INTERVAL 1 DAY, INTERVAL 1 DAY)) AS TimeGenerated,
             0::BIGINT AS Count),
    d AS (
      SELECT time_bucket(INTERVAL 1 DAY, TimeGenerated, ${NOW}) AS TimeGenerated, count(*) AS Count
      FROM DeviceEvents GROUP BY 1),
    u AS (SELECT * FROM r UNION ALL SELECT * FROM d)
    SELECT coalesce(max(Count), 0) AS Value, time_bucket(INTERVAL 1 DAY, TimeGenerated, ${NOW}) AS Time,
           'Events' AS Legend
    FROM u GROUP BY Time ORDER BY Time DESC NULLS LAST`],
  ['Q3', `SELECT DeviceName, count(*) AS count_ FROM DeviceEvents GROUP BY DeviceName
    ORDER BY count_ DESC LIMIT 10`],
  ['Q4', `SELECT TimeGenerated, DeviceName, ProcessCommandLine FROM DeviceProcessEvents
    WHERE regexp_matches(ProcessCommandLine, '(?i)(^|[^0-9a-z])powershell($|[^0-9a-z])')
      AND ProcessCommandLine ILIKE '%-enc%'`],
  ['Q5', `SELECT ActionType, time_bucket(INTERVAL 1 HOUR, TimeGenerated) AS TimeGenerated,
           approx_count_distinct(DeviceName) AS dcount_DeviceName, count(*) AS count_
    FROM DeviceEvents GROUP BY ALL`],
];

function files(args) {
  const out = [];
  for (const a of args) {
    if (statSync(a).isDirectory()) {
      for (const f of readdirSync(a).sort())
        if (/\.(ndjson|jsonl|json)$/.test(f)) out.push(join(a, f));
    } else {
      out.push(a);
    }
  }
  return out;
}

// read_json's columns argument for a known table (kqlite's built-in
// schema), or null to let DuckDB detect the types.
function columnsOf(table) {
  const path = join(schemas, `${table}.json`);
  if (!existsSync(path)) return null;
  const cols = JSON.parse(readFileSync(path, 'utf8')).columns;
  const fields = cols.map((c) => `'${c.name}': '${duckType[c.type] ?? 'VARCHAR'}'`);
  return `{${fields.join(', ')}}`;
}

const quote = (s) => s.replaceAll("'", "''");
const mb = (bytes) => (bytes / 1048576).toFixed(1);

const [runsArg, ...paths] = process.argv.slice(2);
const runs = Math.max(1, Number(runsArg) || 1);
if (paths.length === 0) {
  console.error('usage: node duckdb_query.mjs RUNS FILE_OR_DIR...');
  process.exit(2);
}

const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await db.connect();
await con.run('SELECT 1');
const rss0 = process.memoryUsage.rss();
const t0 = process.hrtime.bigint();
let loaded = 0;
for (const file of files(paths)) {
  const table = basename(file).split('.')[0];
  const format = file.endsWith('.json') ? 'array' : 'newline_delimited';
  const cols = columnsOf(table);
  const exists = (await con.runAndReadAll(
    `SELECT count(*) FROM duckdb_tables() WHERE table_name = '${quote(table)}'`)).getRows()[0][0] > 0n;
  const src = `read_json('${quote(file)}', format='${format}'${cols ? `, columns=${cols}` : ''})`;
  await con.run(exists ? `INSERT INTO "${table}" SELECT * FROM ${src}` : `CREATE TABLE "${table}" AS SELECT * FROM ${src}`);
  loaded += statSync(file).size;
}
const loadSecs = Number(process.hrtime.bigint() - t0) / 1e9;
const rss1 = process.memoryUsage.rss();
const rows = (await con.runAndReadAll(
  'SELECT string_agg(table_name || \' \' || estimated_size, \', \' ORDER BY table_name) FROM duckdb_tables()')).getRows()[0][0];
const own = (await con.runAndReadAll('SELECT sum(memory_usage_bytes) FROM duckdb_memory()')).getRows()[0][0];
console.log(`DuckDB: loaded ${mb(loaded)} MB in ${loadSecs.toFixed(2)} s (${rows} rows); ` +
  `RSS ${mb(rss0)} -> ${mb(rss1)} MB; DuckDB's own accounting ${mb(Number(own))} MB`);
console.log(`MEMORY ${mb(rss1 - rss0)}`);

for (const [name, sql] of queries) {
  let best = Infinity;
  let res;
  try {
    for (let i = 0; i < runs; i++) {
      const s = process.hrtime.bigint();
      res = await con.run(sql);
      const ms = Number(process.hrtime.bigint() - s) / 1e6;
      best = Math.min(best, ms);
    }
  } catch (e) {
    console.log(`RESULT ${name} - - ${String(e.message).split('\n')[0]}`);
    continue;
  }
  const first = res.rowCount > 0 ? String(res.getChunk(0).getColumnValues(0)[0]) : '';
  console.log(`RESULT ${name} ${best.toFixed(3)} ${res.rowCount} ${first}`);
}
