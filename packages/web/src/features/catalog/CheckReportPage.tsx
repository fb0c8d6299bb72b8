import { Button, Empty, Flex, Select, Table, Tag, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CheckIssueKind, ProductCheck, ProductStatus } from '@yunying/core';
import { PageContainer } from '../../components/PageContainer';
import { QueryError } from '../../components/QueryState';
import { useUrlState } from '../../components/useUrlState';
import { useCheckReport } from './api';
import { IssueList } from './ProductPanels';
import { StatusTag } from './shared';

const KINDS: CheckIssueKind[] = ['banned_word', 'title_length', 'missing_image', 'missing_price', 'missing_cost', 'no_sku'];

export function CheckReportPage() {
  const { t } = useTranslation();
  const report = useCheckReport();
  const url = useUrlState();
  const rawKind = url.get('kind');
  const kind = KINDS.find((k) => k === rawKind);
  const items = (report.data?.items ?? []).filter((p) => !kind || p.issues.some((i) => i.kind === kind));
  return (
    <PageContainer
      title={t('catalog.check.pageTitle')}
      extra={
        <Button
          icon={<ReloadOutlined />}
          onClick={() => void report.refetch()}
          loading={report.isFetching}
          data-testid="check-report-rerun"
        >
          {t('catalog.check.rerun')}
        </Button>
      }
    >
      {report.isError && !report.data ? (
        <QueryError error={report.error} onRetry={() => void report.refetch()} />
      ) : (
        <>
          <Flex gap={12} align="center" style={{ marginBottom: 12 }}>
            {report.data ? (
              <Typography.Text>
                {t('catalog.check.checked', { checked: report.data.checked, count: report.data.items.length })}
              </Typography.Text>
            ) : null}
            <Select
              allowClear
              placeholder={t('catalog.check.filterKind')}
              style={{ width: 160 }}
              value={kind}
              onChange={(k?: CheckIssueKind) => url.patch({ kind: k })}
              options={KINDS.map((k) => ({ value: k, label: t(`catalog.check.kind.${k}`) }))}
            />
          </Flex>
          <Table<ProductCheck>
            rowKey="productId"
            size="middle"
            loading={report.isFetching}
            dataSource={items}
            locale={{ emptyText: <Empty description={t('catalog.check.allGood')} /> }}
            expandable={{ expandedRowRender: (p) => <IssueList issues={p.issues} /> }}
            pagination={{
              current: url.page,
              onChange: (p) => url.setPage(p),
              pageSize: 50,
              hideOnSinglePage: true,
              showTotal: (total) => t('common.total', { count: total }),
            }}
            data-testid="check-report-table"
            columns={[
              { title: t('catalog.list.product'), key: 'title', render: (_, p) => <Link to={`/products/${p.productId}`}>{p.title}</Link> },
              { title: t('catalog.list.code'), dataIndex: 'code', width: 120, render: (v: string | null) => v ?? '—' },
              { title: t('common.status'), dataIndex: 'status', width: 100, render: (s: ProductStatus) => <StatusTag status={s} /> },
              {
                title: t('catalog.check.issues'),
                key: 'issues',
                render: (_, p) => {
                  const kinds = [...new Set(p.issues.map((i) => i.kind))];
                  return kinds.map((k) => (
                    <Tag key={k} color={p.issues.some((i) => i.kind === k && i.severity === 'error') ? 'red' : 'gold'}>
                      {t(`catalog.check.kind.${k}`)} × {p.issues.filter((i) => i.kind === k).length}
                    </Tag>
                  ));
                },
              },
            ]}
          />
        </>
      )}
    </PageContainer>
  );
}
