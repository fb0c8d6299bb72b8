import { useEffect } from 'react';
import { Alert, App, Form, Input, InputNumber, Modal, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { StockRow } from '@yunying/core';
import { QueryState } from '../../components/QueryState';
import { useApiError } from '../../components/useApiError';
import { useAdjust, useLedgerCheck, useSetThresholds } from './api';
import { SkuPicker, WarehouseSelect } from './pickers';
import { SaveModal } from '../../components/SaveModal';

interface AdjustValues {
  skuId: string;
  warehouseId: string;
  qty: number;
  reason: string;
}

/** Adjust (± qty) or report defective units; opened from a stock row or empty for any SKU. */
export function AdjustModal({
  open,
  kind,
  row,
  defaultWarehouseId,
  onClose,
}: {
  open: boolean;
  kind: 'adjust' | 'defective';
  row?: StockRow | undefined;
  defaultWarehouseId?: string | undefined;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const [form] = Form.useForm<AdjustValues>();
  const mutation = useAdjust();
  useEffect(() => {
    if (open) form.setFieldsValue({ skuId: row?.skuId, warehouseId: row?.warehouseId ?? defaultWarehouseId });
  }, [open, row, defaultWarehouseId, form]);
  const title = row
    ? t(kind === 'adjust' ? 'inventory.adjustTitle' : 'inventory.defectiveTitle', { sku: row.skuCode })
    : t(kind === 'adjust' ? 'inventory.adjustNew' : 'inventory.reportDefective');
  const submit = (v: AdjustValues) =>
    mutation.mutate(
      { kind, body: { skuId: v.skuId, warehouseId: v.warehouseId, qty: v.qty, reason: v.reason.trim() } },
      {
        onSuccess: () => {
          void message.success(t(kind === 'adjust' ? 'inventory.adjusted' : 'inventory.defectiveDone'));
          form.resetFields();
          onClose();
        },
        onError: (e) => onError(e, form),
      },
    );
  return (
    <SaveModal form={form} open={open} title={title} onClose={onClose} saving={mutation.isPending} submitTestId={`${kind}-submit`}>
      {row ? (
        <Typography.Paragraph type="secondary">
          {row.productTitle} {row.specText} · {row.warehouseName} · {t('inventory.onHand')} {row.onHand} / {t('inventory.available')}{' '}
          {row.available} / {t('inventory.reserved')} {row.reserved}
        </Typography.Paragraph>
      ) : null}
      <Form<AdjustValues> form={form} layout="vertical" onFinish={submit} disabled={mutation.isPending}>
        <Form.Item name="skuId" label={t('inventory.sku')} rules={[{ required: true, message: t('common.required') }]} hidden={!!row}>
          <SkuPicker data-testid={`${kind}-sku`} />
        </Form.Item>
        <Form.Item
          name="warehouseId"
          label={t('inventory.warehouse')}
          rules={[{ required: true, message: t('common.required') }]}
          hidden={!!row}
        >
          <WarehouseSelect activeOnly data-testid={`${kind}-warehouse`} />
        </Form.Item>
        <Form.Item
          name="qty"
          label={t('inventory.qty')}
          extra={kind === 'adjust' ? t('inventory.adjustQtyTip') : t('inventory.defectiveTip')}
          rules={[
            { required: true, message: t('common.required') },
            { validator: (_, v: number | null) => (v === 0 ? Promise.reject(new Error(t('common.required'))) : Promise.resolve()) },
          ]}
        >
          <InputNumber precision={0} {...(kind === 'defective' ? { min: 1 } : {})} style={{ width: '100%' }} data-testid={`${kind}-qty`} />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('inventory.reason')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input name="reason" maxLength={200} placeholder={t('inventory.reasonPlaceholder')} data-testid={`${kind}-reason`} />
        </Form.Item>
      </Form>
    </SaveModal>
  );
}

interface ThresholdValues {
  lowStock: number | null;
  overStock: number | null;
}

export function ThresholdModal({ row, onClose }: { row: StockRow | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const [form] = Form.useForm<ThresholdValues>();
  const mutation = useSetThresholds();
  useEffect(() => {
    if (row) form.setFieldsValue({ lowStock: row.lowStock, overStock: row.overStock });
  }, [row, form]);
  const submit = (v: ThresholdValues) =>
    row &&
    mutation.mutate(
      { skuId: row.skuId, body: { lowStock: v.lowStock ?? null, overStock: v.overStock ?? null } },
      {
        onSuccess: () => {
          void message.success(t('inventory.thresholdsSaved'));
          onClose();
        },
        onError: (e) => onError(e, form),
      },
    );
  return (
    <SaveModal
      form={form}
      open={!!row}
      title={row ? t('inventory.thresholdsTitle', { sku: row.skuCode }) : ''}
      onClose={onClose}
      saving={mutation.isPending}
      submitTestId="thresholds-submit"
    >
      <Alert type="info" showIcon title={t('inventory.thresholdsTip')} style={{ marginBottom: 16 }} />
      <Form<ThresholdValues> form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="lowStock" label={t('inventory.lowStock')}>
          <InputNumber min={0} precision={0} style={{ width: '100%' }} data-testid="threshold-low" />
        </Form.Item>
        <Form.Item name="overStock" label={t('inventory.overStock')}>
          <InputNumber min={0} precision={0} style={{ width: '100%' }} data-testid="threshold-over" />
        </Form.Item>
      </Form>
    </SaveModal>
  );
}

export function LedgerCheckModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const check = useLedgerCheck(open);
  const fmt = (f: { onHand: number; reserved: number; available: number; defective: number }) =>
    `${f.onHand} / ${f.reserved} / ${f.available} / ${f.defective}`;
  return (
    <Modal open={open} title={t('inventory.ledgerTitle')} onCancel={onClose} footer={null} width={760} destroyOnHidden>
      <QueryState query={check}>
        {(data) => (
          <>
            <Alert
              type={data.mismatches ? 'error' : 'success'}
              showIcon
              title={
                data.mismatches ? t('inventory.ledgerBad', { count: data.mismatches }) : t('inventory.ledgerOk', { checked: data.checked })
              }
              style={{ marginBottom: 12 }}
              data-testid="ledger-result"
            />
            {data.items.length ? (
              <Table
                size="small"
                rowKey={(r) => `${r.skuId}|${r.warehouseId}`}
                dataSource={data.items}
                pagination={false}
                columns={[
                  { title: t('inventory.sku'), dataIndex: 'skuCode' },
                  { title: t('inventory.warehouse'), dataIndex: 'warehouseName' },
                  {
                    title: `${t('inventory.ledgerStock')}（${t('inventory.onHand')}/${t('inventory.reserved')}/${t('inventory.available')}/${t('inventory.defective')}）`,
                    render: (_, r) => fmt(r.stock),
                  },
                  { title: t('inventory.ledgerLedger'), render: (_, r) => <Tag color="red">{fmt(r.ledger)}</Tag> },
                ]}
              />
            ) : null}
          </>
        )}
      </QueryState>
    </Modal>
  );
}
