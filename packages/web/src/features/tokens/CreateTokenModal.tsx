import { Checkbox, Col, Form, Input, InputNumber, Modal, Row, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { PERMISSION_GROUPS } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { useLabels } from '../../components/labels';
import { useApiError } from '../../components/useApiError';
import { useCreateToken } from './api';

interface FormValues {
  name: string;
  scopes: string[];
  expiresInDays?: number | null;
}

/** Scopes offered are the permissions the current user holds; the secret goes to `onCreated`. */
export function CreateTokenModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (secret: string, name: string) => void;
}) {
  const { t } = useTranslation();
  const labels = useLabels();
  const { can } = useAuth();
  const onError = useApiError();
  const [form] = Form.useForm<FormValues>();
  const create = useCreateToken();

  const groups = PERMISSION_GROUPS.map((g) => ({ group: g, codes: g.permissions.filter((p) => can(p.code)) })).filter(
    (g) => g.codes.length > 0,
  );

  const submit = (v: FormValues) => {
    create.mutate(
      { name: v.name.trim(), scopes: v.scopes ?? [], expiresInDays: v.expiresInDays ?? null },
      {
        onSuccess: (res) => onCreated(res.secret, res.token.name),
        onError: (e) => onError(e, form),
      },
    );
  };

  return (
    <Modal
      open={open}
      title={t('tokens.createTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      okButtonProps={{ 'data-testid': 'token-form-submit' }}
      destroyOnHidden
      width={640}
    >
      <Form<FormValues> form={form} layout="vertical" onFinish={submit} disabled={create.isPending} initialValues={{ scopes: [] }}>
        <Form.Item name="name" label={t('tokens.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input name="name" maxLength={60} />
        </Form.Item>
        <Form.Item
          name="scopes"
          label={t('tokens.scopes')}
          rules={[{ required: true, type: 'array', min: 1, message: t('tokens.scopesRequired') }]}
        >
          <Checkbox.Group style={{ width: '100%' }}>
            <div style={{ width: '100%', maxHeight: 300, overflowY: 'auto' }}>
              {groups.map(({ group, codes }) => (
                <div key={group.module} style={{ marginBottom: 8 }}>
                  <Typography.Text strong>{labels.text(group)}</Typography.Text>
                  <Row gutter={[8, 4]} style={{ marginTop: 4 }}>
                    {codes.map((p) => (
                      <Col key={p.code} xs={24} sm={12}>
                        <Checkbox value={p.code} data-testid={`scope-${p.code}`}>
                          {labels.permission(p.code)}
                        </Checkbox>
                      </Col>
                    ))}
                  </Row>
                </div>
              ))}
            </div>
          </Checkbox.Group>
        </Form.Item>
        <Form.Item name="expiresInDays" label={t('tokens.expiresInDays')} extra={t('tokens.expiresInDaysHelp')}>
          <InputNumber name="expiresInDays" min={1} max={3650} precision={0} style={{ width: 200 }} suffix={t('tokens.days')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
