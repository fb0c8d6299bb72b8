import { App, Form, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import type { User } from '@yunying/core';
import { NewPasswordFields } from '../../components/NewPasswordFields';
import { useApiError } from '../../components/useApiError';
import { useResetPassword } from './api';

interface FormValues {
  newPassword: string;
  confirmPassword: string;
}

export function ResetPasswordModal({ user, onClose }: { user: User | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const [form] = Form.useForm<FormValues>();
  const reset = useResetPassword();

  const submit = (v: FormValues) => {
    if (!user) return;
    reset.mutate(
      { id: user.id, newPassword: v.newPassword },
      {
        onSuccess: () => {
          void message.success(t('users.resetDone'));
          onClose();
        },
        onError: (e) => onError(e, form),
      },
    );
  };

  return (
    <Modal
      open={!!user}
      title={t('users.resetPasswordTitle', { name: user?.displayName ?? '' })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={reset.isPending}
      okButtonProps={{ 'data-testid': 'reset-password-submit' }}
      destroyOnHidden
    >
      <Form<FormValues> form={form} layout="vertical" onFinish={submit} disabled={reset.isPending}>
        <NewPasswordFields />
      </Form>
    </Modal>
  );
}
