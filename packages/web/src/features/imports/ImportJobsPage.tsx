import { Button, Empty, Progress, Table, Tag, type TableProps } from 'antd';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatCount, formatDateTime } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { QueryError } from '../../components/QueryState';
import { useShop } from '../../components/ShopContext';
import { useUrlState } from '../../components/useUrlState';
import { useImportJobs, type ImportJob } from './api';

export function ImportJobsPage() {
  const { t } = useTranslation();
  const { shops } = useShop();
  const url = useUrlState();
  const { page, pageSize } = url;
  const jobs = useImportJobs(page, pageSize);
  const shopName = (id: string | null) => shops.find((s) => s.id === id)?.name ?? id ?? '—';

  const columns: TableProps<ImportJob>['columns'] = [
    { title: t('imports.createdAt'), dataIndex: 'createdAt', key: 'createdAt', width: 170, render: (v: number) => formatDateTime(v) },
    { title: t('imports.shop'), dataIndex: 'shopId', key: 'shop', width: 140, render: (v: string | null) => shopName(v) },
    { title: t('imports.format'), key: 'format', width: 200, render: (_, j) => t(`imports.formats.${j.payload.format}`) },
    {
      title: t('imports.files'),
      key: 'files',
      ellipsis: true,
      render: (_, j) => [j.payload.names.orders, j.payload.names.items].filter(Boolean).join(' + '),
    },
    {
      title: t('common.status'),
      key: 'status',
      width: 180,
      render: (_, j) =>
        j.status === 'running' || j.status === 'queued' ? (
          <Progress percent={j.progress} size="small" status="active" />
        ) : (
          <Tag color={j.status === 'succeeded' ? 'success' : j.status === 'failed' ? 'error' : 'default'}>
            {t(`imports.status.${j.status}`)}
          </Tag>
        ),
    },
    { title: t('imports.counts.ordersCreated'), key: 'created', width: 100, render: (_, j) => formatCount(j.result?.ordersCreated ?? 0) },
    { title: t('imports.counts.ordersUpdated'), key: 'updated', width: 100, render: (_, j) => formatCount(j.result?.ordersUpdated ?? 0) },
    { title: t('imports.counts.errors'), key: 'errors', width: 90, render: (_, j) => formatCount(j.result?.errors ?? 0) },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 80,
      render: (_, j) => (
        <Link to={`/imports/jobs/${j.id}`} data-testid={`import-job-${j.id}`}>
          {t('imports.view')}
        </Link>
      ),
    },
  ];

  return (
    <PageContainer
      title={t('imports.jobsTitle')}
      extra={
        <>
          <Button icon={<ReloadOutlined />} onClick={() => void jobs.refetch()} aria-label={t('common.refresh')} />
          <Link to="/imports">
            <Button type="primary" icon={<PlusOutlined />}>
              {t('imports.newImport')}
            </Button>
          </Link>
        </>
      }
    >
      {jobs.isError && !jobs.data ? (
        <QueryError error={jobs.error} onRetry={() => void jobs.refetch()} />
      ) : (
        <Table<ImportJob>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={jobs.data?.items ?? []}
          loading={jobs.isFetching && !jobs.data}
          locale={{ emptyText: <Empty description={t('imports.emptyJobs')} /> }}
          pagination={{
            current: page,
            pageSize,
            total: jobs.data?.total ?? 0,
            onChange: url.setPage,
            showTotal: (total) => t('common.total', { count: total }),
          }}
          data-testid="import-jobs-table"
        />
      )}
    </PageContainer>
  );
}
