import { App, Alert, Form, Input, Modal, Radio } from 'antd';
import { useTranslation } from 'react-i18next';
import { parseYuan, type PriceChange } from '@yunying/core';
import { useApiError } from '../../components/useApiError';
import { useBatchProducts } from './api';

interface Values {
  mode: PriceChange['mode'];
  amount: string;
}

/** 批量改价: set / percent / delta over every active SKU of the selected products. */
export function PriceModal({ open, ids, onClose }: { open: boolean; ids: string[]; onClose: (done: boolean) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const [form] = Form.useForm<Values>();
  const batch = useBatchProducts();
  const mode = Form.useWatch('mode', form) ?? 'set';

  const submit = (v: Values) => {
    let price: PriceChange;
    if (v.mode === 'percent') price = { mode: 'percent', percent: Number(v.amount) };
    else {
      const fen = parseYuan(v.amount)!;
      price = v.mode === 'set' ? { mode: 'set', fen } : { mode: 'delta', fen };
    }
    batch.mutate(
      { ids, action: 'price', price },
      {
        onSuccess: (r) => {
          void message.success(t('catalog.list.priceDone', { count: r.skus }));
          form.resetFields();
          onClose(true);
        },
        onError: (e) => onError(e, form),
      },
    );
  };

  return (
    <Modal
      open={open}
      title={t('catalog.price.title')}
      onCancel={() => onClose(false)}
      onOk={() => form.submit()}
      okText={t('common.ok')}
      cancelText={t('common.cancel')}
      confirmLoading={batch.isPending}
      okButtonProps={{ 'data-testid': 'price-submit' }}
      destroyOnHidden
    >
      <Alert type="info" showIcon title={t('catalog.price.hint')} style={{ marginBottom: 16 }} />
      <Form<Values> form={form} layout="vertical" initialValues={{ mode: 'set', amount: '' }} onFinish={submit}>
        <Form.Item name="mode" label={t('catalog.price.mode')}>
          <Radio.Group
            options={[
              { value: 'set', label: t('catalog.price.set') },
              { value: 'percent', label: t('catalog.price.percent') },
              { value: 'delta', label: t('catalog.price.delta') },
            ]}
            data-testid="price-mode"
          />
        </Form.Item>
        <Form.Item
          name="amount"
          label={mode === 'percent' ? t('catalog.price.percentValue') : t('catalog.price.yuan')}
          rules={[
            {
              validator: (_, v: string) => {
                const text = (v ?? '').trim();
                if (mode === 'percent') {
                  const n = Number(text);
                  return text && Number.isFinite(n) && n >= -99.99 && n <= 1000
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('catalog.price.badPercent')));
                }
                const fen = parseYuan(text);
                return fen !== null && (mode === 'delta' || fen >= 0)
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('catalog.price.badYuan')));
              },
            },
          ]}
        >
          <Input inputMode="decimal" data-testid="price-amount" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
