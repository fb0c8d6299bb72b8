import { useMemo } from 'react';
import { Alert, Card, Col, Divider, Empty, List, Row, Select, Space, Table, Tag, Tooltip, Typography, type TableProps } from 'antd';
import { AlertOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { type DashboardCard, type DashboardResponse, type DayPoint, type MetricKey, type ProductRow, type SourceRow } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { EChart } from '../../components/charts/EChart';
import type { EChartsCoreOption } from '../../components/charts/echarts';
import { fenToYuan, formatCount, formatDateTime, formatPercent, formatYuanShort } from '../../components/format';
import { useLabels } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { QueryPage } from '../../components/QueryState';
import { useUrlState } from '../../components/useUrlState';
import { useDashboard, useDemoInfo } from './api';
import { Delta, MetricLabel, useMetricText, metricValueColumn } from './MetricLabel';
import { formatMetric, ratio } from './metricFormat';
import { useShopQuery } from './period';
import { shortDay, TrendAndFunnel } from './shared';

/** Alerts shown per list; the rest is one click away. */
const ALERT_ROWS = 6;
const TREND_METRICS = ['uvPaid', 'pv', 'payingBuyers', 'payConversion', 'aov', 'orders', 'refundFen'] as const;
type TrendMetric = (typeof TREND_METRICS)[number];

function dayValue(p: DayPoint, m: Exclude<TrendMetric, 'uvPaid'>): number | null {
  switch (m) {
    case 'payConversion':
      return ratio(p.payingBuyers, p.uv);
    case 'aov':
      return ratio(p.paidFen, p.payingBuyers);
    default:
      return p[m];
  }
}

/** 工作台: today and yesterday at a glance, the 30-day trend, the funnel, sources, products, alerts. */
export function DashboardPage() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const greeting = (
    <Typography.Text type="secondary" data-testid="home-greeting">
      {t('home.greeting', { name: me.user.displayName })}
    </Typography.Text>
  );
  const { shopId } = useShopQuery();
  const q = useDashboard(shopId);
  const title = t('analytics.dashboard.title');

  return (
    <QueryPage query={q} title={title} extra={greeting}>
      {(d) => (
        <PageContainer
          title={title}
          bare
          extra={
            <>
              {greeting}
              <Typography.Text type="secondary">{t('analytics.dashboard.today', { day: d.today })}</Typography.Text>
            </>
          }
        >
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            {d.isDemo ? <DemoBanner /> : null}
            <KpiCards cards={d.cards} asOf={d.asOf} />
            <TrendAndFunnel
              trend={<TrendCard trend={d.trend} />}
              funnelTitle={t('analytics.dashboard.funnel')}
              steps={d.funnel}
              testId="dashboard-funnel"
              height={320}
            />
            <Row gutter={[16, 16]}>
              <Col xs={24} xxl={12}>
                <TopSources rows={d.topSources} />
              </Col>
              <Col xs={24} xxl={12}>
                <TopProducts rows={d.topProducts} />
              </Col>
            </Row>
            <Alerts alerts={d.alerts} />
          </Space>
        </PageContainer>
      )}
    </QueryPage>
  );
}

function DemoBanner() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const demo = useDemoInfo(true);
  const shops = demo.data?.loaded ? demo.data.shops.map((s) => s.name).join(t('analytics.listSeparator')) : '';
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="demo-banner"
      title={t('analytics.demo.title')}
      description={
        <Space orientation="vertical" size={2}>
          <span>{t('analytics.demo.body')}</span>
          {shops ? <span>{t('analytics.demo.shops', { shops })}</span> : null}
          <span>
            {can('shops.read') ? (
              <Link to="/settings/shops" data-testid="demo-banner-link">
                {t('analytics.demo.where')}
              </Link>
            ) : (
              t('analytics.demo.where')
            )}
          </span>
        </Space>
      }
    />
  );
}

