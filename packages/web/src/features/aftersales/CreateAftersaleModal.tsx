import { useEffect, useState } from 'react';
import { App, Form, Input, InputNumber, Modal, Select, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import {
  AFTERSALE_TYPES,
  REFUND_TYPES,
  RESPONSIBILITIES,
  formatFen,
  proposedRefundFen,
  type AftersaleType,
  type OrderDetail,
  type Responsibility,
} from '@yunying/core';
import { useLabels } from '../../components/labels';
import { useApiError } from '../../components/useApiError';
import { useCreateAftersale, useReasons } from './api';

interface CaseForm {
  type: AftersaleType;
  reasonId?: string;
  responsibility?: Responsibility;
  note?: string;
  qty: Record<string, number | null>;
  /** 申请金额 in yuan (refund types). */
  requested?: number | null;
}

/** Open an after-sales case on some lines of an order. */
export function CreateAftersaleModal({ order, open, onClose }: { order: OrderDetail; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const { message } = App.useApp();
  const onError = useApiError();
  const navigate = useNavigate();
  const [form] = Form.useForm<CaseForm>();
  const reasons = useReasons();
  const create = useCreateAftersale();
  const type = Form.useWatch('type', form) ?? 'return_refund';
  const qtys = Form.useWatch('qty', form);
  const refundCase = REFUND_TYPES.includes(type);
  // 申请金额 follows the chosen lines until the user types their own amount.
  const proposed = proposedRefundFen(order.lines.map((l) => ({ ...l, caseQty: Number(qtys?.[l.id] ?? 0) })));
  const [edited, setEdited] = useState(false);
  useEffect(() => {
    if (!edited) form.setFieldValue('requested', proposed / 100);
  }, [edited, form, proposed]);

  const submit = (v: CaseForm) => {
    const lines = order.lines.map((line) => ({ orderLineId: line.id, qty: Number(v.qty?.[line.id] ?? 0) })).filter((x) => x.qty > 0);
    if (lines.length === 0) {
      void message.error(t('aftersales.create.noLines'));
      return;
    }
    create.mutate(
      {
        orderId: order.id,
        type: v.type,
        ...(v.reasonId ? { reasonId: v.reasonId } : {}),
        ...(v.responsibility ? { responsibility: v.responsibility } : {}),
        lines,
        note: v.note?.trim() ?? '',
        ...(refundCase && v.requested != null ? { requestedFen: Math.round(v.requested * 100) } : {}),
      },
      {
        onSuccess: (c) => {
          void message.success(t('aftersales.create.done', { code: c.code }));
          onClose();
          navigate(`/aftersales/${c.id}`);
        },
        onError: (e) => onError(e, form),
      },
    );
  };

  return (
    <Modal
      open={open}
      title={t('aftersales.create.title')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      okButtonProps={{ 'data-testid': 'aftersale-submit' }}
      width={720}
      destroyOnHidden
    >
      <Form<CaseForm>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ type: 'return_refund', qty: Object.fromEntries(order.lines.map((x) => [x.id, x.qty - x.refundedQty])) }}
      >
        <Form.Item name="type" label={t('aftersales.fields.type')} rules={[{ required: true, message: t('common.required') }]}>
          <Select options={AFTERSALE_TYPES.map((x) => ({ value: x, label: labels.aftersaleType(x) }))} data-testid="aftersale-type" />
        </Form.Item>
        <Form.Item name="reasonId" label={t('aftersales.fields.reason')}>
          <Select
            allowClear
            loading={reasons.isLoading}
            options={(reasons.data ?? []).filter((r) => r.enabled).map((r) => ({ value: r.id, label: r.name }))}
            onChange={(id: string | undefined) => {
              const r = reasons.data?.find((x) => x.id === id);
              if (r) form.setFieldValue('responsibility', r.responsibility);
            }}
            data-testid="aftersale-reason"
          />
        </Form.Item>
        <Form.Item name="responsibility" label={t('aftersales.fields.responsibility')}>
          <Select allowClear options={RESPONSIBILITIES.map((x) => ({ value: x, label: labels.responsibility(x) }))} />
        </Form.Item>
        <Form.Item label={t('aftersales.fields.lines')} required>
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={order.lines}
            columns={[
              { title: t('orders.line.title'), dataIndex: 'title', ellipsis: true },
              { title: t('orders.line.spec'), dataIndex: 'specText', width: 120 },
              { title: t('orders.line.qty'), dataIndex: 'qty', width: 60 },
              {
                title: t('aftersales.fields.qty'),
                key: 'qty',
                width: 110,
                render: (_, line) => (
                  <Form.Item name={['qty', line.id]} noStyle>
                    <InputNumber min={0} max={line.qty} precision={0} data-testid={`aftersale-qty-${line.lineNo}`} />
                  </Form.Item>
                ),
              },
            ]}
          />
        </Form.Item>
        {refundCase ? (
          <Form.Item label={t('aftersales.fields.requested')} required>
            <Form.Item name="requested" noStyle rules={[{ required: true, message: t('common.required') }]}>
              <InputNumber
                min={0}
                max={proposed / 100}
                precision={2}
                prefix="¥"
                style={{ width: 180 }}
                onChange={() => setEdited(true)}
                data-testid="aftersale-requested"
              />
            </Form.Item>
            <Typography.Text type="secondary" style={{ marginLeft: 12 }}>
              {t('aftersales.create.proposed', { amount: formatFen(proposed) })}
            </Typography.Text>
          </Form.Item>
        ) : null}
        <Form.Item name="note" label={t('aftersales.fields.note')}>
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
