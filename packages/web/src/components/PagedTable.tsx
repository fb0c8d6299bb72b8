import { Empty, Table, type TableProps } from 'antd';
import { QueryError } from './QueryState';
import { useUrlPagination } from './useUrlPagination';
import type { UrlState } from './useUrlState';

/** What `PagedTable` needs of a TanStack query of one page of a server-paged list. */
export interface PageQuery<T> {
  data?: { items: T[]; total: number } | undefined;
  isError: boolean;
  error: unknown;
  isFetching: boolean;
  refetch: () => unknown;
}

/**
 * A server-paged list whose page lives in the URL: the query's error (with retry) while no page was
 * ever loaded, else the table with the page's rows, an empty text and the URL pagination
 * (`sizeChanger: false` leaves the page-size changer to antd's default, as the short lists do).
 */
export function PagedTable<T extends object>({
  query,
  url,
  emptyText,
  sizeChanger = true,
  ...table
}: {
  query: PageQuery<T>;
  url: UrlState;
  emptyText: string;
  sizeChanger?: boolean;
  'data-testid': string;
} & Omit<TableProps<T>, 'dataSource' | 'loading' | 'locale' | 'pagination'>) {
  const pagination = useUrlPagination(url, query.data?.total, { sizeChanger });
  if (query.isError && !query.data) return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  return (
    <Table<T>
      size="middle"
      {...table}
      dataSource={query.data?.items ?? []}
      loading={query.isFetching}
      locale={{ emptyText: <Empty description={emptyText} /> }}
      pagination={pagination}
    />
  );
}
