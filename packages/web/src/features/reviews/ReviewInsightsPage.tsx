import { useEffect, useMemo, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Flex,
  Form,
  Input,
  InputNumber,
  Row,
  Segmented,
  Select,
  Space,
  Statistic,
  Table,
  Typography,
} from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useAuth } from '../../components/AuthContext';
import { EChart } from '../../components/charts/EChart';
import type { EChartsCoreOption } from '../../components/charts/echarts';
import { PageContainer } from '../../components/PageContainer';
import { QueryState } from '../../components/QueryState';
import { useShop } from '../../components/ShopContext';
import { useApiError } from '../../components/useApiError';
import { useDsr, useKeywords, useRepeated, useSaveBenchmark, useSaveKeywords, type DsrTrend } from './api';

const SCORES = ['desc', 'service', 'logistics'] as const;

function DsrCard({ shopId }: { shopId: string }) {
  const { t } = useTranslation();
  const [days, setDays] = useState(90);
  const dsr = useDsr(shopId, days);
  return (
    <Card
      title={t('reviews.insights.dsr')}
      extra={
        <Segmented
          value={days}
          onChange={(v) => setDays(Number(v))}
          options={[30, 90, 180, 365].map((d) => ({ value: d, label: `${d}` }))}
        />
      }
      style={{ marginBottom: 16 }}
    >
      <QueryState query={dsr}>{(d) => <DsrBody d={d} shopId={shopId} />}</QueryState>
    </Card>
  );
}

function DsrBody({ d, shopId }: { d: DsrTrend; shopId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const save = useSaveBenchmark();
  const apiError = useApiError();
  const { message } = App.useApp();
  const option = useMemo<EChartsCoreOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 40, right: 20, top: 36, bottom: 30 },
      xAxis: { type: 'category', data: d.points.map((p) => p.day) },
      yAxis: { type: 'value', min: (v: { min: number }) => Math.max(1, Math.floor((v.min - 0.2) * 10) / 10), max: 5 },
      series: SCORES.map((k) => ({
        name: t(`reviews.insights.${k}`),
        type: 'line',
        showSymbol: false,
        connectNulls: true,
        data: d.points.map((p) => p[k]),
        ...(d.benchmark
          ? { markLine: { symbol: 'none', silent: true, lineStyle: { type: 'dashed' }, data: [{ yAxis: d.benchmark[k] }] } }
          : {}),
      })),
    }),
    [d, t],
  );
  return (
    <>
      <Row gutter={16} style={{ marginBottom: 12 }}>
        {SCORES.map((k) => (
          <Col span={8} key={k}>
            <Statistic
              title={t(`reviews.insights.${k}`)}
              value={d.current[k] ?? '—'}
              precision={d.current[k] === null ? undefined : 2}
              suffix={
                d.vsCategory && d.vsCategory[k] !== null ? (
                  <Typography.Text type={d.vsCategory[k]! >= 0 ? 'success' : 'danger'} style={{ fontSize: 14 }}>
                    {`${t('reviews.insights.vs')} ${d.vsCategory[k]! >= 0 ? '+' : ''}${d.vsCategory[k]!.toFixed(2)}`}
                  </Typography.Text>
                ) : undefined
              }
              data-testid={`dsr-${k}`}
            />
          </Col>
        ))}
      </Row>
      <Typography.Text type="secondary">{`${t('reviews.insights.reviews')}：${d.current.reviews}`}</Typography.Text>
      <EChart option={option} height={260} empty={!d.points.some((p) => p.reviews > 0)} data-testid="dsr-chart" />
      {!d.benchmark ? <Alert type="info" showIcon message={t('reviews.insights.noBenchmark')} style={{ marginTop: 8 }} /> : null}
      {can('reviews.write') ? (
        <Form
          layout="inline"
          style={{ marginTop: 12, rowGap: 8 }}
          initialValues={{
            month: dayjs(d.today),
            dsrDesc: d.benchmark?.desc,
            dsrService: d.benchmark?.service,
            dsrLogistics: d.benchmark?.logistics,
          }}
          onFinish={(v: { month: dayjs.Dayjs; dsrDesc: number; dsrService: number; dsrLogistics: number }) =>
            save.mutate(
              { shopId, month: v.month.format('YYYY-MM'), dsrDesc: v.dsrDesc, dsrService: v.dsrService, dsrLogistics: v.dsrLogistics },
              { onSuccess: () => message.success(t('reviews.insights.saved')), onError: (e) => apiError(e) },
            )
          }
        >
          <Typography.Text strong style={{ marginRight: 8, lineHeight: '32px' }}>
            {t('reviews.insights.benchmark')}
          </Typography.Text>
          <Form.Item name="month" label={t('reviews.insights.month')} rules={[{ required: true }]}>
            <DatePicker picker="month" allowClear={false} />
          </Form.Item>
          {(['dsrDesc', 'dsrService', 'dsrLogistics'] as const).map((f) => (
            <Form.Item key={f} name={f} label={t(`reviews.form.${f}`)} rules={[{ required: true, message: '1–5' }]}>
              <InputNumber min={1} max={5} step={0.01} style={{ width: 80 }} />
            </Form.Item>
          ))}
          <Button htmlType="submit" loading={save.isPending}>
            {t('reviews.insights.save')}
          </Button>
        </Form>
      ) : null}
    </>
  );
}

