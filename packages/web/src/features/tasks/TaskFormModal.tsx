import { App, DatePicker, Form, Input, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { TASK_LINK_KINDS, type TaskLinkKind } from '@yunying/core';
import { SaveModal } from '../../components/SaveModal';
import { useShop } from '../../components/ShopContext';
import { useApiError } from '../../components/useApiError';
import { useAssignees, useCreateTask } from './api';

interface TaskForm {
  title: string;
  note?: string;
  assigneeId?: string;
  dueOn?: Dayjs;
  shopId?: string;
  linkKind?: TaskLinkKind;
  linkId?: string;
  linkLabel?: string;
}

export interface TaskPrefill {
  title?: string;
  linkKind?: TaskLinkKind;
  linkId?: string;
  linkLabel?: string;
  shopId?: string;
}

/** Create a task, optionally linked to an object (prefilled when opened from a link). */
export function TaskFormModal({ open, prefill, onClose }: { open: boolean; prefill: TaskPrefill | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const [form] = Form.useForm<TaskForm>();
  const create = useCreateTask();
  const assignees = useAssignees();
  const { shops, shop } = useShop();

  const submit = (v: TaskForm) =>
    create.mutate(
      {
        title: v.title,
        note: v.note ?? '',
        assigneeId: v.assigneeId ?? null,
        dueOn: v.dueOn ? v.dueOn.format('YYYY-MM-DD') : null,
        shopId: v.shopId ?? null,
        link: v.linkKind && v.linkId ? { kind: v.linkKind, id: v.linkId, label: v.linkLabel ?? '' } : null,
      },
      {
        onSuccess: () => {
          void message.success(t('team.tasks.form.created'));
          form.resetFields();
          onClose();
        },
        onError: (e) => onError(e, form),
      },
    );

  return (
    <SaveModal
      open={open}
      form={form}
      saving={create.isPending}
      onClose={onClose}
      title={t('team.tasks.new')}
      width={560}
      submitTestId="task-save"
      data-testid="task-modal"
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        preserve={false}
        initialValues={{ shopId: prefill?.shopId ?? shop?.id, ...prefill }}
      >
        <Form.Item
          name="title"
          label={t('team.tasks.form.title')}
          rules={[{ required: true, whitespace: true, message: t('team.tasks.form.titleRequired') }]}
        >
          <Input maxLength={200} data-testid="task-title" />
        </Form.Item>
        <Form.Item name="note" label={t('team.tasks.form.note')}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <div style={{ display: 'flex', gap: 12 }}>
          <Form.Item name="assigneeId" label={t('team.tasks.form.assignee')} style={{ flex: 1 }}>
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              loading={assignees.isLoading}
              options={(assignees.data ?? []).map((u) => ({ value: u.id, label: u.displayName }))}
              data-testid="task-assignee"
            />
          </Form.Item>
          <Form.Item name="dueOn" label={t('team.tasks.form.due')} style={{ width: 180 }}>
            <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isBefore(dayjs().subtract(1, 'year'))} />
          </Form.Item>
        </div>
        <Form.Item name="shopId" label={t('team.tasks.form.shop')}>
          <Select allowClear placeholder={t('team.tasks.form.noShop')} options={shops.map((s) => ({ value: s.id, label: s.name }))} />
        </Form.Item>
        <div style={{ display: 'flex', gap: 12 }}>
          <Form.Item name="linkKind" label={t('team.tasks.form.linkKind')} style={{ width: 150 }}>
            <Select allowClear options={TASK_LINK_KINDS.map((k) => ({ value: k, label: t(`team.tasks.linkKinds.${k}`) }))} />
          </Form.Item>
          <Form.Item name="linkId" label={t('team.tasks.form.linkId')} style={{ flex: 1 }}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="linkLabel" label={t('team.tasks.form.linkLabel')} style={{ flex: 1 }}>
            <Input maxLength={200} />
          </Form.Item>
        </div>
      </Form>
    </SaveModal>
  );
}
