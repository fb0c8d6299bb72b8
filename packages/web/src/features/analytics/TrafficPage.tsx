import { useMemo } from 'react';
import { Card, Col, Empty, Row, Select, Space, Table, Tag, Tooltip, Typography, type TableProps } from 'antd';
import { QuestionCircleOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import {
  SOURCE_GROUP_NAMES,
  type MetricKey,
  type SourceFigures,
  type SourceGroupRow,
  type SourceRow,
  type TrafficResponse,
} from '@yunying/core';
import { ChangeValue } from '../../components/Change';
import { formatCount } from '../../components/format';
import { EChart } from '../../components/charts/EChart';
import type { EChartsCoreOption } from '../../components/charts/echarts';
import { useLabels } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { QueryPage } from '../../components/QueryState';
import { useTraffic } from './api';
import { MetricLabel, useMetricText } from './MetricLabel';
import { formatByFormat, formatMetric } from './metricFormat';
import { PeriodPicker, usePeriod, useShopQuery } from './period';
import { Figure, shortDay, TrendAndFunnel } from './shared';

type TreeRow = (SourceGroupRow & { isGroup: true }) | (SourceRow & { isGroup?: false; children?: undefined });

/** 流量分析: where visitors come from (two-level source tree), per-source trend, funnel, behaviour. */
export function TrafficPage() {
  const { t } = useTranslation();
  const { shopId } = useShopQuery();
  const period = usePeriod();
  const q = useTraffic({ shopId, from: period.from, to: period.to });
  const title = t('analytics.traffic.title');
  const extra = <PeriodPicker period={period} />;

  return (
    <QueryPage query={q} title={title} extra={extra}>
      {(d) => (
        <PageContainer title={title} extra={extra} bare>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Behaviour data={d} />
            <SourceTree data={d} loading={q.isFetching} />
            <TrendAndFunnel
              trend={<SourceTrend data={d} />}
              funnelTitle={t('analytics.traffic.funnel')}
              steps={d.funnel}
              testId="traffic-funnel"
              height={340}
            />
          </Space>
        </PageContainer>
      )}
    </QueryPage>
  );
}

function Behaviour({ data }: { data: TrafficResponse }) {
  const { t } = useTranslation();
  const { totals, baseTotals } = data;
  const metrics = ['uv', 'pv', 'bounceRate', 'pvPerVisitor', 'avgDwellMs', 'payingBuyers', 'paidFen'] as const;
  return (
    <Card
      title={t('analytics.traffic.behaviour')}
      extra={<Typography.Text type="secondary">{t('analytics.traffic.vsBase', { from: data.baseFrom, to: data.baseTo })}</Typography.Text>}
      data-testid="traffic-behaviour"
    >
      <Row gutter={[16, 16]}>
        {metrics.map((m) => (
          <Col key={m} xs={12} md={6} lg={3} data-testid={`behaviour-${m}`}>
            <Figure
              label={<MetricLabel metric={m} />}
              value={formatMetric(m, totals[m])}
              extra={<ChangeValue current={totals[m]} base={baseTotals[m]} testId={`behaviour-change-${m}`} />}
            />
          </Col>
        ))}
        <Col xs={12} md={6} lg={3} data-testid="behaviour-paidShare">
          <Figure
            label={<HelpLabel name={t('analytics.adLines.paidShare')} def={t('analytics.adLines.paidShareDef')} />}
            value={
              <Tooltip title={t('analytics.adLines.paidUv', { uv: formatCount(data.paidTraffic.uv) })}>
                <span data-testid="behaviour-paidShare-value">{formatByFormat('percent', data.paidTraffic.share)}</span>
              </Tooltip>
            }
            extra={<ChangeValue current={data.paidTraffic.share} base={data.basePaidTraffic.share} testId="behaviour-change-paidShare" />}
          />
        </Col>
        <Col xs={12} md={6} lg={3} data-testid="behaviour-visitorCost">
          <Figure
            label={<HelpLabel name={t('analytics.adLines.visitorCost')} def={t('analytics.adLines.visitorCostDef')} />}
            value={
              data.paidTraffic.spendFen === null ? (
                <Typography.Text type="secondary" data-testid="behaviour-visitorCost-value">
                  {t('analytics.adLines.noData')}
                </Typography.Text>
              ) : (
                <span data-testid="behaviour-visitorCost-value">{formatByFormat('money', data.paidTraffic.visitorCostFen)}</span>
              )
            }
            extra={
              data.paidTraffic.visitorCostFen !== null && data.basePaidTraffic.visitorCostFen !== null ? (
                <ChangeValue current={data.paidTraffic.visitorCostFen} base={data.basePaidTraffic.visitorCostFen} />
              ) : null
            }
          />
        </Col>
      </Row>
    </Card>
  );
}

/** A figure's name with its definition in a tooltip (figures the core glossary does not key). */
function HelpLabel({ name, def }: { name: string; def: string }) {
  return (
    <span style={{ whiteSpace: 'nowrap' }}>
      {name}
      <Tooltip title={def}>
        <QuestionCircleOutlined style={{ marginInlineStart: 4, color: 'rgba(0,0,0,0.45)', cursor: 'help', fontSize: 12 }} />
      </Tooltip>
    </span>
  );
}

/** A figure of the tree with its change against the comparison period below it. */
function compareColumn(metric: MetricKey & keyof SourceFigures): NonNullable<TableProps<TreeRow>['columns']>[number] {
  return {
    title: <MetricLabel metric={metric === 'payConversion' ? 'itemPayConversion' : metric} />,
    key: metric,
    align: 'right',
    render: (_, r) => (
      <Space orientation="vertical" size={0} style={{ alignItems: 'flex-end' }}>
        <span>{formatMetric(metric, r[metric])}</span>
        {r.base ? <ChangeValue current={r[metric]} base={r.base[metric]} size="small" testId={`tree-change-${metric}-${r.code}`} /> : null}
      </Space>
    ),
  };
}

function SourceTree({ data, loading }: { data: TrafficResponse; loading: boolean }) {
  const { t, i18n } = useTranslation();
  const labels = useLabels();
  const rows: TreeRow[] = data.tree.map((g) => ({ ...g, isGroup: true as const }));
  // First-level names in the channel's own words (the server's zh; en from the same table).
  const groupName = (g: SourceGroupRow) =>
    i18n.language === 'en'
      ? (SOURCE_GROUP_NAMES[data.family][g.code as keyof (typeof SOURCE_GROUP_NAMES)['taobao']]?.en ?? g.name)
      : g.name;
  const columns: TableProps<TreeRow>['columns'] = [
    {
      title: t('analytics.col.source'),
      key: 'name',
      render: (_, r) =>
        r.isGroup ? (
          <Space size={6}>
            <strong data-testid={`tree-group-${r.code}`}>{groupName(r)}</strong>
            <Tag bordered={false}>{t('analytics.traffic.sourceCount', { count: r.children.length })}</Tag>
            {r.uvIsSum ? (
              <Tooltip title={t('analytics.traffic.uvIsSumHint')}>
                <Tag color="gold" bordered={false} data-testid={`uv-is-sum-${r.code}`}>
                  {t('analytics.traffic.uvIsSum')}
                </Tag>
              </Tooltip>
            ) : null}
          </Space>
        ) : (
          <span data-testid={`tree-source-${r.code}`}>{i18n.language === 'en' ? labels.source(r.code, r.name) : r.name}</span>
        ),
    },
    { ...compareColumn('uv'), title: <MetricLabel metric="groupUv" /> },
    compareColumn('share'),
    compareColumn('payingBuyers'),
    compareColumn('paidFen'),
    compareColumn('payConversion'),
    compareColumn('visitorValue'),
  ];
  return (
    <Card
      title={t('analytics.traffic.sources')}
      extra={<span style={{ color: 'rgba(0,0,0,0.45)' }}>{t('analytics.traffic.shareHint')}</span>}
    >
      <Table<TreeRow>
        size="middle"
        rowKey={(r) => (r.isGroup ? `group:${r.code}` : r.code)}
        columns={columns}
        dataSource={rows}
        loading={loading}
        pagination={false}
        scroll={{ x: 'max-content' }}
        expandable={{ defaultExpandAllRows: false, rowExpandable: (r) => !!r.isGroup && r.children.length > 0 }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('analytics.empty.sources')} /> }}
        data-testid="traffic-tree"
      />
    </Card>
  );
}

