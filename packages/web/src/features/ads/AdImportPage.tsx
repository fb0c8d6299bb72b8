import { useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Form, Radio, Select, Space, Table, Typography } from 'antd';
import { AD_FORMATS, AD_TOOLS, type AdFormat, type AdTool } from '@yunying/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { FilePick } from '../../components/ImportPreview';
import { PageContainer } from '../../components/PageContainer';
import { ALL_SHOPS, useShop } from '../../components/ShopContext';
import { formatCount } from '../../components/format';
import { useApiError } from '../../components/useApiError';
import { useAdImport, type AdImportSummary } from './api';

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
      </Space>
    </Card>
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
  const report = useAdImport('/ads/import');
  const taoke = useAdImport('/ads/taoke/import');
  const run = kind === 'report' ? report : taoke;
  const submit = () => {
    if (!shopId) return void message.warning(t('ads.import.needShop'));
    if (!file) return void message.warning(t('ads.import.needFile'));
    const form = new FormData();
    form.set('shopId', shopId);
    if (kind === 'report') {
      form.set('format', format);
      if (format === 'generic') form.set('tool', tool);
    }
    form.set('file', file, file.name);
    setSummary(null);
    run.mutate(form, { onSuccess: (s) => setSummary({ s, kind }), onError: (e) => onError(e) });
  };
  return (
    <PageContainer title={t('ads.import.title')} bare>
      <Card>
        <Typography.Paragraph type="secondary">{t('ads.import.intro')}</Typography.Paragraph>
        <Form layout="vertical" style={{ maxWidth: 720 }} onFinish={submit}>
          <Form.Item label={t('ads.import.shop')} required>
            <Select
              value={shopId}
              onChange={setShopId}
              options={shops.map((s) => ({ value: s.id, label: s.name }))}
              data-testid="ads-import-shop"
            />
          </Form.Item>
          <Form.Item label={t('ads.import.kind')}>
            <Radio.Group value={kind} onChange={(e) => setKind(e.target.value as Kind)} data-testid="ads-import-kind">
              <Radio.Button value="report">{t('ads.import.kindReport')}</Radio.Button>
              <Radio.Button value="taoke">{t('ads.import.kindTaoke')}</Radio.Button>
            </Radio.Group>
          </Form.Item>
          {kind === 'report' ? (
            <Space wrap size="large">
              <Form.Item label={t('ads.import.format')} required>
                <Select
                  value={format}
                  onChange={setFormat}
                  style={{ width: 220 }}
                  options={AD_FORMATS.map((f) => ({ value: f, label: t(`ads.import.formats.${f}`) }))}
                  data-testid="ads-import-format"
                />
              </Form.Item>
              {format === 'generic' ? (
                <Form.Item label={t('ads.import.tool')}>
                  <Select
                    value={tool}
                    onChange={setTool}
                    style={{ width: 200 }}
                    options={AD_TOOLS.map((k) => ({ value: k, label: t(`ads.tools.${k}`) }))}
                  />
                </Form.Item>
              ) : null}
            </Space>
          ) : null}
          <Form.Item label={t('ads.import.file')} required>
            <FilePick file={file} onChange={setFile} testId="ads-import-file" label={t('ads.import.chooseFile')} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={run.isPending} data-testid="ads-import-submit">
            {t('ads.import.submit')}
          </Button>
        </Form>
      </Card>
      {summary ? <Result s={summary.s} kind={summary.kind} /> : null}
    </PageContainer>
  );
}
