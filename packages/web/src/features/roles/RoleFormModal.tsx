import { App, Form, Input, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Role } from '@yunying/core';
import { useLabels } from '../../components/labels';
import { useApiError } from '../../components/useApiError';
import { useCreateRole, useUpdateRole } from './api';
import { SaveModal } from '../../components/SaveModal';

interface FormValues {
  name: string;
  description?: string;
  copyFrom?: string;
}

/** Create a role (optionally copying another role's permissions) or edit a role's name and description. */
export function RoleFormModal({
  open,
  role,
  roles,
  onClose,
}: {
  open: boolean;
  role?: Role | undefined;
  roles: Role[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const labels = useLabels();
  const { message } = App.useApp();
  const onError = useApiError();
  const [form] = Form.useForm<FormValues>();
  const create = useCreateRole();
  const update = useUpdateRole();
  const pending = create.isPending || update.isPending;

  const submit = (v: FormValues) => {
    const name = v.name.trim();
    const description = (v.description ?? '').trim();
    if (role) {
      update.mutate(
        { id: role.id, body: { name, description } },
        {
          onSuccess: () => {
            void message.success(t('roles.updated'));
            onClose();
          },
          onError: (e) => onError(e, form),
        },
      );
      return;
    }
    const source = roles.find((r) => r.id === v.copyFrom);
    create.mutate(
      { name, description, permissions: source ? [...source.permissions] : [] },
      {
        onSuccess: () => {
          void message.success(t('roles.created'));
          onClose();
        },
        onError: (e) => onError(e, form),
      },
    );
  };

  return (
    <SaveModal
      form={form}
      open={open}
      title={role ? t('roles.editTitle') : t('roles.createTitle')}
      onClose={onClose}
      saving={pending}
      submitTestId="role-form-submit"
    >
      <Form<FormValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        disabled={pending}
        initialValues={role ? { name: role.name, description: role.description } : {}}
      >
        <Form.Item name="name" label={t('roles.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input name="name" maxLength={30} />
        </Form.Item>
        <Form.Item name="description" label={t('roles.description')}>
          <Input.TextArea name="description" maxLength={200} autoSize={{ minRows: 2, maxRows: 4 }} />
        </Form.Item>
        {role ? null : (
          <Form.Item name="copyFrom" label={t('roles.copyFrom')}>
            <Select
              allowClear
              placeholder={t('roles.copyFromPlaceholder')}
              options={roles.map((r) => ({ value: r.id, label: labels.role(r) }))}
            />
          </Form.Item>
        )}
      </Form>
    </SaveModal>
  );
}
