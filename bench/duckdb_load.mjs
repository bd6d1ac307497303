// duckdb_load.mjs -- DuckDB's load time for the same files, for the ratio
// bench/load.sh prints. Bench-only peer: `npm install @duckdb/node-api` in
// bench/ (never a build dependency). Usage: node duckdb_load.mjs THREADS FILE...
import { DuckDBInstance } from '@duckdb/node-api';
import { statSync } from 'node:fs';

const [threads, ...files] = process.argv.slice(2);
for (const file of files) {
  const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const con = await db.connect();
  const format = file.endsWith('.json') ? 'array' : 'newline_delimited';
  const t0 = process.hrtime.bigint();
  await con.run(`CREATE TABLE t AS SELECT * FROM read_json('${file}', format='${format}')`);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const reader = await con.runAndReadAll('SELECT count(*) FROM t');
  const rows = reader.getRows()[0][0];
  const mb = statSync(file).size / 1e6;
  console.log(`DuckDB ${threads} thread(s): ${file}: ${rows} rows in ${secs.toFixed(3)} s = ${(mb / secs).toFixed(0)} MB/s`);
}
