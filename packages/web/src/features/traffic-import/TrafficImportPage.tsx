import { useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Descriptions, Form, Select, Space, Table, Tag, Typography } from 'antd';
import { EyeOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { Link } from 'react-router';
import type { TrafficImportField } from '@yunying/core';
import { ColumnMapping, FilePick, mapColumn, PreviewRows } from '../../components/ImportPreview';
import { PageContainer } from '../../components/PageContainer';
import { useLabels } from '../../components/labels';
import { QueryError } from '../../components/QueryState';
import { ALL_SHOPS, useShop } from '../../components/ShopContext';
import { formatCount, formatDateTime } from '../../components/format';
import { useApiError } from '../../components/useApiError';
import { useUrlState } from '../../components/useUrlState';
import { useTrafficImport, useTrafficImports, useTrafficPreview, type TrafficImportSummary, type TrafficPreview } from './api';

/** CSV previews only need the head of the file; XLSX needs the whole zip. */
const PREVIEW_BYTES = 256 * 1024;
const HISTORY_PAGE_SIZE = 10;

function daysText(days: readonly string[], range: (first: string, last: string, n: number) => string): string {
  if (!days.length) return '—';
  if (days.length <= 3) return days.join(', ');
  return range(days[0]!, days[days.length - 1]!, days.length);
}

function ResultCard({ summary }: { summary: TrafficImportSummary }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const level = `${summary.perProduct ? t('trafficImport.levelProduct') : t('trafficImport.levelShop')} · ${
    summary.perSource ? t('trafficImport.levelSources') : t('trafficImport.levelAllSources')
  }`;
  return (
    <Card title={t('trafficImport.result')} style={{ marginTop: 24 }} data-testid="traffic-import-result">
      <Space direction="vertical" style={{ width: '100%' }} size="middle">
        <Alert
          type={summary.errorCount ? 'warning' : 'success'}
          showIcon
          message={t('trafficImport.done', { imported: formatCount(summary.imported), errors: formatCount(summary.errorCount) })}
          action={
            summary.days.length ? (
              <Link to={`/analytics/traffic?from=${summary.days[0]}&to=${summary.days[summary.days.length - 1]}`}>
                {t('trafficImport.viewTraffic')}
              </Link>
            ) : null
          }
        />
        {summary.warnings.map((w) => (
          <Alert key={w} type="info" showIcon message={w} data-testid="traffic-import-warning" />
        ))}
        <Descriptions size="small" column={{ xs: 1, sm: 2, md: 3 }} bordered>
          <Descriptions.Item label={t('trafficImport.days')}>
            <span data-testid="traffic-import-days">
              {summary.days.length
                ? daysText(summary.days, (first, last, n) => t('trafficImport.dayRangeText', { first, last, n }))
                : t('trafficImport.noDays')}
            </span>
          </Descriptions.Item>
          <Descriptions.Item label={t('trafficImport.level')}>{level}</Descriptions.Item>
          <Descriptions.Item label={t('trafficImport.encoding')}>
            {labels.of('trafficImport.encodings', summary.encoding)}
          </Descriptions.Item>
          <Descriptions.Item label={t('trafficImport.rows')}>{formatCount(summary.rows)}</Descriptions.Item>
          <Descriptions.Item label={t('trafficImport.imported')}>
            <span data-testid="traffic-import-imported">{formatCount(summary.imported)}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('trafficImport.stored')}>{formatCount(summary.stored)}</Descriptions.Item>
          <Descriptions.Item label={t('trafficImport.skipped')}>{formatCount(summary.skipped)}</Descriptions.Item>
          <Descriptions.Item label={t('trafficImport.errorCount')}>
            <span data-testid="traffic-import-error-count">{formatCount(summary.errorCount)}</span>
          </Descriptions.Item>
        </Descriptions>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('trafficImport.errorsTitle')}
        </Typography.Title>
        {summary.errorCount > summary.errors.length ? (
          <Typography.Text type="secondary">
            {t('trafficImport.errorsTruncated', { shown: summary.errors.length, total: summary.errorCount })}
          </Typography.Text>
        ) : null}
        <Table
          size="small"
          rowKey={(r) => `${r.rowNo}-${r.column}-${r.reason}`}
          dataSource={summary.errors}
          locale={{ emptyText: t('trafficImport.noErrors') }}
          pagination={summary.errors.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
          data-testid="traffic-import-errors"
          columns={[
            { title: t('trafficImport.rowNo'), dataIndex: 'rowNo', width: 80 },
            { title: t('trafficImport.column'), dataIndex: 'column', width: 140 },
            { title: t('trafficImport.value'), dataIndex: 'value', width: 180, ellipsis: true },
            { title: t('trafficImport.reason'), dataIndex: 'reason' },
          ]}
        />
      </Space>
    </Card>
  );
}

