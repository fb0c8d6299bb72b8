import { useState } from 'react';
import { Alert, App, Button, Dropdown, Flex, Form, Input, Modal, Radio, Space, Typography, type MenuProps } from 'antd';
import { DownloadOutlined, FlagFilled, FlagOutlined, FormOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ORDER_FLAG_COLORS, ORDER_FLAG_COLOR_LABELS, type BatchActionResult, type OrderFlagColor } from '@yunying/core';
import { downloadUrl } from '../../api/client';
import { useAuth } from '../../components/AuthContext';
import { useApiError } from '../../components/useApiError';
import { useBatchAction, type BatchAction } from './api';

/** The seller's flag (旗帜) as a coloured flag icon; nothing when there is none. */
export function FlagIcon({ color }: { color: OrderFlagColor | null }) {
  const { t } = useTranslation();
  if (!color) return null;
  const label = t(`orders.batch.flags.${color}`);
  return (
    <FlagFilled
      style={{ color: ORDER_FLAG_COLOR_LABELS[color].hex }}
      aria-label={label}
      title={label}
      data-testid={`order-flag-${color}`}
    />
  );
}

/**
 * What can be done with the ticked orders: flag, memo, 催单 (orders.memo), the ship template of
 * the selection (orders.ship) and the export of the selection.
 */
export function BatchBar({ ids, onClear }: { ids: string[]; onClear: () => void }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const batch = useBatchAction();
  const [memoOpen, setMemoOpen] = useState(false);
  const [memoForm] = Form.useForm<{ sellerMemo: string; mode: 'append' | 'replace' }>();

  const report = (r: BatchActionResult) => {
    if (r.errors.length)
      void message.warning(t('orders.batch.partial', { changed: r.changed, failed: r.errors.length, reason: r.errors[0]!.message }));
    else void message.success(t('orders.batch.done', { changed: r.changed, unchanged: r.unchanged }));
  };
  const run = (a: BatchAction, after?: () => void) =>
    batch.mutate(a, {
      onSuccess: (r) => {
        report(r);
        after?.();
      },
      onError: (e) => onError(e, a.action === 'memo' ? memoForm : undefined),
    });

  const flagItems: MenuProps['items'] = [
    ...ORDER_FLAG_COLORS.map((c) => ({
      key: c,
      icon: <FlagFilled style={{ color: ORDER_FLAG_COLOR_LABELS[c].hex }} />,
      label: t(`orders.batch.flags.${c}`),
      'data-testid': `batch-flag-${c}`,
    })),
    { type: 'divider' as const },
    { key: 'none', icon: <FlagOutlined />, label: t('orders.batch.flags.none'), 'data-testid': 'batch-flag-none' },
  ];
  const selection = { ids: ids.join(',') };

  return (
    <>
      <Alert
        type="info"
        style={{ marginBottom: 12 }}
        data-testid="orders-batch-bar"
        message={
          <Flex align="center" gap={8} wrap>
            <Typography.Text strong data-testid="orders-selected-count">
              {t('orders.batch.selected', { count: ids.length })}
            </Typography.Text>
            {can('orders.memo') ? (
              <>
                <Dropdown
                  trigger={['click']}
                  menu={{
                    items: flagItems,
                    onClick: ({ key }) => run({ action: 'flag', body: { ids, color: key === 'none' ? null : (key as OrderFlagColor) } }),
                  }}
                >
                  <Button size="small" icon={<FlagOutlined />} loading={batch.isPending} data-testid="batch-flag">
                    {t('orders.batch.flag')}
                  </Button>
                </Dropdown>
                <Button size="small" icon={<FormOutlined />} onClick={() => setMemoOpen(true)} data-testid="batch-memo">
                  {t('orders.batch.memo')}
                </Button>
                <Button
                  size="small"
                  icon={<ThunderboltOutlined />}
                  onClick={() => run({ action: 'urgent', body: { ids, urgent: true } })}
                  data-testid="batch-urgent"
                >
                  {t('orders.actions.urgentOn')}
                </Button>
                <Button size="small" onClick={() => run({ action: 'urgent', body: { ids, urgent: false } })} data-testid="batch-urgent-off">
                  {t('orders.actions.urgentOff')}
                </Button>
              </>
            ) : null}
            {can('orders.ship') ? (
              <Button
                size="small"
                icon={<DownloadOutlined />}
                href={downloadUrl('/orders/ship-template', selection)}
                data-testid="batch-ship-template"
              >
                {t('orders.batch.shipTemplate')}
              </Button>
            ) : null}
            <Button size="small" icon={<DownloadOutlined />} href={downloadUrl('/orders/export', selection)} data-testid="batch-export">
              {t('orders.batch.export')}
            </Button>
            <Button size="small" type="link" onClick={onClear} data-testid="batch-clear">
              {t('orders.batch.clear')}
            </Button>
          </Flex>
        }
      />
      <Modal
        open={memoOpen}
        title={t('orders.batch.memoTitle', { count: ids.length })}
        onCancel={() => setMemoOpen(false)}
        onOk={() => memoForm.submit()}
        okButtonProps={{ loading: batch.isPending, ...({ 'data-testid': 'batch-memo-save' } as Record<string, string>) }}
        destroyOnHidden
      >
        <Form
          form={memoForm}
          layout="vertical"
          initialValues={{ mode: 'append' }}
          onFinish={(v) =>
            run({ action: 'memo', body: { ids, sellerMemo: v.sellerMemo.trim(), mode: v.mode } }, () => {
              setMemoOpen(false);
              memoForm.resetFields();
            })
          }
        >
          <Form.Item
            name="sellerMemo"
            label={t('orders.detail.sellerMemo')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input.TextArea rows={3} maxLength={1000} showCount data-testid="batch-memo-text" />
          </Form.Item>
          <Form.Item name="mode">
            <Radio.Group>
              <Space direction="vertical">
                <Radio value="append">{t('orders.batch.memoAppend')}</Radio>
                <Radio value="replace">{t('orders.batch.memoReplace')}</Radio>
              </Space>
            </Radio.Group>
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
