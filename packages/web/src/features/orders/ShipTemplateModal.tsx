import { useState } from 'react';
import { Alert, Button, Modal, Space, Steps, Table, Tag, Typography, Upload } from 'antd';
import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { BatchShipResult, ShipPreview, ShipPreviewRow } from '@yunying/core';
import { downloadUrl } from '../../api/client';
import { useApiError } from '../../components/useApiError';
import { useShipFromTemplate, useShipPreview } from './api';

/**
 * Batch shipping as the marketplaces' back offices do it: download the template of the orders
 * awaiting shipment (the ticked ones, or all), fill 物流公司 and 运单号 in Excel, upload it, read the
 * per-row check, then ship the ready rows.
 */
export function ShipTemplateModal({
  open,
  onClose,
  ids,
  shopId,
}: {
  open: boolean;
  onClose: () => void;
  ids: string[];
  shopId?: string | undefined;
}) {
  const { t } = useTranslation();
  const onError = useApiError();
  const preview = useShipPreview();
  const ship = useShipFromTemplate();
  const [file, setFile] = useState<File | null>(null);
  const [checked, setChecked] = useState<ShipPreview | null>(null);
  const [result, setResult] = useState<BatchShipResult | null>(null);

  const reset = () => {
    setFile(null);
    setChecked(null);
    setResult(null);
    preview.reset();
    ship.reset();
  };
  const close = () => {
    reset();
    onClose();
  };
  const pick = (f: File) => {
    setFile(f);
    setResult(null);
    preview.mutate(f, { onSuccess: setChecked, onError: (e) => (setChecked(null), onError(e)) });
    return false;
  };
  const confirm = () => {
    if (file) ship.mutate(file, { onSuccess: setResult, onError: (e) => onError(e) });
  };

  const template = downloadUrl('/orders/ship-template', ids.length ? { ids: ids.join(',') } : { shopId });
  const step = result ? 2 : checked ? 1 : 0;

  return (
    <Modal
      open={open}
      title={t('orders.batchShip')}
      onCancel={close}
      width={860}
      destroyOnHidden
      footer={
        result ? (
          <Button type="primary" onClick={close} data-testid="ship-template-close">
            {t('common.close')}
          </Button>
        ) : (
          <Space>
            <Button onClick={close}>{t('common.cancel')}</Button>
            <Button
              type="primary"
              disabled={!checked || checked.ready === 0}
              loading={ship.isPending}
              onClick={confirm}
              data-testid="ship-template-confirm"
            >
              {t('orders.batch.shipReady', { count: checked?.ready ?? 0 })}
            </Button>
          </Space>
        )
      }
    >
      <Steps
        size="small"
        current={step}
        style={{ marginBottom: 16 }}
        items={[{ title: t('orders.batch.step1') }, { title: t('orders.batch.step2') }, { title: t('orders.batch.step3') }]}
      />
      <Space wrap style={{ marginBottom: 12 }}>
        <Button icon={<DownloadOutlined />} href={template} data-testid="ship-template-download">
          {ids.length ? t('orders.batch.templateSelected', { count: ids.length }) : t('orders.batch.templateAll')}
        </Button>
        <Upload accept=".xlsx,.csv" showUploadList={false} beforeUpload={pick}>
          <Button icon={<UploadOutlined />} loading={preview.isPending} data-testid="ship-template-upload">
            {file ? t('orders.batch.reupload') : t('orders.batch.upload')}
          </Button>
        </Upload>
        {file ? <Typography.Text type="secondary">{file.name}</Typography.Text> : null}
      </Space>
      <Typography.Paragraph type="secondary">{t('orders.batch.templateHint')}</Typography.Paragraph>
      {result ? (
        <Alert
          type={result.failed ? 'warning' : 'success'}
          showIcon
          message={t('orders.batchShipDone', { shipped: result.shipped, failed: result.failed })}
          style={{ marginBottom: 12 }}
          data-testid="batch-ship-result"
        />
      ) : checked ? (
        <Alert
          type={checked.failed ? 'warning' : 'success'}
          showIcon
          message={t('orders.batch.previewSummary', { ready: checked.ready, failed: checked.failed })}
          style={{ marginBottom: 12 }}
          data-testid="ship-preview-summary"
        />
      ) : null}
      {checked ? (
        <Table<ShipPreviewRow>
          size="small"
          rowKey="row"
          dataSource={
            result ? checked.rows.map((r) => ({ ...r, error: result.errors.find((e) => e.row === r.row)?.message ?? null })) : checked.rows
          }
          pagination={{ pageSize: 8, hideOnSinglePage: true }}
          scroll={{ x: 760 }}
          data-testid="ship-preview-table"
          columns={[
            { title: t('orders.row'), dataIndex: 'row', width: 60 },
            { title: t('orders.col.orderNo'), dataIndex: 'orderNo', width: 200 },
            { title: t('orders.ship.carrier'), dataIndex: 'carrier', width: 110 },
            { title: t('orders.batch.trackingNo'), dataIndex: 'trackingNo', width: 160 },
            {
              title: t('orders.batch.check'),
              dataIndex: 'error',
              render: (e: string | null) =>
                e ? (
                  <Typography.Text type="danger">{e}</Typography.Text>
                ) : (
                  <Tag color="success">{result ? t('orders.ship.shipped') : t('orders.batch.ready')}</Tag>
                ),
            },
          ]}
        />
      ) : null}
    </Modal>
  );
}