function KpiCards({ cards, asOf }: { cards: DashboardCard[]; asOf: string }) {
  const { t } = useTranslation();
  if (cards.length === 0) {
    return (
      <Card data-testid="dashboard-cards">
        <Empty description={t('analytics.empty.cards')} />
      </Card>
    );
  }
  return (
    <Row gutter={[16, 16]} data-testid="dashboard-cards">
      {cards.map((c) => (
        <Col key={c.metric} xs={24} sm={12} lg={6}>
          <Card size="small" data-testid={`card-${c.metric}`} style={{ height: '100%' }}>
            <Space style={{ width: '100%', justifyContent: 'space-between' }}>
              <MetricLabel metric={c.metric} style={{ color: 'rgba(0,0,0,0.65)' }} />
              <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid={`card-${c.metric}-asof`}>
                {t('analytics.dashboard.todaySoFarAt', { time: asOf })}
              </Typography.Text>
            </Space>
            <div style={{ fontSize: 24, fontWeight: 600, margin: '4px 0' }} data-testid={`card-${c.metric}-today`}>
              {formatMetric(c.metric, c.today)}
            </div>
            <Space size={12} wrap>
              <Delta
                metric={c.metric}
                current={c.today}
                base={c.yesterdaySameTime}
                label={
                  <Tooltip title={t('analytics.dashboard.sameTimeHint', { time: asOf })}>
                    <span data-testid={`card-${c.metric}-vs-yesterday`}>{t('analytics.dashboard.vsYesterdaySameTime')}</span>
                  </Tooltip>
                }
              />
              <Delta
                metric={c.metric}
                current={c.today}
                base={c.lastWeekSameTime}
                label={
                  <Tooltip title={t('analytics.dashboard.sameTimeHintWeek', { time: asOf })}>
                    <span>{t('analytics.dashboard.vsLastWeekSameTime')}</span>
                  </Tooltip>
                }
              />
            </Space>
            <Divider style={{ margin: '8px 0' }} />
            <Space size={8} wrap>
              <Typography.Text type="secondary">{t('analytics.dashboard.yesterday')}</Typography.Text>
              <Typography.Text strong data-testid={`card-${c.metric}-yesterday`}>
                {formatMetric(c.metric, c.yesterday)}
              </Typography.Text>
            </Space>
            <div>
              <Space size={12} wrap>
                <Delta metric={c.metric} current={c.yesterday} base={c.dayBefore} label={t('analytics.dashboard.vsDayBefore')} />
                <Delta metric={c.metric} current={c.yesterday} base={c.yesterdayLastWeek} label={t('analytics.dashboard.vsLastWeek')} />
              </Space>
            </div>
          </Card>
        </Col>
      ))}
    </Row>
  );
}

