import { useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Form, InputNumber, Space, Table, Tag, Typography, type TableProps } from 'antd';
import { SettingOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { addDays, RFM_SEGMENT_LABELS, RFM_SEGMENTS, type RfmSegment, type SegmentSummary } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { EChart } from '../../components/charts/EChart';
import { formatCount, formatDecimal, formatMoney, formatPercent, NO_VALUE } from '../../components/format';
import { useLabels } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { QueryState } from '../../components/QueryState';
import { SaveModal } from '../../components/SaveModal';
import { useShop } from '../../components/ShopContext';
import { useApiError } from '../../components/useApiError';
import { useUrlState } from '../../components/useUrlState';
import { useRfm, useRfmMigration, useSetThresholds, type RfmMigrationResponse, type RfmSummaryResponse } from './api';

const DAY = 'YYYY-MM-DD';

/** RFM: the eight segments of the chosen shop as of a day, drill-down, thresholds, migration between two days. */
export function RfmPage() {
  const { t } = useTranslation();
  const { shop } = useShop();
  const url = useUrlState();
  const asOf = url.get('asOf');
  const rfm = useRfm(shop ? { shopId: shop.id, ...(asOf ? { asOf } : {}) } : null);
  return (
    <PageContainer title={t('customers.rfm.title')} bare>
      {!shop ? (
        <Card>
          <Alert type="info" showIcon message={t('customers.pickShop')} data-testid="rfm-pick-shop" />
        </Card>
      ) : (
        <QueryState query={rfm}>{(data) => <RfmBody shopId={shop.id} data={data} />}</QueryState>
      )}
    </PageContainer>
  );
}

function RfmBody({ shopId, data }: { shopId: string; data: RfmSummaryResponse }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const { can } = useAuth();
  const url = useUrlState();
  const [editing, setEditing] = useState(false);
  const name = (s: RfmSegment) => labels.text(RFM_SEGMENT_LABELS[s]);
  const drill = (s: RfmSegment) => `/customers?segment=${s}&asOf=${data.asOf}`;
  const th = data.thresholds;

  const columns: TableProps<SegmentSummary>['columns'] = [
    {
      title: t('customers.rfm.segment'),
      dataIndex: 'segment',
      key: 'segment',
      width: 170,
      render: (s: RfmSegment) => (
        <Space direction="vertical" size={0}>
          <Typography.Text strong>{name(s)}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {RFM_SEGMENT_LABELS[s].rfm}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('customers.rfm.count'), dataIndex: 'customers', key: 'count', align: 'right', width: 90, render: formatCount },
    {
      title: t('customers.rfm.share'),
      dataIndex: 'share',
      key: 'share',
      align: 'right',
      width: 90,
      render: (v: number) => formatPercent(v, 1),
    },
    {
      title: t('customers.rfm.revenueShare'),
      dataIndex: 'revenueShare',
      key: 'revenueShare',
      align: 'right',
      width: 100,
      render: (v: number) => formatPercent(v, 1),
    },
    {
      title: t('customers.rfm.avgR'),
      dataIndex: 'avgR',
      key: 'avgR',
      align: 'right',
      width: 100,
      render: (v: number, r) => (r.customers ? formatDecimal(v, 1) : NO_VALUE),
    },
    {
      title: t('customers.rfm.avgF'),
      dataIndex: 'avgF',
      key: 'avgF',
      align: 'right',
      width: 100,
      render: (v: number, r) => (r.customers ? formatDecimal(v, 2) : NO_VALUE),
    },
    {
      title: t('customers.rfm.avgM'),
      dataIndex: 'avgMFen',
      key: 'avgM',
      align: 'right',
      width: 120,
      render: (v: number, r) => (r.customers ? formatMoney(v) : NO_VALUE),
    },
    {
      title: t('customers.rfm.advice'),
      key: 'advice',
      render: (_, r) => (labels.isZh ? RFM_SEGMENT_LABELS[r.segment].advice : '') || NO_VALUE,
    },
    {
      title: '',
      key: 'drill',
      width: 100,
      render: (_, r) =>
        r.customers ? (
          <Link to={drill(r.segment)} data-testid={`rfm-drill-${r.segment}`}>
            {t('customers.rfm.drill')}
          </Link>
        ) : null,
    },
  ];

  const chart = {
    tooltip: { trigger: 'axis' },
    legend: { data: [t('customers.rfm.count'), t('customers.rfm.revenueShare')] },
    grid: { left: 48, right: 56, top: 40, bottom: 64 },
    xAxis: { type: 'category', data: data.segments.map((s) => name(s.segment)), axisLabel: { interval: 0, rotate: 20 } },
    yAxis: [
      { type: 'value', name: t('customers.rfm.count') },
      {
        type: 'value',
        name: t('customers.rfm.revenueShare'),
        axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` },
        splitLine: { show: false },
      },
    ],
    series: [
      { name: t('customers.rfm.count'), type: 'bar', data: data.segments.map((s) => s.customers) },
      {
        name: t('customers.rfm.revenueShare'),
        type: 'line',
        yAxisIndex: 1,
        data: data.segments.map((s) => Number(s.revenueShare.toFixed(4))),
      },
    ],
  };

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <Space direction="vertical" size={8} style={{ width: '100%' }}>
          <Typography.Text type="secondary">{t('customers.rfm.intro')}</Typography.Text>
          <Space wrap>
            <span>{t('customers.asOf')}</span>
            <DatePicker
              allowClear={false}
              value={dayjs(data.asOf)}
              onChange={(d) => url.patch({ asOf: d ? d.format(DAY) : undefined })}
              data-testid="rfm-asof"
            />
            <Tag>{t('customers.rfm.customers', { n: formatCount(data.customers) })}</Tag>
            <Typography.Text data-testid="rfm-thresholds">
              {t('customers.rfm.thresholds')}（{data.thresholdsAreAverages ? t('customers.rfm.averages') : t('customers.rfm.custom')}）：
              {t('customers.rfm.thresholdText', {
                r: formatDecimal(th.recencyDays, 1),
                f: formatDecimal(th.frequency, 2),
                m: formatMoney(Math.round(th.monetaryFen)),
              })}
            </Typography.Text>
            {can('customers.write') ? (
              <Button size="small" icon={<SettingOutlined />} onClick={() => setEditing(true)} data-testid="rfm-set-thresholds">
                {t('customers.rfm.setThresholds')}
              </Button>
            ) : null}
          </Space>
        </Space>
      </Card>
      <Card>
        <Table<SegmentSummary>
          rowKey="segment"
          size="middle"
          columns={columns}
          dataSource={data.segments}
          pagination={false}
          scroll={{ x: 1100 }}
          data-testid="rfm-segments"
        />
      </Card>
      <Card title={t('customers.rfm.chart')}>
        <EChart option={chart} height={320} empty={data.customers === 0} data-testid="rfm-chart" />
      </Card>
      <Card title={t('customers.rfm.quintiles')}>
        <Table
          size="small"
          pagination={false}
          rowKey="k"
          dataSource={(['r', 'f', 'm'] as const).map((k) => ({ k, counts: data.quintiles[k] }))}
          columns={[
            { title: '', dataIndex: 'k', key: 'k', width: 60, render: (k: string) => k.toUpperCase() },
            ...[5, 4, 3, 2, 1].map((s) => ({
              title: t('customers.rfm.score', { n: s }),
              key: String(s),
              align: 'right' as const,
              render: (_: unknown, row: { counts: number[] }) => formatCount(row.counts[s - 1] ?? 0),
            })),
          ]}
        />
      </Card>
      <Migration shopId={shopId} to={data.asOf} />
      <ThresholdsModal shopId={shopId} open={editing} onClose={() => setEditing(false)} data={data} />
    </Space>
  );
}

function Migration({ shopId, to }: { shopId: string; to: string }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const url = useUrlState();
  const from = url.get('from') ?? addDays(to, -30);
  const q = useRfmMigration(from <= to ? { shopId, from, to } : null);
  const name = (s: RfmSegment) => labels.text(RFM_SEGMENT_LABELS[s]);
  return (
    <Card
      title={t('customers.rfm.migration')}
      extra={
        <Space>
          <span>{t('customers.rfm.from')}</span>
          <DatePicker
            allowClear={false}
            value={dayjs(from)}
            disabledDate={(d) => d.format(DAY) > to}
            onChange={(d) => url.patch({ from: d ? d.format(DAY) : undefined })}
            data-testid="rfm-migration-from"
          />
          <span>
            {t('customers.rfm.to')} {to}
          </span>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('customers.rfm.migrationHint')}</Typography.Paragraph>
      <QueryState query={q}>{(m) => <Matrix m={m} name={name} />}</QueryState>
    </Card>
  );
}

function Matrix({ m, name }: { m: RfmMigrationResponse; name: (s: RfmSegment) => string }) {
  const { t } = useTranslation();
  const rows: (RfmSegment | null)[] = [...RFM_SEGMENTS, null];
  const cell = (from: RfmSegment | null, to: RfmSegment) => m.cells.find((c) => c.from === from && c.to === to)?.customers ?? 0;
  const data = rows.map((from) => ({ key: from ?? 'new', from, total: RFM_SEGMENTS.reduce((s, to) => s + cell(from, to), 0) }));
  return (
    <Table
      size="small"
      pagination={false}
      dataSource={data}
      scroll={{ x: 1200 }}
      data-testid="rfm-migration"
      columns={[
        {
          title: t('customers.rfm.fromTo'),
          key: 'from',
          fixed: 'left',
          width: 130,
          render: (_, r) => (r.from ? name(r.from) : t('customers.rfm.newcomers')),
        },
        ...RFM_SEGMENTS.map((to) => ({
          title: name(to),
          key: to,
          align: 'right' as const,
          render: (_: unknown, r: { from: RfmSegment | null }) => {
            const n = cell(r.from, to);
            if (!n) return <Typography.Text type="secondary">0</Typography.Text>;
            return r.from === to ? <Typography.Text strong>{formatCount(n)}</Typography.Text> : formatCount(n);
          },
        })),
        { title: t('customers.rfm.total'), dataIndex: 'total', key: 'total', align: 'right' as const, render: formatCount },
      ]}
    />
  );
}

function ThresholdsModal({
  shopId,
  open,
  onClose,
  data,
}: {
  shopId: string;
  open: boolean;
  onClose: () => void;
  data: RfmSummaryResponse;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const [form] = Form.useForm<{ recencyDays: number; frequency: number; monetaryYuan: number }>();
  const save = useSetThresholds();
  const done = () => {
    void message.success(t('customers.actions.saved'));
    onClose();
  };
  return (
    <SaveModal
      open={open}
      title={t('customers.rfm.setThresholds')}
      form={form}
      saving={save.isPending}
      onClose={onClose}
      submitTestId="rfm-thresholds-save"
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          recencyDays: Math.round(data.thresholds.recencyDays),
          frequency: Math.max(1, Math.round(data.thresholds.frequency)),
          monetaryYuan: Math.round(data.thresholds.monetaryFen / 100),
        }}
        onFinish={(v) =>
          save.mutate(
            { shopId, thresholds: { recencyDays: v.recencyDays, frequency: v.frequency, monetaryFen: Math.round(v.monetaryYuan * 100) } },
            { onSuccess: done, onError: (e) => onError(e) },
          )
        }
      >
        <Form.Item name="recencyDays" label={t('customers.rfm.recencyDays')} rules={[{ required: true }]}>
          <InputNumber min={0} max={3650} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="frequency" label={t('customers.rfm.frequency')} rules={[{ required: true }]}>
          <InputNumber min={1} max={10000} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="monetaryYuan" label={t('customers.rfm.monetary')} rules={[{ required: true }]}>
          <InputNumber min={0} precision={2} style={{ width: '100%' }} />
        </Form.Item>
        {!data.thresholdsAreAverages ? (
          <Button
            onClick={() => save.mutate({ shopId, thresholds: null }, { onSuccess: done, onError: (e) => onError(e) })}
            data-testid="rfm-use-averages"
          >
            {t('customers.rfm.useAverages')}
          </Button>
        ) : null}
      </Form>
    </SaveModal>
  );
}
