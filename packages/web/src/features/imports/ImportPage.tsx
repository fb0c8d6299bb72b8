import { useMemo, useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Form, Input, Select, Space, Tag, Typography } from 'antd';
import { DeleteOutlined, EyeOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { IMPORT_FORMATS, type ImportField, type ImportFormat } from '@yunying/core';
import { ColumnMapping, FilePick, mapColumn, PreviewRows } from '../../components/ImportPreview';
import { PageContainer } from '../../components/PageContainer';
import { ALL_SHOPS, useShop } from '../../components/ShopContext';
import { useApiError } from '../../components/useApiError';
import { useDeletePreset, usePresets, usePreview, useSavePreset, useStartImport, type Preview } from './api';

/** CSV previews only need the head of the file; XLSX needs the whole zip. */
const PREVIEW_BYTES = 256 * 1024;

export function ImportPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const navigate = useNavigate();
  const { shops, shopId: currentShop } = useShop();
  const [shopId, setShopId] = useState<string | undefined>(currentShop !== ALL_SHOPS ? currentShop : shops[0]?.id);
  const [format, setFormat] = useState<ImportFormat>('taobao');
  const [orders, setOrders] = useState<File | null>(null);
  const [items, setItems] = useState<File | null>(null);
  const [moveStock, setMoveStock] = useState(false);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [mapping, setMapping] = useState<Partial<Record<ImportField, string>>>({});
  const [presetId, setPresetId] = useState<string | undefined>();
  const [presetName, setPresetName] = useState('');
  const start = useStartImport();
  const doPreview = usePreview();
  const presets = usePresets();
  const savePreset = useSavePreset();
  const deletePreset = useDeletePreset();

  const generic = format === 'generic';
  const missingRequired = useMemo(
    () => (preview?.fields ?? []).filter((f) => f.required && !mapping[f.field]).map((f) => f.label),
    [preview, mapping],
  );

  const runPreview = () => {
    if (!orders) return void message.warning(t('imports.needFile'));
    const form = new FormData();
    form.set('format', format);
    const isXlsx = orders.name.toLowerCase().endsWith('.xlsx');
    form.set('file', isXlsx ? orders : orders.slice(0, PREVIEW_BYTES), orders.name);
    doPreview.mutate(form, {
      onSuccess: (p) => {
        setPreview(p);
        if (!presetId) setMapping(p.mapping);
      },
      onError: (e) => onError(e),
    });
  };

  const submit = () => {
    if (!shopId) return void message.warning(t('imports.needShop'));
    if (!orders) return void message.warning(t('imports.needFile'));
    if (generic && !presetId && (!preview || missingRequired.length)) {
      return void message.warning(t('imports.needMapping', { fields: missingRequired.join('、') || t('imports.preview') }));
    }
    const form = new FormData();
    form.set('shopId', shopId);
    form.set('format', format);
    form.set('moveStock', moveStock ? 'true' : 'false');
    if (generic) {
      if (presetId) form.set('presetId', presetId);
      else form.set('mapping', JSON.stringify(mapping));
    }
    form.set('orders', orders, orders.name);
    if (format === 'taobao' && items) form.set('items', items, items.name);
    start.mutate(form, {
      onSuccess: ({ jobId }) => navigate(`/imports/jobs/${jobId}`),
      onError: (e) => onError(e),
    });
  };

  const choosePreset = (id: string | undefined) => {
    setPresetId(id);
    const p = presets.data?.find((x) => x.id === id);
    if (p) {
      setMapping(p.mapping);
      setPresetName(p.name);
    }
  };

  return (
    <PageContainer title={t('imports.title')}>
      <Typography.Paragraph type="secondary">{t('imports.intro')}</Typography.Paragraph>
      <Form layout="vertical" style={{ maxWidth: 720 }} onFinish={submit}>
        <Form.Item label={t('imports.shop')} required>
          <Select
            value={shopId}
            onChange={setShopId}
            placeholder={t('imports.shopPlaceholder')}
            options={shops.map((s) => ({ value: s.id, label: s.name }))}
            data-testid="import-shop"
          />
        </Form.Item>
        <Form.Item label={t('imports.format')} required>
          <Select
            value={format}
            onChange={(v) => {
              setFormat(v);
              setPreview(null);
              setMapping({});
            }}
            options={IMPORT_FORMATS.map((f) => ({ value: f, label: t(`imports.formats.${f}`) }))}
            data-testid="import-format"
          />
        </Form.Item>
        <Form.Item label={t('imports.ordersFile')} required>
          <FilePick
            file={orders}
            onChange={(f) => {
              setOrders(f);
              setPreview(null);
            }}
            testId="import-file-orders"
            label={t('imports.chooseFile')}
          />
        </Form.Item>
        {format === 'taobao' ? (
          <Form.Item label={t('imports.itemsFile')} extra={t('imports.itemsHint')}>
            <FilePick file={items} onChange={setItems} testId="import-file-items" label={t('imports.chooseFile')} />
          </Form.Item>
        ) : null}
        {generic ? (
          <Form.Item label={t('imports.preset')}>
            <Space wrap>
              <Select
                allowClear
                style={{ minWidth: 240 }}
                value={presetId}
                onChange={choosePreset}
                placeholder={t('imports.presetPlaceholder')}
                options={(presets.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
                data-testid="import-preset"
              />
              {presetId ? (
                <Button
                  icon={<DeleteOutlined />}
                  danger
                  onClick={() =>
                    deletePreset.mutate(presetId, {
                      onSuccess: () => setPresetId(undefined),
                      onError: (e) => onError(e),
                    })
                  }
                >
                  {t('imports.deletePreset')}
                </Button>
              ) : null}
            </Space>
          </Form.Item>
        ) : null}
        <Form.Item extra={t('imports.moveStockHint')}>
          <Checkbox checked={moveStock} onChange={(e) => setMoveStock(e.target.checked)} data-testid="import-move-stock">
            {t('imports.moveStock')}
          </Checkbox>
        </Form.Item>
        <Space>
          <Button icon={<EyeOutlined />} onClick={runPreview} loading={doPreview.isPending} disabled={!orders} data-testid="import-preview">
            {t('imports.preview')}
          </Button>
          <Button type="primary" htmlType="submit" loading={start.isPending} data-testid="import-submit">
            {t('imports.submit')}
          </Button>
        </Space>
      </Form>

      {preview ? (
        <Card title={t('imports.previewTitle')} style={{ marginTop: 24 }} data-testid="import-preview-card">
          <Space direction="vertical" style={{ width: '100%' }}>
            <div>
              {t('imports.encoding')}: <Tag color="blue">{t(`imports.encodings.${preview.encoding}`)}</Tag>
            </div>
            {!generic && preview.missing.length ? (
              <Alert
                type="error"
                showIcon
                message={t('imports.needMapping', {
                  fields: preview.fields
                    .filter((f) => preview.missing.includes(f.field))
                    .map((f) => f.label)
                    .join('、'),
                })}
              />
            ) : null}
            <PreviewRows headers={preview.headers} rows={preview.rows} columnWidth={140} />
            {generic ? (
              <>
                <Typography.Title level={5}>{t('imports.mapping')}</Typography.Title>
                <Typography.Text type="secondary">{t('imports.mappingHint')}</Typography.Text>
                <ColumnMapping
                  fields={preview.fields}
                  headers={preview.headers}
                  mapping={mapping}
                  onMap={(field, column) => {
                    setPresetId(undefined);
                    setMapping((m) => mapColumn(m, field, column));
                  }}
                  labelWidth={110}
                  placeholder={t('imports.notMapped')}
                  testIdPrefix="import"
                />
                <Space>
                  <Input
                    placeholder={t('imports.presetName')}
                    value={presetName}
                    onChange={(e) => setPresetName(e.target.value)}
                    style={{ width: 220 }}
                    data-testid="import-preset-name"
                  />
                  <Button
                    disabled={!presetName.trim()}
                    loading={savePreset.isPending}
                    onClick={() =>
                      savePreset.mutate(
                        {
                          name: presetName.trim(),
                          mapping: Object.fromEntries(Object.entries(mapping).filter(([, v]) => !!v)) as Record<string, string>,
                        },
                        {
                          onSuccess: (p) => {
                            setPresetId(p.id);
                            void message.success(t('imports.presetSaved'));
                          },
                          onError: (e) => onError(e),
                        },
                      )
                    }
                    data-testid="import-preset-save"
                  >
                    {t('imports.savePreset')}
                  </Button>
                </Space>
              </>
            ) : null}
          </Space>
        </Card>
      ) : null}
    </PageContainer>
  );
}