function TrendCard({ trend }: { trend: DayPoint[] }) {
  const { t } = useTranslation();
  const mt = useMetricText();
  const url = useUrlState();
  const raw = url.get('trend');
  const metric: TrendMetric = (TREND_METRICS as readonly string[]).includes(raw ?? '') ? (raw as TrendMetric) : 'uvPaid';
  const setMetric = (m: TrendMetric) => url.patch({ trend: m === 'uvPaid' ? undefined : m }, { replace: true });
  const empty = trend.length === 0 || trend.every((p) => p.uv === 0 && p.paidFen === 0 && p.orders === 0);

  const option = useMemo<EChartsCoreOption>(() => {
    const days = trend.map((p) => shortDay(p.day));
    const grid = { left: 56, right: 64, top: 40, bottom: 28 };
    if (metric === 'uvPaid') {
      return {
        grid,
        legend: { top: 0 },
        tooltip: {
          trigger: 'axis',
          formatter: (ps: { dataIndex: number }[]) => {
            const p = trend[ps[0]?.dataIndex ?? 0];
            if (!p) return '';
            return `${p.day}<br/>${mt.name('uv')}: ${formatMetric('uv', p.uv)}<br/>${mt.name('paidFen')}: ${formatMetric('paidFen', p.paidFen)}`;
          },
        },
        xAxis: { type: 'category', data: days },
        yAxis: [
          { type: 'value', name: mt.name('uv'), minInterval: 1, axisLabel: { formatter: (v: number) => formatCount(v) } },
          {
            type: 'value',
            name: mt.name('paidFen'),
            splitLine: { show: false },
            axisLabel: { formatter: (v: number) => formatYuanShort(v) },
          },
        ],
        series: [
          { name: mt.name('uv'), type: 'bar', barMaxWidth: 14, data: trend.map((p) => p.uv) },
          {
            name: mt.name('paidFen'),
            type: 'line',
            yAxisIndex: 1,
            data: trend.map((p) => fenToYuan(p.paidFen)),
          },
        ],
      };
    }
    const key: MetricKey = metric;
    const values = trend.map((p) => dayValue(p, metric));
    const isMoney = key === 'aov' || key === 'refundFen';
    return {
      grid,
      tooltip: {
        trigger: 'axis',
        formatter: (ps: { dataIndex: number }[]) => {
          const i = ps[0]?.dataIndex ?? 0;
          return `${trend[i]?.day ?? ''}<br/>${mt.name(key)}: ${formatMetric(key, values[i])}`;
        },
      },
      xAxis: { type: 'category', data: days },
      yAxis: {
        type: 'value',
        name: mt.name(key),
        axisLabel: {
          formatter: (v: number) => (key === 'payConversion' ? formatPercent(v, 1) : isMoney ? formatYuanShort(v) : formatCount(v)),
        },
      },
      series: [
        {
          name: mt.name(key),
          type: 'line',
          areaStyle: { opacity: 0.12 },
          connectNulls: false,
          data: values.map((v) => (v === null ? null : isMoney ? fenToYuan(v) : v)),
        },
      ],
    };
  }, [trend, metric, mt]);

  return (
    <Card
      title={t('analytics.dashboard.trend')}
      extra={
        <Select<TrendMetric>
          size="small"
          value={metric}
          onChange={setMetric}
          style={{ width: 150 }}
          options={TREND_METRICS.map((m) => ({ value: m, label: m === 'uvPaid' ? t('analytics.dashboard.uvPaid') : mt.name(m) }))}
          data-testid="trend-metric"
        />
      }
      style={{ height: '100%' }}
    >
      <EChart option={option} height={320} empty={empty} emptyText={t('analytics.empty.trend')} data-testid="dashboard-trend" />
    </Card>
  );
}

function TopSources({ rows }: { rows: SourceRow[] }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const columns: TableProps<SourceRow>['columns'] = [
    {
      title: t('analytics.col.source'),
      key: 'name',
      render: (_, r) => (
        <Space size={4}>
          <span>{labels.source(r.code, r.name)}</span>
          <Tag bordered={false}>{labels.sourceGroup(r.group)}</Tag>
        </Space>
      ),
    },
    metricValueColumn('uv'),
    metricValueColumn('share'),
    metricValueColumn('paidFen'),
    metricValueColumn('payConversion'),
  ];
  return (
    <Card title={t('analytics.dashboard.topSources')} extra={<Link to="/analytics/traffic">{t('analytics.more')}</Link>}>
      <Table<SourceRow>
        size="small"
        rowKey="code"
        columns={columns}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('analytics.empty.sources')} /> }}
        data-testid="top-sources"
      />
    </Card>
  );
}

function TopProducts({ rows }: { rows: ProductRow[] }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const columns: TableProps<ProductRow>['columns'] = [
    {
      title: t('analytics.col.product'),
      key: 'title',
      render: (_, r) => (
        <Link to={`/analytics/products/${encodeURIComponent(r.productId)}`} onClick={(e) => e.stopPropagation()}>
          <Typography.Text ellipsis={{ tooltip: r.title }} style={{ maxWidth: 320, color: 'inherit' }}>
            {r.title}
          </Typography.Text>
        </Link>
      ),
    },
    metricValueColumn('uv'),
    metricValueColumn('payingBuyers'),
    metricValueColumn('paidFen'),
    metricValueColumn('payConversion'),
  ];
  return (
    <Card title={t('analytics.dashboard.topProducts')} extra={<Link to="/analytics/products">{t('analytics.more')}</Link>}>
      <Table<ProductRow>
        size="small"
        rowKey="productId"
        columns={columns}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 'max-content' }}
        onRow={(r) => ({
          onClick: () => void navigate(`/analytics/products/${encodeURIComponent(r.productId)}`),
          style: { cursor: 'pointer' },
        })}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('analytics.empty.products')} /> }}
        data-testid="top-products"
      />
    </Card>
  );
}

