import { App, Form, Input, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { CHANNELS, DEFAULT_TIMEZONE, type Channel, type Shop } from '@yunying/core';
import { useLabels } from '../../components/labels';
import { useApiError } from '../../components/useApiError';
import { useCreateShop, useUpdateShop } from './api';
import { SaveModal } from '../../components/SaveModal';

/** Common IANA zones offered in the picker; any other valid zone a shop already has is kept. */
export const COMMON_TIMEZONES = [
  'Asia/Shanghai',
  'Asia/Hong_Kong',
  'Asia/Taipei',
  'Asia/Tokyo',
  'Asia/Seoul',
  'Asia/Singapore',
  'Asia/Bangkok',
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'UTC',
] as const;

interface FormValues {
  name: string;
  channel: Channel;
  timezone: string;
}

export function ShopFormModal({ open, shop, onClose }: { open: boolean; shop?: Shop | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const { message } = App.useApp();
  const onError = useApiError();
  const [form] = Form.useForm<FormValues>();
  const create = useCreateShop();
  const update = useUpdateShop();
  const pending = create.isPending || update.isPending;

  const zones: string[] = [...COMMON_TIMEZONES];
  if (shop && !zones.includes(shop.timezone)) zones.unshift(shop.timezone);
  const zoneOptions = zones.map((z) => {
    const name = t(`shops.timezones.${z}`, { defaultValue: '' });
    return { value: z, label: name ? `${z} · ${name}` : z };
  });

  const submit = (v: FormValues) => {
    const name = v.name.trim();
    if (shop) {
      const body: { name?: string; timezone?: string } = {};
      if (name !== shop.name) body.name = name;
      if (v.timezone !== shop.timezone) body.timezone = v.timezone;
      if (Object.keys(body).length === 0) {
        onClose();
        return;
      }
      update.mutate(
        { id: shop.id, body },
        {
          onSuccess: () => {
            void message.success(t('shops.updated'));
            onClose();
          },
          onError: (e) => onError(e, form),
        },
      );
      return;
    }
    create.mutate(
      { name, channel: v.channel, timezone: v.timezone },
      {
        onSuccess: () => {
          void message.success(t('shops.created'));
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
      title={shop ? t('shops.editTitle') : t('shops.createTitle')}
      onClose={onClose}
      saving={pending}
      submitTestId="shop-form-submit"
    >
      <Form<FormValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        disabled={pending}
        initialValues={shop ? { name: shop.name, channel: shop.channel, timezone: shop.timezone } : { timezone: DEFAULT_TIMEZONE }}
      >
        <Form.Item name="name" label={t('shops.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input name="name" maxLength={60} />
        </Form.Item>
        <Form.Item name="channel" label={t('shops.channel')} rules={[{ required: true, message: t('shops.channelRequired') }]}>
          <Select disabled={!!shop} options={CHANNELS.map((c) => ({ value: c, label: labels.channel(c) }))} data-testid="shop-channel" />
        </Form.Item>
        <Form.Item name="timezone" label={t('shops.timezone')} rules={[{ required: true, message: t('common.required') }]}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={zoneOptions} data-testid="shop-timezone" />
        </Form.Item>
      </Form>
    </SaveModal>
  );
}
