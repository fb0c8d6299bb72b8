import { useMemo } from 'react';
import { Alert, Button, Card, Col, DatePicker, Empty, Row, Space, Table, Tabs, Tooltip, Typography, type TableProps } from 'antd';
import { DownloadOutlined, LeftOutlined, QuestionCircleOutlined, RightOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import {
  METRICS,
  monthStart,
  REPORT_DAILY_METRICS,
  REPORT_KINDS,
  REPORT_PRODUCT_METRICS,
  reportMetric,
  weekStart,
  type MetricKey,
  type ReportDay,
  type ReportFigures,
  type ReportKind,
  type ReportMetricKey,
  type ReportPeriod,
  type ReportProductRow,
  type ReportResponse,
} from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { PageContainer } from '../../components/PageContainer';
import { Loading, QueryError } from '../../components/QueryState';
import { AdLinesCard } from '../analytics/AdLines';
import { Delta, MetricLabel } from '../analytics/MetricLabel';
import { formatByFormat } from '../analytics/metricFormat';
import { todayIn, useShopQuery } from '../analytics/period';
import { reportExportUrl, useReport } from './api';

const FMT = 'YYYY-MM-DD';
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The figures shown as cards, in order. */
const SUMMARY_CARDS: readonly ReportMetricKey[] = [
  'paidFen',
  'uv',
  'payConversion',
  'aov',
  'payingBuyers',
  'paidOrders',
  'units',
  'visitorValue',
  'pvPerVisitor',
  'avgDwellMs',
  'bounceRate',
  'orderConversion',
  'refundFen',
  'refundRate',
  'grossProfitFen',
  'grossMargin',
];

const isCoreMetric = (k: string): k is MetricKey => Object.prototype.hasOwnProperty.call(METRICS, k);

function fmt(key: ReportMetricKey, v: number | null | undefined): string {
  return formatByFormat(reportMetric(key).format, v);
}

const value = (f: object, k: ReportMetricKey): number | null => (f as Record<string, number | null>)[k] ?? null;

/** The change of each figure: a rise red, a fall green (components/Change.tsx). */
const deltaMetric = (k: ReportMetricKey): string => (k === 'refundRate' ? 'refundFen' : k);

/** A figure's name with its definition as a tooltip (glossary metrics through the analytics label). */
function ReportMetricLabel({ metric }: { metric: ReportMetricKey }) {
  const { i18n } = useTranslation();
  if (isCoreMetric(metric)) return <MetricLabel metric={metric} />;
  const m = reportMetric(metric);
  const en = i18n.language === 'en';
  return (
    <span style={{ whiteSpace: 'nowrap' }} data-metric={metric}>
      {en ? m.en : m.zh}
      <Tooltip title={en ? m.defEn : m.defZh}>
        <QuestionCircleOutlined
          style={{ marginInlineStart: 4, color: 'rgba(0,0,0,0.45)', cursor: 'help', fontSize: 12 }}
          data-testid={`metric-help-${metric}`}
          aria-label={en ? m.defEn : m.defZh}
        />
      </Tooltip>
    </span>
  );
}

/** The report's kind and day, kept in the URL (`kind`, `date`). */
function useReportParams() {
  const [params, setParams] = useSearchParams();
  const { shopId, timeZone } = useShopQuery();
  const today = todayIn(timeZone);
  const rawKind = params.get('kind');
  const kind: ReportKind = (REPORT_KINDS as readonly string[]).includes(rawKind ?? '') ? (rawKind as ReportKind) : 'daily';
  const rawDate = params.get('date');
  const fallback = kind === 'daily' ? dayjs(today).subtract(1, 'day').format(FMT) : today;
  const date = rawDate && DAY.test(rawDate) && rawDate <= today ? rawDate : fallback;
  // From the address bar, not the render's params: a change made before the page re-rendered
  // (a tab click, then a date typed at once) must not be undone by a handler of the older render.
  const set = (next: { kind?: ReportKind; date?: string }) => {
    const p = new URLSearchParams(window.location.search);
    if (next.kind) p.set('kind', next.kind);
    if (next.date) p.set('date', next.date);
    setParams(p);
  };
  return { shopId, today, kind, date, set };
}

/** The first day of the period after (step 1) or before (step −1) the one containing date. */
function stepPeriod(kind: ReportKind, date: string, step: 1 | -1): string {
  switch (kind) {
    case 'daily':
      return dayjs(date).add(step, 'day').format(FMT);
    case 'weekly':
      return dayjs(weekStart(date))
        .add(step * 7, 'day')
        .format(FMT);
    case 'monthly':
      return dayjs(monthStart(date)).add(step, 'month').format(FMT);
  }
}

const range = (from: string, to: string) => (from === to ? from : `${from} ~ ${to}`);

/** 报表: 运营日报 / 周报 / 月报 with comparisons, the 全店运营数据汇总表, the product table and exports. */
export function ReportsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { shopId, today, kind, date, set } = useReportParams();
  const q = useReport({ kind, shopId, date });
  const next = stepPeriod(kind, date, 1);

  const controls = (
    <Space wrap>
      <Button icon={<LeftOutlined />} onClick={() => set({ date: stepPeriod(kind, date, -1) })} data-testid="report-prev">
        {t(`reports.prev.${kind}`)}
      </Button>
      <DatePicker
        allowClear={false}
        value={dayjs(date)}
        disabledDate={(d: Dayjs) => d.format(FMT) > today}
        onChange={(d) => {
          if (d) set({ date: d.format(FMT) });
        }}
        data-testid="report-date"
      />
      <Button onClick={() => set({ date: next > today ? today : next })} disabled={next > today} data-testid="report-next">
        {t(`reports.next.${kind}`)}
        <RightOutlined />
      </Button>
      {can('analytics.export') ? (
        <Tooltip title={t('reports.exportHint')}>
          <Space.Compact>
            <Button
              icon={<DownloadOutlined />}
              href={reportExportUrl({ kind, shopId, date, format: 'xlsx' })}
              data-testid="report-export-xlsx"
            >
              {t('reports.exportXlsx')}
            </Button>
            <Button href={reportExportUrl({ kind, shopId, date, format: 'csv' })} data-testid="report-export-csv">
              {t('reports.exportCsv')}
            </Button>
          </Space.Compact>
        </Tooltip>
      ) : null}
    </Space>
  );

  return (
    <PageContainer title={t('reports.title')} bare extra={controls}>
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <Card size="small" styles={{ body: { paddingBottom: 0 } }}>
          <Tabs
            activeKey={kind}
            onChange={(k) => set({ kind: k as ReportKind, date })}
            items={REPORT_KINDS.map((k) => ({ key: k, label: t(`reports.kind.${k}`) }))}
            data-testid="report-kind"
          />
        </Card>
        {q.isPending ? (
          <Card>
            <Loading />
          </Card>
        ) : q.isError ? (
          <Card>
            <QueryError error={q.error} onRetry={() => void q.refetch()} />
          </Card>
        ) : (
          <ReportBody r={q.data} stale={q.isPlaceholderData} />
        )}
      </Space>
    </PageContainer>
  );
}

