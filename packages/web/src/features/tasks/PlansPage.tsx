import { useState } from 'react';
import { App, Button, DatePicker, Form, Input, Progress, Table } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { PlanSummary } from '@yunying/core';
import { PageContainer } from '../../components/PageContainer';
import { QueryError } from '../../components/QueryState';
import { SaveModal } from '../../components/SaveModal';
import { useAuth } from '../../components/AuthContext';
import { useShop } from '../../components/ShopContext';
import { useApiError } from '../../components/useApiError';
import { useCreatePlan, usePlans } from './api';

export function PlansPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const navigate = useNavigate();
  const { can } = useAuth();
  const { shop, shops } = useShop();
  const plans = usePlans(shop?.id);
  const create = useCreatePlan();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ name: string; startOn: Dayjs; activityOn?: Dayjs; note?: string }>();
  const shopName = (id: string) => shops.find((s) => s.id === id)?.name ?? '';

  return (
    <PageContainer
      title={t('team.plans.title')}
      extra={
        can('targets.write') ? (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            disabled={!shop}
            title={shop ? undefined : t('team.plans.pickShop')}
            onClick={() => setOpen(true)}
            data-testid="plan-new"
          >
            {t('team.plans.new')}
          </Button>
        ) : null
      }
    >
      {plans.isError ? (
        <QueryError error={plans.error} onRetry={() => void plans.refetch()} />
      ) : (
        <Table<PlanSummary>
          rowKey="id"
          size="middle"
          loading={plans.isFetching}
          dataSource={plans.data ?? []}
          pagination={false}
          locale={{ emptyText: t('team.plans.empty') }}
          data-testid="plans-table"
          columns={[
            { title: t('team.plans.name'), key: 'name', render: (_, r) => <Link to={`/plans/${r.id}`}>{r.name}</Link> },
            { title: t('team.tasks.cols.shop'), key: 'shop', width: 160, render: (_, r) => shopName(r.shopId) },
            { title: t('team.plans.startOn'), dataIndex: 'startOn', key: 'start', width: 120 },
            { title: t('team.plans.activityOn'), dataIndex: 'activityOn', key: 'act', width: 120, render: (v: string | null) => v ?? '—' },
            {
              title: t('team.plans.progress'),
              key: 'progress',
              width: 200,
              render: (_, r) => (
                <Progress
                  size="small"
                  percent={r.steps ? Math.round((r.doneSteps / r.steps) * 100) : 0}
                  format={() => `${r.doneSteps}/${r.steps}`}
                />
              ),
            },
          ]}
        />
      )}
      <SaveModal
        open={open}
        form={form}
        saving={create.isPending}
        onClose={() => setOpen(false)}
        title={t('team.plans.new')}
        submitTestId="plan-save"
      >
        <Form
          form={form}
          layout="vertical"
          preserve={false}
          onFinish={(v) =>
            create.mutate(
              {
                shopId: shop!.id,
                name: v.name,
                startOn: v.startOn.format('YYYY-MM-DD'),
                activityOn: v.activityOn ? v.activityOn.format('YYYY-MM-DD') : null,
                note: v.note ?? '',
              },
              {
                onSuccess: (p) => {
                  void message.success(t('team.plans.created'));
                  setOpen(false);
                  void navigate(`/plans/${p.id}`);
                },
                onError: (e) => onError(e, form),
              },
            )
          }
        >
          <Form.Item name="name" label={t('team.plans.name')} rules={[{ required: true, whitespace: true }]}>
            <Input maxLength={100} data-testid="plan-name" />
          </Form.Item>
          <Form.Item name="startOn" label={t('team.plans.startOn')} rules={[{ required: true }]}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="activityOn" label={t('team.plans.activityOn')}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="note" label={t('team.tasks.form.note')}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
        </Form>
      </SaveModal>
    </PageContainer>
  );
}
