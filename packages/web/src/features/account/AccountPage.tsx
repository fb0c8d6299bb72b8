import { App, Button, Card, Col, Descriptions, Form, Input, Radio, Row, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../components/AuthContext';
import { useLabels } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { NewPasswordFields } from '../../components/NewPasswordFields';
import { useApiError } from '../../components/useApiError';
import { useChangePassword, useSetPreferences } from '../auth/api';
import { NotificationEmailCard } from './NotificationEmailCard';

interface PasswordForm {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}

export function AccountPage() {
  const { t } = useTranslation();
  const labels = useLabels();
  const { me } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const change = useChangePassword();
  const prefs = useSetPreferences();
  const [form] = Form.useForm<PasswordForm>();
  const { user, shops } = me;

  const onFinish = (v: PasswordForm) => {
    change.mutate(
      { currentPassword: v.currentPassword, newPassword: v.newPassword },
      {
        onSuccess: () => {
          void message.success(t('account.passwordChanged'));
          form.resetFields();
        },
        onError: (e) => onError(e, form),
      },
    );
  };

  return (
    <PageContainer title={t('nav.account')} bare>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card title={t('account.profile')} data-testid="account-profile">
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('account.username')}>{user.username}</Descriptions.Item>
              <Descriptions.Item label={t('account.displayName')}>{user.displayName}</Descriptions.Item>
              <Descriptions.Item label={t('account.roles')}>
                {user.roles.length === 0
                  ? t('common.none')
                  : user.roles.map((r) => (
                      <Tag key={r.id} color="blue">
                        {labels.role(r)}
                      </Tag>
                    ))}
              </Descriptions.Item>
              <Descriptions.Item label={t('account.shops')}>
                {user.allShops
                  ? t('common.allShops')
                  : shops.length === 0
                    ? t('common.none')
                    : shops.map((s) => <Tag key={s.id}>{s.name}</Tag>)}
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('account.display')} data-testid="account-display">
            <Typography.Paragraph>{t('account.riseColor')}</Typography.Paragraph>
            <Radio.Group
              value={user.riseColor}
              disabled={prefs.isPending}
              onChange={(e) =>
                prefs.mutate(
                  { riseColor: e.target.value as 'red' | 'green' },
                  { onSuccess: () => void message.success(t('account.saved')), onError: (err) => onError(err) },
                )
              }
              options={[
                { value: 'red', label: t('account.riseRed') },
                { value: 'green', label: t('account.riseGreen') },
              ]}
              data-testid="rise-color"
            />
            <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
              {t('account.riseHint')}
            </Typography.Paragraph>
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <NotificationEmailCard />
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('account.changePassword')}>
            <Form<PasswordForm> form={form} layout="vertical" onFinish={onFinish} style={{ maxWidth: 420 }}>
              <Form.Item
                name="currentPassword"
                label={t('account.currentPassword')}
                rules={[{ required: true, message: t('common.required') }]}
              >
                <Input.Password name="currentPassword" autoComplete="current-password" />
              </Form.Item>
              <NewPasswordFields />
              <Button type="primary" htmlType="submit" loading={change.isPending} data-testid="password-submit">
                {t('account.submit')}
              </Button>
            </Form>
          </Card>
        </Col>
      </Row>
    </PageContainer>
  );
}
