import { useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Form, Radio, Select, Space, Table, Typography } from 'antd';
import { AD_FORMATS, AD_TOOLS, type AdFormat, type AdTool } from '@yunying/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { FilePick } from '../../components/ImportPreview';
import { PageContainer } from '../../components/PageContainer';
import { ALL_SHOPS, useShop } from '../../components/ShopContext';
import { formatCount, formatMoney } from '../../components/format';
import { useApiError } from '../../components/useApiError';
import { useAdImport, type AdImportSummary, type AdPreviewRow } from './api';

type Kind = 'report' | 'taoke';

function Result({ s, kind }: { s: AdImportSummary; kind: Kind }) {
  const { t } = useTranslation();
  return (
    <Card title={t('ads.import.result')} style={{ marginTop: 24 }} data-testid="ads-import-result">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Alert
          type={s.errorCount ? 'warning' : 'success'}
          showIcon
          message={t('ads.import.done', { imported: formatCount(s.imported), errors: formatCount(s.errorCount) })}
          action={
            kind === 'report' && s.days.length ? (
              <Link to={`/ads/plans?from=${s.days[0]}&to=${s.days[s.days.length - 1]}`}>{t('ads.import.viewPlans')}</Link>
            ) : null
          }
        />
        <Descriptions size="small" bordered column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label={t('ads.import.days')}>
            {s.days.length ? `${s.days[0]} ~ ${s.days[s.days.length - 1]}（${s.days.length}）` : '—'}
          </Descriptions.Item>
          {kind === 'report' ? (
            <Descriptions.Item label={t('ads.import.plansCreated')}>{formatCount(s.plansCreated)}</Descriptions.Item>
          ) : null}
          <Descriptions.Item label={t('ads.import.rowNo')}>{formatCount(s.rows)}</Descriptions.Item>
        </Descriptions>
        <ErrorTable s={s} />
      </Space>
    </Card>
  );
}

/** '' = plan level; otherwise the letters of the dimensions the file names (u unit, k keyword, c creative). */
function useLevelName() {
  const { t } = useTranslation();
  return (level: string) =>
    level ? [...level].map((c) => t(`ads.import.levels.${c}`, { defaultValue: c })).join(' + ') : t('ads.import.levels.plan');
}