function hasData(f: ReportFigures): boolean {
  return f.uv > 0 || f.pv > 0 || f.orders > 0 || f.paidOrders > 0;
}

function ReportBody({ r, stale }: { r: ReportResponse; stale: boolean }) {
  const { t } = useTranslation();
  const compareLabel = (p: ReportPeriod) => t(`reports.compare.${p.key}`);
  return (
    <Space
      orientation="vertical"
      size={16}
      style={{ width: '100%', opacity: stale ? 0.6 : 1 }}
      data-testid="report-body"
      data-period={`${r.current.from}~${r.current.to}`}
    >
      <Card title={t('reports.summary')} data-testid="report-summary" data-from={r.current.from} data-to={r.current.to}>
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          <Space wrap size={16}>
            <Typography.Text strong data-testid="report-period">
              {t('reports.period', { range: range(r.current.from, r.current.to) })}
              {r.complete ? '' : t('reports.running')}
            </Typography.Text>
            {r.comparisons.map((c) => (
              <Typography.Text type="secondary" key={c.key}>
                {t('reports.compareRange', { label: compareLabel(c), range: range(c.from, c.to) })}
              </Typography.Text>
            ))}
          </Space>
          {hasData(r.current.figures) ? null : <Alert type="info" showIcon title={t('reports.empty')} data-testid="report-empty" />}
          <Row gutter={[12, 12]}>
            {SUMMARY_CARDS.map((k) => (
              <Col key={k} xs={24} sm={12} lg={8} xl={6}>
                <Card size="small" data-testid={`report-kpi-${k}`} style={{ height: '100%' }}>
                  <ReportMetricLabel metric={k} />
                  <div style={{ fontSize: 22, fontWeight: 600, margin: '4px 0' }} data-testid={`report-kpi-${k}-value`}>
                    {fmt(k, value(r.current.figures, k))}
                  </div>
                  <Space orientation="vertical" size={0}>
                    {r.comparisons.map((c) => (
                      <Space key={c.key} size={8} wrap>
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {compareLabel(c)} {fmt(k, value(c.figures, k))}
                        </Typography.Text>
                        <Delta
                          metric={deltaMetric(k)}
                          current={value(r.current.figures, k)}
                          base={value(c.figures, k)}
                          testId={`report-kpi-${k}-vs-${c.key}`}
                        />
                      </Space>
                    ))}
                  </Space>
                </Card>
              </Col>
            ))}
          </Row>
        </Space>
      </Card>
      <AdLinesCard
        testId="report-ads"
        periods={[
          { key: 'current', label: t('reports.period', { range: range(r.current.from, r.current.to) }), lines: r.current.ads },
          ...r.comparisons.map((c) => ({
            key: c.key,
            label: t('reports.compareRange', { label: compareLabel(c), range: range(c.from, c.to) }),
            lines: c.ads,
          })),
        ]}
      />
      <DailyTable r={r} />
      <ProductsTable r={r} />
    </Space>
  );
}