function RepeatedCard({ shopId }: { shopId: string }) {
  const { t } = useTranslation();
  const rep = useRepeated(shopId);
  return (
    <Card title={t('reviews.insights.repeated')} style={{ marginBottom: 16 }}>
      <Table
        size="small"
        rowKey={(r) => `${r.productTitle}-${r.tag}`}
        loading={rep.isFetching}
        dataSource={rep.data?.items ?? []}
        pagination={{ pageSize: 10 }}
        locale={{ emptyText: t('reviews.insights.repeatedEmpty') }}
        data-testid="repeated-table"
        columns={[
          { title: t('reviews.insights.product'), dataIndex: 'productTitle', render: (v: string) => v || '—' },
          { title: t('reviews.insights.tag'), dataIndex: 'tag', width: 120 },
          { title: t('reviews.insights.count'), dataIndex: 'reviews', width: 100, align: 'right' },
          { title: t('reviews.insights.last'), dataIndex: 'lastDay', width: 120 },
          {
            title: '',
            key: 'go',
            width: 100,
            render: (_, r) => (
              <Link to={`/reviews?level=negative&tag=${encodeURIComponent(r.tag)}&product=${encodeURIComponent(r.productTitle)}`}>
                {t('reviews.insights.viewReviews')}
              </Link>
            ),
          },
        ]}
      />
    </Card>
  );
}

function KeywordsCard() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const kw = useKeywords();
  const save = useSaveKeywords();
  const apiError = useApiError();
  const { message } = App.useApp();
  const [rows, setRows] = useState<{ tag: string; keywords: string[] }[]>([]);
  useEffect(() => {
    if (kw.data) setRows(kw.data.items);
  }, [kw.data]);
  const write = can('reviews.write');
  return (
    <Card title={t('reviews.insights.keywords')}>
      <Typography.Paragraph type="secondary">{t('reviews.insights.keywordsHint')}</Typography.Paragraph>
      <Space direction="vertical" style={{ width: '100%' }}>
        {rows.map((r, i) => (
          <Flex key={i} gap={8} align="center">
            <Input
              value={r.tag}
              disabled={!write}
              maxLength={40}
              style={{ width: 120 }}
              placeholder={t('reviews.insights.tagName')}
              onChange={(e) => setRows(rows.map((x, k) => (k === i ? { ...x, tag: e.target.value } : x)))}
            />
            <Select
              mode="tags"
              value={r.keywords}
              disabled={!write}
              style={{ flex: 1 }}
              placeholder={t('reviews.insights.words')}
              onChange={(v: string[]) => setRows(rows.map((x, k) => (k === i ? { ...x, keywords: v } : x)))}
              tokenSeparators={[',', '，', ' ']}
            />
            {write ? (
              <Button
                icon={<DeleteOutlined />}
                aria-label={t('reviews.insights.remove')}
                onClick={() => setRows(rows.filter((_, k) => k !== i))}
              />
            ) : null}
          </Flex>
        ))}
        {write ? (
          <Space>
            <Button icon={<PlusOutlined />} onClick={() => setRows([...rows, { tag: '', keywords: [] }])}>
              {t('reviews.insights.addTag')}
            </Button>
            <Button
              type="primary"
              loading={save.isPending}
              onClick={() =>
                save.mutate(
                  { items: rows.filter((r) => r.tag.trim()).map((r) => ({ tag: r.tag.trim(), keywords: r.keywords })) },
                  { onSuccess: () => message.success(t('reviews.insights.saved')), onError: (e) => apiError(e) },
                )
              }
            >
              {t('reviews.insights.saveKeywords')}
            </Button>
          </Space>
        ) : null}
      </Space>
    </Card>
  );
}

/** 评价分析: DSR trend against the category average, repeated complaints per product, the tag dictionary. */
export function ReviewInsightsPage() {
  const { t } = useTranslation();
  const { shop } = useShop();
  return (
    <PageContainer title={t('reviews.insights.title')} bare>
      {!shop ? (
        <Card style={{ marginBottom: 16 }}>
          <Alert type="info" showIcon message={t('reviews.pickShop')} />
        </Card>
      ) : (
        <>
          <DsrCard shopId={shop.id} />
          <RepeatedCard shopId={shop.id} />
        </>
      )}
      <KeywordsCard />
    </PageContainer>
  );
}
