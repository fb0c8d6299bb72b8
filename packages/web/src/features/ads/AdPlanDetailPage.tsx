import { useState } from 'react';
import { App, Button, Card, DatePicker, Descriptions, Form, InputNumber, Modal, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { PageContainer } from '../../components/PageContainer';
import { QueryError } from '../../components/QueryState';
import { useApiError } from '../../components/useApiError';
import { usePeriod } from '../analytics/period';
import { useAdPlan, useEnterDay, useProductOptions, useUpdatePlan, type AdFigures, type AdPlan } from './api';
import { dec, money, PeriodPicker, Roi, useFigureColumns } from './common';
import { PlanPacing } from './Pacing';

type Dim = AdFigures & { name: string; unit: string };
const yuanToFen = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v * 100));
const fenToYuanNum = (f: number | null) => (f === null ? null : f / 100);

function EditPlan({ plan, products }: { plan: AdPlan; products: { id: string; title: string; code: string }[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const update = useUpdatePlan(plan.id);
  const [term, setTerm] = useState('');
  const options = useProductOptions(term);
  const [form] = Form.useForm<{ budget: number | null; bid: number | null; status: 'active' | 'paused'; productIds: string[] }>();
  const known = new Map([...products, ...(options.data ?? [])].map((p) => [p.id, p]));
  return (
    <Form
      form={form}
      layout="inline"
      initialValues={{
        budget: fenToYuanNum(plan.dailyBudgetFen),
        bid: fenToYuanNum(plan.bidFen),
        status: plan.status,
        productIds: plan.productIds,
      }}
      onFinish={(v) =>
        update.mutate(
          { dailyBudgetFen: yuanToFen(v.budget), bidFen: yuanToFen(v.bid), status: v.status, productIds: v.productIds },
          { onSuccess: () => void message.success(t('ads.detail.saved')), onError: (e) => onError(e, form) },
        )
      }
      style={{ rowGap: 12 }}
      data-testid="ads-plan-edit"
    >
      <Form.Item name="budget" label={t('ads.f.budget')}>
        <InputNumber min={0} precision={2} addonAfter="¥" style={{ width: 150 }} />
      </Form.Item>
      <Form.Item name="bid" label={t('ads.f.bid')}>
        <InputNumber min={0} precision={2} addonAfter="¥" style={{ width: 130 }} />
      </Form.Item>
      <Form.Item name="status" label={t('ads.f.status')}>
        <Select style={{ width: 110 }} options={(['active', 'paused'] as const).map((k) => ({ value: k, label: t(`ads.status.${k}`) }))} />
      </Form.Item>
      <Form.Item name="productIds" label={t('ads.detail.products')}>
        <Select
          mode="multiple"
          showSearch
          filterOption={false}
          onSearch={setTerm}
          placeholder={t('ads.detail.productSearch')}
          style={{ width: 380 }}
          options={[...known.values()].map((p) => ({ value: p.id, label: `${p.title}${p.code ? `（${p.code}）` : ''}` }))}
          data-testid="ads-plan-products"
        />
      </Form.Item>
      <Form.Item>
        <Button type="primary" htmlType="submit" loading={update.isPending}>
          {t('ads.detail.save')}
        </Button>
      </Form.Item>
    </Form>
  );
}

/** One day of the plan entered by hand (for plans whose tool has no export). */
function EnterDay({ planId, open, onClose }: { planId: string; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const enter = useEnterDay(planId);
  const [form] = Form.useForm<{ day: Dayjs; impressions: number; clicks: number; spend: number; orders: number; sales: number }>();
  const num = (name: string, label: string, money = false) => (
    <Form.Item name={name} label={label} rules={[{ required: true, message: t('ads.detail.required', { what: label }) }]}>
      <InputNumber min={0} precision={money ? 2 : 0} style={{ width: 200 }} addonAfter={money ? '¥' : undefined} />
    </Form.Item>
  );
  return (
    <Modal
      open={open}
      title={t('ads.detail.enterDay')}
      onCancel={onClose}
      confirmLoading={enter.isPending}
      destroyOnHidden
      onOk={() =>
        void form.validateFields().then((v) =>
          enter.mutate(
            {
              day: v.day.format('YYYY-MM-DD'),
              impressions: v.impressions,
              clicks: v.clicks,
              spendFen: Math.round(v.spend * 100),
              orders: v.orders,
              salesFen: Math.round(v.sales * 100),
            },
            {
              onSuccess: () => {
                void message.success(t('ads.detail.saved'));
                onClose();
              },
              onError: (e) => onError(e, form),
            },
          ),
        )
      }
    >
      <Typography.Paragraph type="secondary">{t('ads.detail.enterDayHint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" initialValues={{ day: dayjs().subtract(1, 'day') }} data-testid="ads-enter-day">
        <Form.Item name="day" label={t('ads.f.day')} rules={[{ required: true }]}>
          <DatePicker allowClear={false} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
        </Form.Item>
        {num('impressions', t('ads.f.impressions'))}
        {num('clicks', t('ads.f.clicks'))}
        {num('spend', t('ads.f.spend'), true)}
        {num('orders', t('ads.f.orders'))}
        {num('sales', t('ads.f.sales'), true)}
      </Form>
    </Modal>
  );
}

export function AdPlanDetailPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const period = usePeriod();
  const q = useAdPlan(id, period.from, period.to);
  const [entering, setEntering] = useState(false);
  const cols = useFigureColumns<AdFigures>();
  const dimCols = useFigureColumns<Dim>();
  const d = q.data;
  const dimTable = (rows: Dim[], withUnit: boolean, testId: string) => (
    <Table<Dim>
      size="small"
      rowKey={(r) => `${r.unit}|${r.name}`}
      dataSource={rows}
      pagination={rows.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
      scroll={{ x: 'max-content' }}
      locale={{ emptyText: t('ads.detail.noRows') }}
      data-testid={testId}
      columns={[
        ...(withUnit ? [{ title: t('ads.f.unit'), dataIndex: 'unit', width: 160, ellipsis: true }] : []),
        { title: t('ads.f.name'), dataIndex: 'name', width: 200, ellipsis: true, fixed: 'left' as const },
        ...dimCols,
      ]}
    />
  );
  return (
    <PageContainer
      title={d ? d.plan.name : t('ads.detail.title')}
      extra={
        <Space wrap>
          <PeriodPicker period={period} />
          <Button onClick={() => setEntering(true)} data-testid="ads-enter-day-open">
            {t('ads.detail.enterDay')}
          </Button>
        </Space>
      }
      bare
    >
      <EnterDay planId={id} open={entering} onClose={() => setEntering(false)} />
      {q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : !d ? (
        <Card loading />
      ) : (
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <Card>
            <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 4 }} data-testid="ads-plan-summary">
              <Descriptions.Item label={t('ads.f.tool')}>{d.plan.toolName}</Descriptions.Item>
              <Descriptions.Item label={t('ads.f.status')}>
                <Tag color={d.plan.status === 'active' ? 'blue' : 'default'}>{t(`ads.status.${d.plan.status}`)}</Tag>
              </Descriptions.Item>
              <Descriptions.Item label={t('ads.f.spend')}>{money(d.plan.spendFen)}</Descriptions.Item>
              <Descriptions.Item label={t('ads.f.sales')}>{money(d.plan.salesFen)}</Descriptions.Item>
              <Descriptions.Item label={t('ads.f.roi')}>
                <Roi f={d.plan} />
              </Descriptions.Item>
              <Descriptions.Item label={t('ads.f.breakEven')}>{dec(d.plan.breakEvenRoi)}</Descriptions.Item>
              <Descriptions.Item label={t('ads.f.profit')}>{money(d.plan.profitAfterAdsFen)}</Descriptions.Item>
            </Descriptions>
            <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }} ellipsis={{ rows: 2 }}>
              {t('ads.f.products')}：{d.products.map((p) => p.title).join('、') || '—'}
            </Typography.Paragraph>
          </Card>
          <Card>
            <EditPlan
              key={`${d.plan.id}-${d.plan.dailyBudgetFen}-${d.plan.status}-${d.plan.productIds.join(',')}`}
              plan={d.plan}
              products={d.products}
            />
          </Card>
          <PlanPacing shopId={d.plan.shopId} planId={d.plan.id} budgetFen={d.plan.dailyBudgetFen} />
          <Card>
            <Tabs
              items={[
                {
                  key: 'days',
                  label: t('ads.detail.days'),
                  children: (
                    <Table
                      size="small"
                      rowKey="day"
                      dataSource={d.days}
                      pagination={d.days.length > 31 ? { pageSize: 31, showSizeChanger: false } : false}
                      scroll={{ x: 'max-content' }}
                      columns={[{ title: t('ads.f.day'), dataIndex: 'day', width: 110, fixed: 'left' as const }, ...cols]}
                      data-testid="ads-plan-days"
                    />
                  ),
                },
                { key: 'units', label: t('ads.detail.units'), children: dimTable(d.units, false, 'ads-plan-units') },
                { key: 'keywords', label: t('ads.detail.keywords'), children: dimTable(d.keywords, true, 'ads-plan-keywords') },
                {
                  key: 'creatives',
                  label: t('ads.detail.creatives'),
                  children: (
                    <>
                      {d.creatives.length >= 2 ? (
                        <Link
                          to={`/ads/ab?planId=${d.plan.id}&a=${encodeURIComponent(d.creatives[0]!.name)}&b=${encodeURIComponent(d.creatives[1]!.name)}&from=${period.from}&to=${period.to}`}
                        >
                          {t('ads.detail.ab')}
                        </Link>
                      ) : null}
                      {dimTable(d.creatives, true, 'ads-plan-creatives')}
                    </>
                  ),
                },
              ]}
            />
          </Card>
        </Space>
      )}
    </PageContainer>
  );
}