/** The dry run's result: what was detected, the first rows, the refused rows; confirm imports the same file. */
function Preview({ s, onConfirm, onCancel, busy }: { s: AdImportSummary; onConfirm: () => void; onCancel: () => void; busy: boolean }) {
  const { t } = useTranslation();
  const levelName = useLevelName();
  const rows = s.preview ?? [];
  return (
    <Card title={t('ads.import.previewTitle')} style={{ marginTop: 24 }} data-testid="ads-import-preview">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('ads.import.previewIntro')}
        </Typography.Paragraph>
        <Alert
          type={s.errorCount ? 'warning' : 'info'}
          showIcon
          message={t('ads.import.previewSummary', { imported: formatCount(s.imported), errors: formatCount(s.errorCount) })}
          description={s.imported ? t('ads.import.previewReplace') : undefined}
        />
        <Descriptions size="small" bordered column={{ xs: 1, md: 3 }} data-testid="ads-import-detected">
          <Descriptions.Item label={t('ads.import.detectedFormat')}>
            {s.format && s.format !== 'generic'
              ? t(`ads.import.formats.${s.format}`)
              : `${t('ads.import.formats.generic')} · ${t(`ads.tools.${s.tool}`)}`}
          </Descriptions.Item>
          <Descriptions.Item label={t('ads.import.level')}>{levelName(s.level)}</Descriptions.Item>
          <Descriptions.Item label={t('ads.import.days')}>
            {s.from && s.to ? `${s.from} ~ ${s.to}（${formatCount(s.days.length)}）` : '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('ads.import.rows')}>{formatCount(s.rows)}</Descriptions.Item>
          <Descriptions.Item label={t('ads.import.plansCreated')}>{formatCount(s.plansCreated)}</Descriptions.Item>
          <Descriptions.Item label={t('ads.import.encoding')}>{s.encoding}</Descriptions.Item>
        </Descriptions>
        <Typography.Text strong>{t('ads.import.firstRows', { n: rows.length })}</Typography.Text>
        <Table<AdPreviewRow>
          size="small"
          rowKey={(r) => [r.day, r.hour ?? '', r.plan, r.unit, r.keyword, r.creative].join('|')}
          dataSource={rows}
          pagination={false}
          scroll={{ x: true }}
          data-testid="ads-import-preview-rows"
          columns={[
            { title: t('ads.import.cols.day'), dataIndex: 'day', width: 110 },
            ...(s.level === 'h' ? [{ title: t('ads.import.cols.hour'), dataIndex: 'hour', width: 70 }] : []),
            { title: t('ads.import.cols.plan'), dataIndex: 'plan', ellipsis: true },
            ...(s.level.includes('u') ? [{ title: t('ads.import.cols.unit'), dataIndex: 'unit', ellipsis: true }] : []),
            ...(s.level.includes('k') ? [{ title: t('ads.import.cols.keyword'), dataIndex: 'keyword', ellipsis: true }] : []),
            ...(s.level.includes('c') ? [{ title: t('ads.import.cols.creative'), dataIndex: 'creative', ellipsis: true }] : []),
            { title: t('ads.import.cols.impressions'), dataIndex: 'impressions', align: 'right', render: (v: number) => formatCount(v) },
            { title: t('ads.import.cols.clicks'), dataIndex: 'clicks', align: 'right', render: (v: number) => formatCount(v) },
            { title: t('ads.import.cols.spend'), dataIndex: 'spendFen', align: 'right', render: (v: number) => formatMoney(v) },
            { title: t('ads.import.cols.orders'), dataIndex: 'orders', align: 'right', render: (v: number) => formatCount(v) },
            { title: t('ads.import.cols.sales'), dataIndex: 'salesFen', align: 'right', render: (v: number) => formatMoney(v) },
          ]}
        />
        <ErrorTable s={s} />
        <Space>
          <Button type="primary" onClick={onConfirm} loading={busy} disabled={s.imported === 0} data-testid="ads-import-confirm">
            {t('ads.import.confirm')}
          </Button>
          <Button onClick={onCancel} disabled={busy}>
            {t('ads.import.cancel')}
          </Button>
        </Space>
      </Space>
    </Card>
  );
}

