/**
 * Counting the SQL statements a request issues, so tests can hold each endpoint to a query
 * budget (Saleor's habit): a change that adds a query per order line fails a test instead of
 * surfacing as a slow page in production.
 *
 * The Kysely plugin below is installed on every database (db/dialect.ts); it costs one
 * AsyncLocalStorage lookup per query. Counting happens only inside a scope opened with
 * `withQueryCount` — the app opens one per request when enabled (buildApp `queryCount`, or
 * YUNYING_QUERY_COUNT=1) and reports it in the `x-query-count` response header.
 *
 * What is counted: every statement Kysely runs that answers, on the request's `db` or any
 * transaction opened from it (transactions inherit the plugin), raw `sql` templates included. A
 * statement is counted when its result comes back, once however many subqueries it nests (a
 * nested builder is transformed by the plugin too, so counting at transform time counted each
 * subquery of one statement as a query of its own). Not counted: the BEGIN/COMMIT/ROLLBACK that
 * Kysely's driver sends for a transaction (two more round trips per transaction on PostgreSQL),
 * a statement that fails, statements compiled here but run by the SQLite writer thread
 * (db/sqlite-worker.ts), and work that a request starts but that runs outside its async context.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

export interface QueryCountStore {
  count: number;
}

const storage = new AsyncLocalStorage<QueryCountStore>();

export class QueryCountPlugin implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const store = storage.getStore();
    if (store) store.count++;
    return Promise.resolve(args.result);
  }
}

/** Run `fn` with a fresh counter; queries issued in its async context add to `store.count`. */
export function withQueryCount<T>(fn: (store: QueryCountStore) => T): T {
  const store: QueryCountStore = { count: 0 };
  return storage.run(store, () => fn(store));
}

/** The counter of the current async context (undefined outside `withQueryCount`). */
export function currentQueryCount(): QueryCountStore | undefined {
  return storage.getStore();
}

/** Whether the app should count queries per request when the caller does not say. */
export function queryCountFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.YUNYING_QUERY_COUNT === '1';
}