function DailyTable({ r }: { r: ReportResponse }) {
  const { t } = useTranslation();
  const columns: TableProps<ReportDay>['columns'] = [
    { title: t('reports.col.day'), dataIndex: 'day', key: 'day', fixed: 'left', width: 120 },
    ...REPORT_DAILY_METRICS.map((k) => ({
      title: <ReportMetricLabel metric={k} />,
      key: k,
      align: 'right' as const,
      render: (_: unknown, d: ReportDay) => fmt(k, value(d, k)),
    })),
  ];
  return (
    <Card title={t('reports.daily')}>
      <Table<ReportDay>
        size="small"
        rowKey="day"
        columns={columns}
        dataSource={r.days}
        pagination={false}
        scroll={{ x: 'max-content' }}
        data-testid="report-daily-table"
        summary={() => (
          <Table.Summary fixed>
            <Table.Summary.Row data-testid="report-daily-total" style={{ fontWeight: 600 }}>
              <Table.Summary.Cell index={0}>{t('reports.col.total')}</Table.Summary.Cell>
              {REPORT_DAILY_METRICS.map((k, i) => (
                <Table.Summary.Cell key={k} index={i + 1} align="right">
                  {fmt(k, value(r.current.figures, k))}
                </Table.Summary.Cell>
              ))}
            </Table.Summary.Row>
          </Table.Summary>
        )}
      />
    </Card>
  );
}

function ProductsTable({ r }: { r: ReportResponse }) {
  const { t } = useTranslation();
  const { from, to } = r.current;
  const columns = useMemo<TableProps<ReportProductRow>['columns']>(
    () => [
      {
        title: t('reports.col.product'),
        key: 'title',
        fixed: 'left',
        render: (_, p) => (
          <Link to={`/analytics/products/${encodeURIComponent(p.productId)}?from=${from}&to=${to}`}>
            <Typography.Text ellipsis={{ tooltip: p.title }} style={{ maxWidth: 280, color: 'inherit' }}>
              {p.title}
            </Typography.Text>
          </Link>
        ),
      },
      ...REPORT_PRODUCT_METRICS.map((k) => ({
        title: <ReportMetricLabel metric={k} />,
        key: k,
        align: 'right' as const,
        sorter: (a: ReportProductRow, b: ReportProductRow) => (a[k] ?? -Infinity) - (b[k] ?? -Infinity),
        render: (_: unknown, p: ReportProductRow) => fmt(k, p[k]),
      })),
    ],
    [t, from, to],
  );
  return (
    <Card title={t('reports.products')}>
      <Table<ReportProductRow>
        size="small"
        rowKey="productId"
        columns={columns}
        dataSource={r.products}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('reports.emptyProducts')} /> }}
        data-testid="report-products-table"
      />
    </Card>
  );
}
