import type { ReactNode } from 'react';
import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorDetail, isApiError } from '../api/client';
import { Loading } from './Loading';
import { PageContainer } from './PageContainer';

export { Loading };

/** The error state of a page or block: the server's detail and a retry button. */
export function QueryError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const forbidden = isApiError(error) && error.status === 403;
  return (
    <Result
      status={forbidden ? '403' : 'error'}
      title={forbidden ? t('errors.forbiddenTitle') : t('errors.loadFailed')}
      subTitle={errorDetail(error)}
      extra={
        onRetry ? (
          <Button onClick={onRetry} data-testid="retry">
            {t('common.retry')}
          </Button>
        ) : null
      }
      data-testid="query-error"
    />
  );
}

/** What `QueryState` needs of a TanStack query result. */
export interface QueryLike<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T | undefined;
  refetch: () => unknown;
}

/**
 * The one wrapper of a query's states: a spinner until the first answer, the server's error with
 * a retry button, then `children` with the data.
 */
export function QueryState<T>({ query, children }: { query: QueryLike<T>; children: (data: T) => ReactNode }) {
  if (query.isError) return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  if (query.isPending || query.data === undefined) return <Loading />;
  return <>{children(query.data)}</>;
}

/**
 * A page that shows one query: while loading or failed, the page frame (title, toolbar) around
 * the spinner or the error; once the data is there, `children` renders the whole page.
 */
export function QueryPage<T>({
  query,
  title,
  extra,
  children,
}: {
  query: QueryLike<T>;
  title: string;
  extra?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (!query.isPending && !query.isError && query.data !== undefined) return <>{children(query.data)}</>;
  return (
    <PageContainer title={title} extra={extra}>
      <QueryState query={query}>{() => null}</QueryState>
    </PageContainer>
  );
}
