// Inserts rows into an OpenClaw agent database in one transaction: `node seed-store-writer.mjs
// <database> <rows.json>`, where rows.json is [{table, rows: [{column: value}]}] in insert order.
// It knows nothing of the format (seed-store.ts builds the rows); it exists because node:sqlite is
// in Node 24, which runs the gateway, and not in the Node that runs the tests.
import { readFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';

const [database, rowsFile] = process.argv.slice(2);
const tables = JSON.parse(readFileSync(rowsFile, 'utf8'));
const db = new DatabaseSync(database);
// A seeded row that breaks a foreign key should fail here, not confuse the gateway later.
db.exec('PRAGMA foreign_keys = ON');
db.exec('BEGIN IMMEDIATE');
try {
  for (const { table, rows } of tables) {
    if (!rows.length) continue;
    const columns = Object.keys(rows[0]);
    const insert = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
    for (const row of rows) insert.run(...columns.map((c) => row[c] ?? null));
  }
  db.exec('COMMIT');
} catch (error) {
  db.exec('ROLLBACK');
  throw error;
} finally {
  db.close();
}