function History({ shopId }: { shopId: string | undefined }) {
  const { t } = useTranslation();
  const url = useUrlState();
  const { page } = url;
  const list = useTrafficImports({ shopId, page, pageSize: HISTORY_PAGE_SIZE });
  return (
    <Card title={t('trafficImport.history')} style={{ marginTop: 24 }}>
      {list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table
          size="small"
          rowKey="id"
          loading={list.isLoading}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: t('trafficImport.historyEmpty') }}
          pagination={{
            current: page,
            pageSize: HISTORY_PAGE_SIZE,
            total: list.data?.total ?? 0,
            onChange: (p) => url.setPage(p),
            showSizeChanger: false,
          }}
          data-testid="traffic-import-history"
          columns={[
            { title: t('trafficImport.at'), dataIndex: 'at', width: 170, render: (v: number) => formatDateTime(v) },
            { title: t('trafficImport.fileName'), dataIndex: 'fileName', ellipsis: true },
            {
              title: t('trafficImport.dayRange'),
              dataIndex: 'days',
              render: (d: string[]) => daysText(d, (first, last, n) => t('trafficImport.dayRangeText', { first, last, n })),
            },
            { title: t('trafficImport.imported'), dataIndex: 'imported', width: 90, render: (v: number) => formatCount(v) },
            {
              title: t('trafficImport.errorCount'),
              dataIndex: 'errorCount',
              width: 110,
              render: (v: number) => (v ? <Tag color="orange">{formatCount(v)}</Tag> : formatCount(0)),
            },
            { title: t('trafficImport.by'), dataIndex: 'actorName', width: 160, ellipsis: true },
          ]}
        />
      )}
    </Card>
  );
}