function SourceTrend({ data }: { data: TrafficResponse }) {
  const { t } = useTranslation();
  const mt = useMetricText();
  const labels = useLabels();
  const [params, setParams] = useSearchParams();

  // Every source that had visitors, biggest first.
  const ranked = useMemo(() => {
    const total = new Map<string, number>();
    for (const p of data.trend) for (const [code, uv] of Object.entries(p.bySource)) total.set(code, (total.get(code) ?? 0) + uv);
    return [...total.entries()].sort((a, b) => b[1] - a[1]).map(([code]) => code);
  }, [data.trend]);
  const nameOf = useMemo(() => {
    const m = new Map<string, string>();
    for (const g of data.tree) for (const c of g.children) m.set(c.code, c.name);
    return (code: string) => labels.source(code, m.get(code));
  }, [data.tree, labels]);

  const picked = params.get('sources');
  const selected = picked ? picked.split(',').filter((c) => ranked.includes(c)) : ranked.slice(0, 5);
  const setSelected = (codes: string[]) => {
    const p = new URLSearchParams(params);
    if (codes.length === 0) p.set('sources', '');
    else p.set('sources', codes.join(','));
    setParams(p, { replace: true });
  };

  const empty = data.trend.length === 0 || ranked.length === 0 || selected.length === 0;
  const option = useMemo<EChartsCoreOption>(
    () => ({
      grid: { left: 48, right: 16, top: 40, bottom: 28 },
      legend: { top: 0, type: 'scroll' },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: number | null) => (v === null ? '' : formatCount(v)),
      },
      xAxis: { type: 'category', boundaryGap: false, data: data.trend.map((p) => shortDay(p.day)) },
      yAxis: { type: 'value', name: mt.name('uv'), minInterval: 1, axisLabel: { formatter: (v: number) => formatCount(v) } },
      series: selected.map((code) => ({
        name: nameOf(code),
        type: 'line',
        stack: 'uv',
        areaStyle: { opacity: 0.35 },
        symbol: 'none',
        emphasis: { focus: 'series' },
        data: data.trend.map((p) => p.bySource[code] ?? 0),
      })),
    }),
    [data.trend, selected, nameOf, mt],
  );

  return (
    <Card
      title={t('analytics.traffic.trend')}
      style={{ height: '100%' }}
      extra={
        <Select
          mode="multiple"
          size="small"
          maxTagCount="responsive"
          style={{ minWidth: 220, maxWidth: 360 }}
          placeholder={t('analytics.traffic.pickSources')}
          value={selected}
          onChange={setSelected}
          options={ranked.map((c) => ({ value: c, label: nameOf(c) }))}
          data-testid="traffic-trend-sources"
        />
      }
    >
      <EChart
        option={option}
        height={340}
        empty={empty}
        emptyText={ranked.length === 0 ? t('analytics.empty.trend') : t('analytics.traffic.pickSources')}
        data-testid="traffic-trend"
      />
    </Card>
  );
}
