import { Button, Result, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorDetail, isApiError } from '../api/client';

export function Loading({ tip }: { tip?: string }) {
  return (
    <div style={{ display: 'flex', justifyContent: 'center', alignItems: 'center', padding: 64 }} data-testid="loading">
      <Spin size="large" {...(tip ? { tip } : {})} />
    </div>
  );
}

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