function Alerts({ alerts }: { alerts: DashboardResponse['alerts'] }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  // Links only for those who may open the target page; the figures themselves stay visible.
  const stockLinks = can('inventory.read');
  const aftersaleLinks = can('aftersales.read');
  const labels = useLabels();
  return (
    <Card
      title={
        <Space>
          <AlertOutlined />
          {t('analytics.dashboard.alerts')}
        </Space>
      }
      data-testid="dashboard-alerts"
    >
      <Row gutter={[24, 16]}>
        <Col xs={24} lg={12}>
          <Typography.Title level={5} style={{ marginTop: 0 }}>
            {t('analytics.alerts.lowStock', { count: alerts.lowStock.length })}
          </Typography.Title>
          <List
            size="small"
            dataSource={alerts.lowStock.slice(0, ALERT_ROWS)}
            footer={
              alerts.lowStock.length > ALERT_ROWS && stockLinks ? (
                <Link to="/inventory">{t('analytics.alerts.moreStock', { count: alerts.lowStock.length - ALERT_ROWS })}</Link>
              ) : null
            }
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('analytics.alerts.noLowStock')} /> }}
            renderItem={(a) => (
              <List.Item
                actions={
                  stockLinks
                    ? [
                        <Link key="go" to={`/inventory?skuId=${encodeURIComponent(a.skuId)}`} data-testid={`alert-stock-${a.skuId}`}>
                          {t('analytics.alerts.viewStock')}
                        </Link>,
                      ]
                    : []
                }
              >
                <List.Item.Meta
                  title={
                    <Space size={6}>
                      <Typography.Text code>{a.code}</Typography.Text>
                      <Typography.Text ellipsis style={{ maxWidth: 260 }}>
                        {a.title}
                      </Typography.Text>
                    </Space>
                  }
                  description={t('analytics.alerts.stockLine', {
                    available: formatCount(a.available),
                    threshold: formatCount(a.threshold),
                  })}
                />
              </List.Item>
            )}
          />
        </Col>
        <Col xs={24} lg={12}>
          <Space style={{ width: '100%', justifyContent: 'space-between' }}>
            <Typography.Title level={5} style={{ marginTop: 0 }}>
              {t('analytics.alerts.overdue', { count: alerts.overdueAftersales.length })}
            </Typography.Title>
            {aftersaleLinks ? (
              <Link to="/aftersales/overdue" data-testid="alert-overdue-all">
                {t('analytics.alerts.viewOverdue')}
              </Link>
            ) : null}
          </Space>
          <List
            size="small"
            dataSource={alerts.overdueAftersales.slice(0, ALERT_ROWS)}
            footer={
              alerts.overdueAftersales.length > ALERT_ROWS && aftersaleLinks ? (
                <Link to="/aftersales/overdue">
                  {t('analytics.alerts.moreOverdue', { count: alerts.overdueAftersales.length - ALERT_ROWS })}
                </Link>
              ) : null
            }
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('analytics.alerts.noOverdue')} /> }}
            renderItem={(a) => (
              <List.Item
                actions={
                  aftersaleLinks
                    ? [
                        <Link key="go" to={`/aftersales/${encodeURIComponent(a.id)}`}>
                          {t('analytics.alerts.handle')}
                        </Link>,
                      ]
                    : []
                }
              >
                <List.Item.Meta
                  title={
                    <Space size={6}>
                      <Typography.Text code>{a.code}</Typography.Text>
                      <Tag>{labels.aftersaleType(a.type)}</Tag>
                    </Space>
                  }
                  description={t('analytics.alerts.dueAt', { at: formatDateTime(a.dueAt) })}
                />
              </List.Item>
            )}
          />
        </Col>
      </Row>
    </Card>
  );
}
