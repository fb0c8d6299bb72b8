import { Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { PASSWORD_MIN_LENGTH } from '@yunying/core';

/**
 * The `newPassword` and `confirmPassword` fields of a password form (own change, admin reset):
 * both required, the hint with the minimum length, and the confirmation must match.
 */
export function NewPasswordFields() {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item
        name="newPassword"
        label={t('account.newPassword')}
        extra={t('account.passwordHint', { min: PASSWORD_MIN_LENGTH })}
        rules={[{ required: true, message: t('common.required') }]}
      >
        <Input.Password name="newPassword" autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        name="confirmPassword"
        label={t('account.confirmPassword')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('common.required') },
          ({ getFieldValue }) => ({
            validator: (_, value) =>
              !value || getFieldValue('newPassword') === value
                ? Promise.resolve()
                : Promise.reject(new Error(t('account.passwordMismatch'))),
          }),
        ]}
      >
        <Input.Password name="confirmPassword" autoComplete="new-password" />
      </Form.Item>
    </>
  );
}
