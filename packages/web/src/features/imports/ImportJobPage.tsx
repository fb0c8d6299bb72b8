import { Alert, Button, Card, Descriptions, Empty, Progress, Space, Statistic, Table, Tag, type TableProps } from 'antd';
import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { downloadUrl } from '../../api/client';
import { formatCount, formatDateTime, formatDecimal } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { Loading, QueryError } from '../../components/QueryState';
import { useUrlState } from '../../components/useUrlState';
import { useImportErrors, useImportJob, type ImportCounts, type ImportErrorRow, type JobStatus } from './api';

const STATUS_COLOR: Record<JobStatus, string> = {
  queued: 'default',
  running: 'processing',
  succeeded: 'success',
  failed: 'error',
  cancelled: 'default',
};

const COUNT_KEYS: (keyof ImportCounts)[] = [
  'ordersCreated',
  'ordersUpdated',
  'ordersUnchanged',
  'lines',
  'errors',
  'unmatchedLines',
  'ordersWithoutItems',
  'rows',
];

export function ImportJobPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const job = useImportJob(id);
  const url = useUrlState();
  const { page } = url;
  const j = job.data;
  const finished = j?.status === 'succeeded' || j?.status === 'failed';
  const errors = useImportErrors(id, page, !!j && finished && (j.result?.errors ?? 0) > 0);

  if (job.isLoading) return <Loading />;
  if (job.isError || !j) return <QueryError error={job.error} onRetry={() => void job.refetch()} />;

  const counts = j.result;
  const columns: TableProps<ImportErrorRow>['columns'] = [
    { title: t('imports.errFile'), dataIndex: 'file', key: 'file', width: 110, render: (f: string) => t(`imports.fileKinds.${f}`) },
    { title: t('imports.errRow'), dataIndex: 'rowNo', key: 'rowNo', width: 80 },
    { title: t('imports.errColumn'), dataIndex: 'column', key: 'column', width: 150 },
    { title: t('imports.errValue'), dataIndex: 'value', key: 'value', width: 200, ellipsis: true },
    { title: t('imports.errReason'), dataIndex: 'reason', key: 'reason' },
  ];

  return (
    <PageContainer
      title={t('imports.jobTitle')}
      bare
      extra={
        <Link to="/imports">
          <Button icon={<PlusOutlined />}>{t('imports.newImport')}</Button>
        </Link>
      }
    >
      <Space direction="vertical" size="large" style={{ width: '100%' }}>
        <Card>
          <Descriptions size="small" column={{ xs: 1, md: 3 }}>
            <Descriptions.Item label={t('common.status')}>
              <Tag color={STATUS_COLOR[j.status]} data-testid="import-status">
                {t(`imports.status.${j.status}`)}
              </Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('imports.format')}>{t(`imports.formats.${j.payload.format}`)}</Descriptions.Item>
            <Descriptions.Item label={t('imports.files')}>
              {[j.payload.names.orders, j.payload.names.items].filter(Boolean).join(' + ')}
            </Descriptions.Item>
            <Descriptions.Item label={t('imports.createdAt')}>{formatDateTime(j.createdAt)}</Descriptions.Item>
            <Descriptions.Item label={t('imports.finishedAt')}>{formatDateTime(j.finishedAt)}</Descriptions.Item>
            {j.startedAt && j.finishedAt ? (
              <Descriptions.Item label={t('imports.durationLabel')}>
                {t('imports.duration', { s: formatDecimal((j.finishedAt - j.startedAt) / 1000, 1) })}
              </Descriptions.Item>
            ) : null}
          </Descriptions>
          <Progress
            percent={j.status === 'succeeded' ? 100 : j.progress}
            status={j.status === 'failed' ? 'exception' : j.status === 'succeeded' ? 'success' : 'active'}
            data-testid="import-progress"
          />
          {j.error ? <Alert type="error" showIcon message={j.error} style={{ marginTop: 12 }} data-testid="import-error" /> : null}
        </Card>
        {counts ? (
          <Card data-testid="import-summary">
            <Space size={32} wrap>
              {COUNT_KEYS.map((k) => (
                <Statistic key={k} title={t(`imports.counts.${k}`)} value={formatCount(Number(counts[k] ?? 0))} />
              ))}
            </Space>
            {counts.unmatchedLines > 0 && finished ? (
              <div style={{ marginTop: 12 }}>
                <Link to="/imports/unmatched">{t('imports.goUnmatched')}</Link>
              </div>
            ) : null}
          </Card>
        ) : null}
        {finished && j.status === 'succeeded' ? (
          <Card
            title={t('imports.errorsTitle')}
            extra={
              (counts?.errors ?? 0) > 0 ? (
                <a href={downloadUrl(`/imports/jobs/${encodeURIComponent(j.id)}/errors.csv`)} data-testid="import-errors-download">
                  <DownloadOutlined /> {t('imports.downloadErrors')}
                </a>
              ) : null
            }
          >
            {(counts?.errors ?? 0) === 0 ? (
              <Empty description={t('imports.errorsNone')} />
            ) : errors.isError ? (
              <QueryError error={errors.error} onRetry={() => void errors.refetch()} />
            ) : (
              <Table<ImportErrorRow>
                rowKey="seq"
                size="small"
                columns={columns}
                dataSource={errors.data?.items ?? []}
                loading={errors.isFetching}
                pagination={{
                  current: page,
                  pageSize: 20,
                  total: errors.data?.total ?? 0,
                  onChange: (p) => url.setPage(p),
                  showTotal: (total) => t('common.total', { count: total }),
                }}
                data-testid="import-errors-table"
              />
            )}
          </Card>
        ) : null}
      </Space>
    </PageContainer>
  );
}
