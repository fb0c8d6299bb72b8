import { App, Form } from 'antd';
import { useTranslation } from 'react-i18next';
import type { User } from '@yunying/core';
import { NewPasswordFields } from '../../components/NewPasswordFields';
import { useApiError } from '../../components/useApiError';
import { useResetPassword } from './api';
import { SaveModal } from '../../components/SaveModal';

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
    <SaveModal
      form={form}
      open={!!user}
      title={t('users.resetPasswordTitle', { name: user?.displayName ?? '' })}
      onClose={onClose}
      saving={reset.isPending}
      submitTestId="reset-password-submit"
    >
      <Form<FormValues> form={form} layout="vertical" onFinish={submit} disabled={reset.isPending}>
        <NewPasswordFields />
      </Form>
    </SaveModal>
  );
}
