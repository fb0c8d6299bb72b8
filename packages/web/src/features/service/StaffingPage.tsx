import { useMemo } from 'react';
import { Alert, Card, Col, DatePicker, Form, InputNumber, Row, Slider, Space, Statistic, Table, Typography, type TableProps } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { EChart } from '../../components/charts/EChart';
import type { EChartsCoreOption } from '../../components/charts/echarts';
import { formatDecimal, formatPercent } from '../../components/format';
import { todayIn } from '../../components/DateRangePicker';
import { PageContainer } from '../../components/PageContainer';
import { QueryState } from '../../components/QueryState';
import { useShop } from '../../components/ShopContext';
import { useUrlState } from '../../components/useUrlState';
import { useSettings, useStaffing, type HourPlan, type StaffingPlan } from './api';

const num = (v: string | undefined) => (v === undefined || v === '' || !Number.isFinite(Number(v)) ? undefined : Number(v));

/** 排班测算: the hourly Erlang C plan for a chosen day from the history by hour of day (× a peak multiplier), with a what-if on the target. */
export function StaffingPage() {
  const { t } = useTranslation();
  const { shop } = useShop();
  const url = useUrlState();
  const settings = useSettings(shop?.id ?? null);
  const today = todayIn(shop?.timezone ?? 'Asia/Shanghai');
  const s = settings.data;
  const q = {
    day: url.get('day') ?? today,
    historyDays: num(url.get('history')) ?? 28,
    multiplier: num(url.get('x')) ?? 1,
    ahtSeconds: num(url.get('aht')) ?? s?.ahtSeconds ?? 180,
    target: num(url.get('target')) ?? s?.target ?? 0.8,
    withinSeconds: num(url.get('within')) ?? s?.withinSeconds ?? 30,
    shrinkage: num(url.get('shrinkage')) ?? s?.shrinkage ?? 0.3,
  };
  const plan = useStaffing(shop && s ? { shopId: shop.id, ...q } : null);
  const set = (k: string, v: unknown) => url.patch({ [k]: v === null || v === undefined ? undefined : String(v) }, { replace: true });
  return (
    <PageContainer title={t('service.staffing.title')} bare>
      {!shop ? (
        <Card>
          <Alert type="info" showIcon message={t('service.pickShop')} />
        </Card>
      ) : (
        <>
          <Card style={{ marginBottom: 16 }}>
            <Typography.Paragraph type="secondary">{t('service.staffing.intro')}</Typography.Paragraph>
            <Form layout="inline" style={{ rowGap: 8 }} data-testid="staffing-form">
              <Form.Item label={t('service.staffing.day')}>
                <DatePicker
                  value={dayjs(q.day)}
                  allowClear={false}
                  onChange={(d) => d && set('day', d.format('YYYY-MM-DD'))}
                  data-testid="staffing-day"
                />
              </Form.Item>
              <Form.Item label={t('service.staffing.historyDays')}>
                <InputNumber min={1} max={90} value={q.historyDays} onChange={(v) => set('history', v)} style={{ width: 70 }} />
              </Form.Item>
              <Form.Item label={t('service.staffing.multiplier')}>
                <InputNumber
                  min={0.1}
                  max={100}
                  step={0.5}
                  value={q.multiplier}
                  onChange={(v) => set('x', v)}
                  style={{ width: 80 }}
                  data-testid="staffing-multiplier"
                />
              </Form.Item>
              <Form.Item label={t('service.staffing.aht')}>
                <InputNumber min={1} max={7200} value={q.ahtSeconds} onChange={(v) => set('aht', v)} style={{ width: 80 }} />
              </Form.Item>
              <Form.Item label={t('service.staffing.target')}>
                <Space>
                  <Slider
                    min={0.5}
                    max={0.99}
                    step={0.01}
                    value={q.target}
                    onChange={(v) => set('target', v)}
                    style={{ width: 120 }}
                    tooltip={{ formatter: (v) => formatPercent(v ?? 0, 0) }}
                  />
                  <Typography.Text data-testid="staffing-target">{formatPercent(q.target, 0)}</Typography.Text>
                </Space>
              </Form.Item>
              <Form.Item label={t('service.staffing.within')}>
                <InputNumber min={0} max={3600} value={q.withinSeconds} onChange={(v) => set('within', v)} style={{ width: 70 }} />
              </Form.Item>
              <Form.Item label={t('service.staffing.shrinkage')}>
                <InputNumber
                  min={0}
                  max={0.9}
                  step={0.05}
                  value={q.shrinkage}
                  onChange={(v) => set('shrinkage', v)}
                  style={{ width: 70 }}
                />
              </Form.Item>
            </Form>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('service.staffing.whatIf')}
            </Typography.Text>
          </Card>
          <QueryState query={plan}>{(p) => <PlanBody p={p} />}</QueryState>
        </>
      )}
    </PageContainer>
  );
}