function ErrorTable({ s }: { s: AdImportSummary }) {
  const { t } = useTranslation();
  return (
    <Table
      size="small"
      rowKey={(r) => `${r.rowNo}-${r.column}-${r.reason}`}
      dataSource={s.errors}
      locale={{ emptyText: t('ads.import.noErrors') }}
      pagination={s.errors.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
      data-testid="ads-import-errors"
      columns={[
        { title: t('ads.import.rowNo'), dataIndex: 'rowNo', width: 80 },
        { title: t('ads.import.column'), dataIndex: 'column', width: 140 },
        { title: t('ads.import.value'), dataIndex: 'value', width: 180, ellipsis: true },
        { title: t('ads.import.reason'), dataIndex: 'reason' },
      ]}
    />
  );
}

export function AdImportPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const { shops, shopId: current } = useShop();
  const [shopId, setShopId] = useState<string | undefined>(current !== ALL_SHOPS ? current : shops[0]?.id);
  const [kind, setKind] = useState<Kind>('report');
  const [format, setFormat] = useState<AdFormat>('ztc');
  const [tool, setTool] = useState<AdTool>('other');
  const [file, setFile] = useState<File | null>(null);
  const [summary, setSummary] = useState<{ s: AdImportSummary; kind: Kind } | null>(null);
  const [preview, setPreview] = useState<AdImportSummary | null>(null);
  const report = useAdImport('/ads/import');
  const taoke = useAdImport('/ads/taoke/import');
  const run = kind === 'report' ? report : taoke;
  /** An ad report is previewed first (the server parses it without writing); 淘宝客 orders import at once. */
  const send = (dryRun: boolean) => {
    if (!shopId) return void message.warning(t('ads.import.needShop'));
    if (!file) return void message.warning(t('ads.import.needFile'));
    const form = new FormData();
    form.set('shopId', shopId);
    if (kind === 'report') {
      form.set('format', format);
      if (format === 'generic') form.set('tool', tool);
      if (dryRun) form.set('dryRun', '1');
    }
    form.set('file', file, file.name);
    setSummary(null);
    if (!dryRun) setPreview(null);
    run.mutate(form, {
      onSuccess: (s) => (dryRun ? setPreview(s) : setSummary({ s, kind })),
      onError: (e) => onError(e),
    });
  };
  const submit = () => send(kind === 'report');
  // A changed choice or file makes the preview stale.
  const reset = () => {
    setPreview(null);
    setSummary(null);
  };
  return (
    <PageContainer title={t('ads.import.title')} bare>
      <Card>
        <Typography.Paragraph type="secondary">{t('ads.import.intro')}</Typography.Paragraph>
        <Form layout="vertical" style={{ maxWidth: 720 }} onFinish={submit}>
          <Form.Item label={t('ads.import.shop')} required>
            <Select
              value={shopId}
              onChange={(v) => {
                setShopId(v);
                reset();
              }}
              options={shops.map((s) => ({ value: s.id, label: s.name }))}
              data-testid="ads-import-shop"
            />
          </Form.Item>
          <Form.Item label={t('ads.import.kind')}>
            <Radio.Group
              value={kind}
              onChange={(e) => {
                setKind(e.target.value as Kind);
                reset();
              }}
              data-testid="ads-import-kind"
            >
              <Radio.Button value="report">{t('ads.import.kindReport')}</Radio.Button>
              <Radio.Button value="taoke">{t('ads.import.kindTaoke')}</Radio.Button>
            </Radio.Group>
          </Form.Item>
          {kind === 'report' ? (
            <Space wrap size="large">
              <Form.Item label={t('ads.import.format')} required>
                <Select
                  value={format}
                  onChange={(v) => {
                    setFormat(v);
                    reset();
                  }}
                  style={{ width: 220 }}
                  options={AD_FORMATS.map((f) => ({ value: f, label: t(`ads.import.formats.${f}`) }))}
                  data-testid="ads-import-format"
                />
              </Form.Item>
              {format === 'generic' ? (
                <Form.Item label={t('ads.import.tool')}>
                  <Select
                    value={tool}
                    onChange={(v) => {
                      setTool(v);
                      reset();
                    }}
                    style={{ width: 200 }}
                    options={AD_TOOLS.map((k) => ({ value: k, label: t(`ads.tools.${k}`) }))}
                  />
                </Form.Item>
              ) : null}
            </Space>
          ) : null}
          <Form.Item label={t('ads.import.file')} required>
            <FilePick
              file={file}
              onChange={(f) => {
                setFile(f);
                reset();
              }}
              testId="ads-import-file"
              label={t('ads.import.chooseFile')}
            />
          </Form.Item>
          <Button
            type={preview ? 'default' : 'primary'}
            htmlType="submit"
            loading={run.isPending && !preview}
            data-testid="ads-import-submit"
          >
            {kind === 'report' ? t('ads.import.preview') : t('ads.import.submit')}
          </Button>
        </Form>
      </Card>
      {preview && !summary ? (
        <Preview s={preview} busy={run.isPending} onConfirm={() => send(false)} onCancel={() => setPreview(null)} />
      ) : null}
      {summary ? <Result s={summary.s} kind={summary.kind} /> : null}
    </PageContainer>
  );
}
