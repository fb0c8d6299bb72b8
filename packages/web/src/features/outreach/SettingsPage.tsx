import { useEffect } from 'react';
import { App, Button, Card, Col, Form, Input, InputNumber, Radio, Row, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { OutreachSettingsRequest } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { PageContainer } from '../../components/PageContainer';
import { useApiError } from '../../components/useApiError';
import { useOutreachSettings, useSaveOutreachSettings } from './api';

/** 发送设置: the SMTP server, the SMS provider, the hourly limit and the console address for unsubscribe links. */
export function OutreachSettingsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const q = useOutreachSettings();
  const save = useSaveOutreachSettings();
  const [form] = Form.useForm<OutreachSettingsRequest>();
  const provider = Form.useWatch('smsProvider', form);

  useEffect(() => {
    if (!q.data) return;
    const { smtpPassSet: _p, smsTokenSet: _t, ...rest } = q.data;
    form.setFieldsValue({ ...rest, smtpPass: '', smsToken: '' });
  }, [q.data, form]);

  const submit = (v: OutreachSettingsRequest) =>
    save.mutate(
      { ...v, smtpPass: v.smtpPass || undefined, smsToken: v.smsToken || undefined },
      { onSuccess: () => void message.success(t('outreach.settings.saved')), onError: (e) => onError(e, form) },
    );

  return (
    <PageContainer title={t('outreach.settings.title')}>
      <Form<OutreachSettingsRequest> form={form} layout="vertical" onFinish={submit} disabled={!can('customers.write')}>
        <Row gutter={16}>
          <Col span={12}>
            <Card size="small" title={t('outreach.settings.email')}>
              <Row gutter={8}>
                <Col span={16}>
                  <Form.Item name="smtpHost" label={t('outreach.settings.smtpHost')}>
                    <Input placeholder="smtp.exmail.qq.com" data-testid="settings-smtp-host" />
                  </Form.Item>
                </Col>
                <Col span={8}>
                  <Form.Item name="smtpPort" label={t('outreach.settings.smtpPort')}>
                    <InputNumber min={1} max={65535} style={{ width: '100%' }} data-testid="settings-smtp-port" />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item name="smtpSecure" label={t('outreach.settings.smtpSecure')} valuePropName="checked">
                <Switch />
              </Form.Item>
              <Form.Item name="smtpUser" label={t('outreach.settings.smtpUser')}>
                <Input autoComplete="off" />
              </Form.Item>
              <Form.Item
                name="smtpPass"
                label={t('outreach.settings.smtpPass')}
                extra={q.data?.smtpPassSet ? t('outreach.settings.secretKept') : undefined}
              >
                <Input.Password autoComplete="new-password" />
              </Form.Item>
              <Form.Item name="mailFrom" label={t('outreach.settings.mailFrom')}>
                <Input placeholder="旗舰店 <shop@example.com>" data-testid="settings-mail-from" />
              </Form.Item>
            </Card>
          </Col>
          <Col span={12}>
            <Card size="small" title={t('outreach.settings.sms')}>
              <Form.Item name="smsProvider" label={t('outreach.settings.smsProvider')}>
                <Radio.Group
                  options={[
                    { value: 'log', label: t('outreach.settings.providerLog') },
                    { value: 'http', label: t('outreach.settings.providerHttp') },
                  ]}
                />
              </Form.Item>
              {provider === 'http' ? (
                <>
                  <Form.Item name="smsUrl" label={t('outreach.settings.smsUrl')} extra={t('outreach.settings.smsUrlHint')}>
                    <Input placeholder="https://sms.example.com/send" />
                  </Form.Item>
                  <Form.Item
                    name="smsToken"
                    label={t('outreach.settings.smsToken')}
                    extra={q.data?.smsTokenSet ? t('outreach.settings.secretKept') : undefined}
                  >
                    <Input.Password autoComplete="new-password" />
                  </Form.Item>
                </>
              ) : (
                <Typography.Paragraph type="secondary">{t('outreach.settings.providerLogHint')}</Typography.Paragraph>
              )}
            </Card>
            <Card size="small" title={t('outreach.settings.limits')} style={{ marginTop: 16 }}>
              <Form.Item name="hourlyLimit" label={t('outreach.settings.hourlyLimit')} extra={t('outreach.settings.quietHours')}>
                <InputNumber min={1} max={100000} style={{ width: 200 }} />
              </Form.Item>
              <Form.Item name="publicUrl" label={t('outreach.settings.publicUrl')} extra={t('outreach.settings.publicUrlHint')}>
                <Input placeholder="https://yunying.example.com" data-testid="settings-public-url" />
              </Form.Item>
            </Card>
          </Col>
        </Row>
        <Button type="primary" htmlType="submit" loading={save.isPending} style={{ marginTop: 16 }} data-testid="settings-save">
          {t('common.save')}
        </Button>
      </Form>
    </PageContainer>
  );
}
