import { useState } from 'react';
import { App, Button, Form, Input, InputNumber, Select, Switch, Table, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { RESPONSIBILITIES, type AftersaleReason, type Responsibility } from '@yunying/core';
import { useLabels } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { QueryError } from '../../components/QueryState';
import { useApiError } from '../../components/useApiError';
import { useReasons, useSaveReason } from './api';
import { SaveModal } from '../../components/SaveModal';

interface ReasonForm {
  name: string;
  responsibility: Responsibility;
  sort?: number;
}

export function ReasonsPage() {
  const { t } = useTranslation();
  const labels = useLabels();
  const { message } = App.useApp();
  const onError = useApiError();
  const reasons = useReasons();
  const save = useSaveReason();
  const [editing, setEditing] = useState<AftersaleReason | 'new' | null>(null);
  const [form] = Form.useForm<ReasonForm>();

  const submit = (v: ReasonForm) =>
    save.mutate(
      {
        ...(editing && editing !== 'new' ? { id: editing.id } : {}),
        body: { name: v.name.trim(), responsibility: v.responsibility, ...(v.sort !== undefined ? { sort: v.sort } : {}) },
      },
      {
        onSuccess: () => {
          void message.success(t('aftersales.reasons.saved'));
          setEditing(null);
        },
        onError: (e) => onError(e, form),
      },
    );

  const columns: TableProps<AftersaleReason>['columns'] = [
    { title: t('aftersales.reasons.name'), dataIndex: 'name', key: 'name' },
    {
      title: t('aftersales.reasons.responsibility'),
      dataIndex: 'responsibility',
      key: 'resp',
      width: 160,
      render: (x: string) => labels.responsibility(x),
    },
    { title: t('aftersales.reasons.sort'), dataIndex: 'sort', key: 'sort', width: 90 },
    {
      title: t('aftersales.reasons.enabled'),
      dataIndex: 'enabled',
      key: 'enabled',
      width: 90,
      render: (on: boolean, r) => (
        <Switch
          checked={on}
          size="small"
          onChange={(v) => save.mutate({ id: r.id, body: { enabled: v } }, { onError: (e) => onError(e) })}
          data-testid={`reason-enabled-${r.name}`}
        />
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      render: (_, r) => (
        <Button type="link" size="small" onClick={() => setEditing(r)}>
          {t('common.edit')}
        </Button>
      ),
    },
  ];

  return (
    <PageContainer
      title={t('aftersales.reasons.title')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="reason-create">
          {t('aftersales.reasons.add')}
        </Button>
      }
    >
      {reasons.isError && !reasons.data ? (
        <QueryError error={reasons.error} onRetry={() => void reasons.refetch()} />
      ) : (
        <Table<AftersaleReason>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={reasons.data ?? []}
          loading={reasons.isFetching}
          pagination={false}
          data-testid="reasons-table"
        />
      )}
      <SaveModal
        form={form}
        open={editing !== null}
        title={editing === 'new' ? t('aftersales.reasons.add') : t('common.edit')}
        onClose={() => setEditing(null)}
        saving={save.isPending}
        submitTestId="reason-submit"
      >
        <Form<ReasonForm>
          form={form}
          layout="vertical"
          onFinish={submit}
          preserve={false}
          initialValues={
            editing && editing !== 'new'
              ? { name: editing.name, responsibility: editing.responsibility, sort: editing.sort }
              : { responsibility: 'other' }
          }
        >
          <Form.Item
            name="name"
            label={t('aftersales.reasons.name')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input maxLength={60} data-testid="reason-name" />
          </Form.Item>
          <Form.Item
            name="responsibility"
            label={t('aftersales.reasons.responsibility')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Select options={RESPONSIBILITIES.map((x) => ({ value: x, label: labels.responsibility(x) }))} />
          </Form.Item>
          <Form.Item name="sort" label={t('aftersales.reasons.sort')}>
            <InputNumber min={0} max={100000} precision={0} />
          </Form.Item>
        </Form>
      </SaveModal>
    </PageContainer>
  );
}