export function TrafficImportPage() {
  const { t } = useTranslation();
  const labels = useLabels();
  const { message } = App.useApp();
  const onError = useApiError();
  const { shops, shopId: currentShop } = useShop();
  const [shopId, setShopId] = useState<string | undefined>(currentShop !== ALL_SHOPS ? currentShop : shops[0]?.id);
  const [file, setFile] = useState<File | null>(null);
  const [day, setDay] = useState('');
  const [preview, setPreview] = useState<TrafficPreview | null>(null);
  const [mapping, setMapping] = useState<Partial<Record<TrafficImportField, string>>>({});
  const [summary, setSummary] = useState<TrafficImportSummary | null>(null);
  const run = useTrafficImport();
  const doPreview = useTrafficPreview();

  const fieldLabel = (f: { label: string; en: string }) => labels.text({ zh: f.label, en: f.en });
  const missing = (preview?.fields ?? []).filter((f) => f.required && !mapping[f.field] && !(f.field === 'day' && day));

  const chooseFile = (f: File | null) => {
    setFile(f);
    setPreview(null);
    setMapping({});
  };

  const runPreview = () => {
    if (!file) return void message.warning(t('trafficImport.needFile'));
    const form = new FormData();
    const isXlsx = file.name.toLowerCase().endsWith('.xlsx');
    form.set('file', isXlsx ? file : file.slice(0, PREVIEW_BYTES), file.name);
    doPreview.mutate(form, {
      onSuccess: (p) => {
        setPreview(p);
        setMapping(p.mapping);
      },
      onError: (e) => onError(e),
    });
  };

  const submit = () => {
    if (!shopId) return void message.warning(t('trafficImport.needShop'));
    if (!file) return void message.warning(t('trafficImport.needFile'));
    if (preview && missing.length) {
      return void message.warning(t('trafficImport.needColumns', { fields: missing.map(fieldLabel).join(' / ') }));
    }
    const form = new FormData();
    form.set('shopId', shopId);
    if (day) form.set('day', day);
    if (preview) {
      // A field cleared on the screen is sent as '' so the server does not match it by its aliases again.
      const columns = Object.fromEntries(preview.fields.map((f) => [f.field, mapping[f.field] ?? '']));
      form.set('mapping', JSON.stringify({ columns }));
    }
    form.set('file', file, file.name);
    setSummary(null);
    run.mutate(form, {
      onSuccess: (s) => setSummary(s),
      onError: (e) => onError(e),
    });
  };

  return (
    <PageContainer title={t('trafficImport.title')} bare>
      <Card>
        <Typography.Paragraph type="secondary">{t('trafficImport.intro')}</Typography.Paragraph>
        <Typography.Paragraph type="secondary">{t('trafficImport.rules')}</Typography.Paragraph>
        <Form layout="vertical" style={{ maxWidth: 720 }} onFinish={submit}>
          <Form.Item label={t('trafficImport.shop')} required>
            <Select
              value={shopId}
              onChange={setShopId}
              placeholder={t('trafficImport.shopPlaceholder')}
              options={shops.map((s) => ({ value: s.id, label: s.name }))}
              data-testid="traffic-import-shop"
            />
          </Form.Item>
          <Form.Item label={t('trafficImport.file')} required>
            <FilePick file={file} onChange={chooseFile} testId="traffic-import-file" label={t('trafficImport.chooseFile')} />
          </Form.Item>
          <Form.Item label={t('trafficImport.day')}>
            <DatePicker
              value={day ? dayjs(day) : null}
              onChange={(d) => setDay(d ? d.format('YYYY-MM-DD') : '')}
              disabledDate={(d) => d.isAfter(dayjs(), 'day')}
              style={{ width: 200 }}
              data-testid="traffic-import-day"
            />
          </Form.Item>
          <Space>
            <Button
              icon={<EyeOutlined />}
              onClick={runPreview}
              loading={doPreview.isPending}
              disabled={!file}
              data-testid="traffic-import-preview"
            >
              {t('trafficImport.preview')}
            </Button>
            <Button type="primary" htmlType="submit" loading={run.isPending} data-testid="traffic-import-submit">
              {t('trafficImport.submit')}
            </Button>
          </Space>
        </Form>
      </Card>

      {preview ? (
        <Card title={t('trafficImport.previewTitle')} style={{ marginTop: 24 }} data-testid="traffic-import-preview-card">
          <Space direction="vertical" style={{ width: '100%' }}>
            <Space wrap>
              <span>
                {t('trafficImport.encoding')}: <Tag color="blue">{labels.of('trafficImport.encodings', preview.encoding)}</Tag>
              </span>
              {preview.headerRow ? (
                <Typography.Text type="secondary">{t('trafficImport.headerRow', { row: preview.headerRow })}</Typography.Text>
              ) : null}
            </Space>
            {missing.length ? (
              <Alert type="error" showIcon message={t('trafficImport.needColumns', { fields: missing.map(fieldLabel).join(' / ') })} />
            ) : null}
            <PreviewRows headers={preview.headers} rows={preview.rows} columnWidth={130} />
            <Typography.Title level={5}>{t('trafficImport.mapping')}</Typography.Title>
            <Typography.Text type="secondary">{t('trafficImport.mappingHint')}</Typography.Text>
            <ColumnMapping
              fields={preview.fields.map((f) => ({ ...f, label: fieldLabel(f) }))}
              headers={preview.headers}
              mapping={mapping}
              onMap={(field, column) => setMapping((m) => mapColumn(m, field, column))}
              labelWidth={120}
              placeholder={t('trafficImport.notMapped')}
              testIdPrefix="traffic-import"
            />
          </Space>
        </Card>
      ) : null}

      {summary ? <ResultCard summary={summary} /> : null}
      <History shopId={shopId} />
    </PageContainer>
  );
}
