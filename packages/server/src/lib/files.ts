import path from 'node:path';
import type { Database } from '../db/dialect.js';

/**
 * Where the console keeps files (product images, uploaded imports): `YUNYING_DATA_DIR` if set,
 * else the directory of the SQLite file, else `data/` under the working directory (PostgreSQL or
 * an in-memory database).
 */
export function dataDir(database?: Pick<Database, 'dialect' | 'file'>): string {
  if (process.env.YUNYING_DATA_DIR) return path.resolve(process.env.YUNYING_DATA_DIR);
  if (database?.dialect === 'sqlite' && database.file && database.file !== ':memory:') return path.dirname(path.resolve(database.file));
  return path.resolve('data');
}