function PlanBody({ p }: { p: StaffingPlan }) {
  const { t } = useTranslation();
  const option = useMemo<EChartsCoreOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 40, right: 40, top: 36, bottom: 30 },
      xAxis: { type: 'category', data: p.hours.map((h) => `${h.hour}`) },
      yAxis: [
        { type: 'value', name: t('service.staffing.agents') },
        { type: 'value', name: t('service.staffing.forecast') },
      ],
      series: [
        { name: t('service.staffing.agents'), type: 'bar', data: p.hours.map((h) => h.agents) },
        { name: t('service.staffing.scheduled'), type: 'bar', data: p.hours.map((h) => h.scheduled) },
        { name: t('service.staffing.forecast'), type: 'line', yAxisIndex: 1, data: p.hours.map((h) => h.perHour) },
      ],
    }),
    [p, t],
  );
  const columns: TableProps<HourPlan>['columns'] = [
    { title: t('service.staffing.hour'), dataIndex: 'hour', width: 80, render: (h: number) => `${String(h).padStart(2, '0')}:00` },
    { title: t('service.staffing.history'), dataIndex: 'historyPerHour', align: 'right' },
    { title: t('service.staffing.forecast'), dataIndex: 'perHour', align: 'right' },
    { title: t('service.staffing.load'), dataIndex: 'load', align: 'right', render: (v: number) => formatDecimal(v, 2) },
    { title: t('service.staffing.agents'), dataIndex: 'agents', align: 'right' },
    { title: t('service.staffing.scheduled'), dataIndex: 'scheduled', align: 'right' },
    { title: t('service.staffing.sl'), dataIndex: 'serviceLevel', align: 'right', render: (v: number) => formatPercent(v, 1) },
    { title: t('service.staffing.pWait'), dataIndex: 'pWait', align: 'right', render: (v: number) => formatPercent(v, 1) },
    { title: t('service.staffing.asa'), dataIndex: 'asaSeconds', align: 'right', render: (v: number) => `${formatDecimal(v, 1)}s` },
    { title: t('service.staffing.occupancy'), dataIndex: 'occupancy', align: 'right', render: (v: number) => formatPercent(v, 1) },
  ];
  const f = p.peakOneFewer;
  return (
    <>
      {p.history.enquiries === 0 ? (
        <Alert
          type="warning"
          showIcon
          message={t('service.staffing.noHistory')}
          style={{ marginBottom: 16 }}
          data-testid="staffing-no-history"
        />
      ) : null}
      <Card style={{ marginBottom: 16 }}>
        <Row gutter={16}>
          <Col span={6}>
            <Statistic title={t('service.staffing.agents')} value={p.totals.peakAgents} data-testid="staffing-peak-agents" />
          </Col>
          <Col span={6}>
            <Statistic title={t('service.staffing.scheduled')} value={p.totals.peakScheduled} data-testid="staffing-peak-scheduled" />
          </Col>
          <Col span={12}>
            <Space direction="vertical" size={2}>
              <Typography.Text strong data-testid="staffing-peak">
                {t('service.staffing.peak', { hour: p.totals.peakHour, agents: p.totals.peakAgents, scheduled: p.totals.peakScheduled })}
              </Typography.Text>
              <Typography.Text>{t('service.staffing.totals', p.totals)}</Typography.Text>
              {f ? (
                <Typography.Text type="secondary">
                  {f.asaSeconds === null
                    ? t('service.staffing.unstable')
                    : t('service.staffing.oneFewer', { sl: formatPercent(f.serviceLevel, 1), asa: `${formatDecimal(f.asaSeconds, 1)}s` })}
                </Typography.Text>
              ) : null}
            </Space>
          </Col>
        </Row>
        <EChart option={option} height={260} data-testid="staffing-chart" />
      </Card>
      <Card>
        <Table<HourPlan>
          size="small"
          rowKey="hour"
          columns={columns}
          dataSource={p.hours}
          pagination={false}
          data-testid="staffing-table"
        />
      </Card>
    </>
  );
}
