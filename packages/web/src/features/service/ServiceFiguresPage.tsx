import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Flex,
  InputNumber,
  Modal,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tooltip,
  Typography,
  type TableProps,
} from 'antd';
import { QuestionCircleOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { CHAT_FORMATS, addDays } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { DateRangePicker, todayIn } from '../../components/DateRangePicker';
import { formatCount, formatDecimal, formatMoney, formatPercent, NO_VALUE } from '../../components/format';
import { FilePick } from '../../components/ImportPreview';
import { PageContainer } from '../../components/PageContainer';
import { QueryState } from '../../components/QueryState';
import { useShop } from '../../components/ShopContext';
import { useApiError } from '../../components/useApiError';
import { useUrlState } from '../../components/useUrlState';
import { ImportErrors } from '../reviews/ReviewsPage';
import { useFigures, useImportChats, useSaveSettings, useSettings, type AgentFigures, type ChatImportSummary } from './api';

const pct = (x: number | null | undefined) => (x === null || x === undefined ? NO_VALUE : formatPercent(x, 1));

function ImportModal({ shopId, open, onClose }: { shopId: string; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [format, setFormat] = useState<string>('qianniu');
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<ChatImportSummary | null>(null);
  const run = useImportChats();
  const apiError = useApiError();
  const submit = () => {
    if (!file) return;
    const form = new FormData();
    form.set('shopId', shopId);
    form.set('format', format);
    form.set('file', file);
    run.mutate(form, { onSuccess: setResult, onError: (e) => apiError(e) });
  };
  return (
    <Modal open={open} title={t('service.figures.import')} width={760} onCancel={onClose} footer={null} destroyOnHidden>
      <Space direction="vertical" style={{ width: '100%' }} size="middle">
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('service.figures.importHint')}
        </Typography.Paragraph>
        <Space wrap>
          <Select
            value={format}
            onChange={setFormat}
            style={{ width: 180 }}
            options={CHAT_FORMATS.map((f) => ({ value: f, label: t(`service.figures.formats.${f}`) }))}
          />
          <FilePick file={file} onChange={setFile} testId="chat-import-file" label={t('reviews.chooseFile')} />
          <Button type="primary" disabled={!file} loading={run.isPending} onClick={submit} data-testid="chat-import-submit">
            {t('reviews.startImport')}
          </Button>
        </Space>
        {result ? (
          <>
            <Alert
              type={result.errors ? 'warning' : 'success'}
              showIcon
              message={t('service.figures.result', {
                created: result.created,
                updated: result.updated,
                unchanged: result.unchanged,
                errors: result.errors,
              })}
              data-testid="chat-import-result"
            />
            <ImportErrors rows={result.errorRows} />
          </>
        ) : null}
      </Space>
    </Modal>
  );
}

function WindowSetting({ shopId }: { shopId: string }) {
  const { t } = useTranslation();
  const settings = useSettings(shopId);
  const save = useSaveSettings();
  const apiError = useApiError();
  const { message } = App.useApp();
  const [days, setDays] = useState<number | null>(null);
  const s = settings.data;
  if (!s) return null;
  return (
    <Flex gap={8} align="center" wrap>
      <Typography.Text>{t('service.figures.window')}</Typography.Text>
      <Tooltip title={t('service.figures.windowDays')}>
        <InputNumber
          min={0}
          max={7}
          value={days ?? s.conversionDays}
          onChange={(v) => setDays(v)}
          style={{ width: 70 }}
          data-testid="window-days"
        />
      </Tooltip>
      <Button
        size="small"
        loading={save.isPending}
        onClick={() =>
          save.mutate(
            { ...s, conversionDays: days ?? s.conversionDays },
            { onSuccess: () => message.success(t('service.figures.saved')), onError: (e) => apiError(e) },
          )
        }
      >
        {t('service.figures.saveWindow')}
      </Button>
    </Flex>
  );
}

/** 客服数据: enquiries, 询单转化率, response and handling times, 客单价 per agent and for the shop. */
export function ServiceFiguresPage() {
  const { t } = useTranslation();
  const { shop } = useShop();
  const { can } = useAuth();
  const url = useUrlState();
  const today = todayIn(shop?.timezone ?? 'Asia/Shanghai');
  const from = url.get('from') ?? addDays(today, -7);
  const to = url.get('to') ?? addDays(today, -1);
  const [importing, setImporting] = useState(false);
  const figures = useFigures(shop?.id ?? null, from, to);
  const sec = (x: number | null) => (x === null ? NO_VALUE : t('service.figures.seconds', { n: formatDecimal(x, 1) }));
  const columns: TableProps<AgentFigures>['columns'] = [
    { title: t('service.figures.agent'), dataIndex: 'agent', fixed: 'left', width: 240 },
    { title: t('service.figures.enquiries'), dataIndex: 'enquiries', align: 'right', render: formatCount },
    { title: t('service.figures.buyers'), dataIndex: 'buyers', align: 'right', render: formatCount },
    { title: t('service.figures.converted'), dataIndex: 'convertedBuyers', align: 'right', render: formatCount },
    { title: t('service.figures.conversion'), dataIndex: 'conversion', align: 'right', render: pct },
    { title: t('service.figures.paid'), dataIndex: 'convertedPaidFen', align: 'right', render: formatMoney },
    {
      title: t('service.figures.aov'),
      dataIndex: 'convertedAovFen',
      align: 'right',
      render: (v: number | null) => (v === null ? NO_VALUE : formatMoney(v)),
    },
    { title: t('service.figures.firstResponse'), dataIndex: 'avgFirstResponseS', align: 'right', render: sec },
    { title: t('service.figures.within30'), dataIndex: 'within30s', align: 'right', render: pct },
    { title: t('service.figures.resolution'), dataIndex: 'avgResolutionS', align: 'right', render: sec },
    {
      title: t('service.figures.qa'),
      dataIndex: 'qaAvg',
      align: 'right',
      render: (v: number | null) => (v === null || v === undefined ? NO_VALUE : formatDecimal(v, 1)),
    },
  ];
  return (
    <PageContainer
      title={t('service.figures.title')}
      extra={
        shop && can('service.write') ? (
          <Button icon={<UploadOutlined />} onClick={() => setImporting(true)} data-testid="chat-import-open">
            {t('service.figures.import')}
          </Button>
        ) : null
      }
      bare
    >
      {!shop ? (
        <Card>
          <Alert type="info" showIcon message={t('service.pickShop')} />
        </Card>
      ) : (
        <>
          <Card style={{ marginBottom: 16 }}>
            <Flex justify="space-between" wrap gap={12}>
              <DateRangePicker from={from} to={to} today={today} onChange={(r) => url.patch(r)} />
              {can('service.write') ? <WindowSetting shopId={shop.id} /> : null}
            </Flex>
          </Card>
          <QueryState query={figures}>
            {(f) =>
              f.shop.enquiries === 0 ? (
                <Card>
                  <Alert type="info" showIcon message={t('service.figures.empty')} data-testid="service-empty" />
                </Card>
              ) : (
                <>
                  <Card style={{ marginBottom: 16 }} title={t('service.figures.shopTotal')}>
                    <Row gutter={16}>
                      <Col span={4}>
                        <Statistic title={t('service.figures.enquiries')} value={formatCount(f.shop.enquiries)} />
                      </Col>
                      <Col span={5}>
                        <Statistic
                          title={
                            <Space size={4}>
                              {t('service.figures.conversion')}
                              <Tooltip
                                title={t('service.figures.conversionTip', {
                                  extra: f.conversionDays ? t('service.figures.extraDays', { n: f.conversionDays }) : '',
                                })}
                              >
                                <QuestionCircleOutlined />
                              </Tooltip>
                            </Space>
                          }
                          value={pct(f.shop.conversion)}
                          data-testid="shop-conversion"
                        />
                      </Col>
                      <Col span={5}>
                        <Statistic
                          title={t('service.figures.aov')}
                          value={f.shop.convertedAovFen === null ? NO_VALUE : formatMoney(f.shop.convertedAovFen)}
                        />
                      </Col>
                      <Col span={5}>
                        <Statistic title={t('service.figures.firstResponse')} value={sec(f.shop.avgFirstResponseS)} />
                      </Col>
                      <Col span={5}>
                        <Statistic title={t('service.figures.within30')} value={pct(f.shop.within30s)} />
                      </Col>
                    </Row>
                  </Card>
                  <Card>
                    <Table<AgentFigures>
                      size="middle"
                      rowKey={(r) => r.agent ?? ''}
                      columns={columns}
                      dataSource={f.agents}
                      pagination={false}
                      scroll={{ x: 1100 }}
                      data-testid="agents-table"
                    />
                  </Card>
                </>
              )
            }
          </QueryState>
          <ImportModal shopId={shop.id} open={importing} onClose={() => setImporting(false)} />
        </>
      )}
    </PageContainer>
  );
}
