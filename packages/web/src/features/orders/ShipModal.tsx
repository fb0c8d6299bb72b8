import { App, Form, Input, Modal, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { CARRIERS, type ShipInput } from '@yunying/core';
import { useApiError } from '../../components/useApiError';
import { useOrderAction } from './api';

type ShipForm = ShipInput;

export function ShipModal({ orderId, open, onClose }: { orderId: string; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const [form] = Form.useForm<ShipForm>();
  const action = useOrderAction();
  const submit = (v: ShipForm) =>
    action.mutate(
      { id: orderId, action: 'ship', body: { carrier: v.carrier, trackingNo: v.trackingNo.trim() } },
      {
        onSuccess: () => {
          void message.success(t('orders.ship.shipped'));
          onClose();
        },
        onError: (e) => onError(e, form),
      },
    );
  return (
    <Modal
      open={open}
      title={t('orders.ship.title')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('orders.actions.ship')}
      cancelText={t('common.cancel')}
      confirmLoading={action.isPending}
      okButtonProps={{ 'data-testid': 'ship-submit' }}
      destroyOnHidden
    >
      <Form<ShipForm> form={form} layout="vertical" onFinish={submit} disabled={action.isPending}>
        <Form.Item name="carrier" label={t('orders.ship.carrier')} rules={[{ required: true, message: t('orders.ship.carrierRequired') }]}>
          <Select showSearch options={CARRIERS.map((c) => ({ value: c, label: c }))} data-testid="ship-carrier" />
        </Form.Item>
        <Form.Item
          name="trackingNo"
          label={t('orders.ship.trackingNo')}
          rules={[{ required: true, whitespace: true, message: t('orders.ship.trackingRequired') }]}
        >
          <Input maxLength={60} data-testid="ship-tracking" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
