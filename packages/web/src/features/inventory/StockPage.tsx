import { useEffect, useState } from 'react';
import { Button, Checkbox, Dropdown, Form, Input, Space, Tag, Tooltip, Typography, type TableProps } from 'antd';
import { AuditOutlined, MoreOutlined, PlusOutlined, QuestionCircleOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { StockRow } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { formatCount } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { PagedTable } from '../../components/PagedTable';
import { useStock } from './api';
import { FilterButtons, SkuCell, SkuFilterAlert } from './listParts';
import { WarehouseSelect } from './pickers';
import { AdjustModal, LedgerCheckModal, ThresholdModal } from './StockModals';
import { useUrlState } from '../../components/useUrlState';

interface Filters {
  q?: string;
  warehouseId?: string;
  lowOnly?: boolean;
  overOnly?: boolean;
}

export function StockPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const canWrite = can('inventory.write');
  const url = useUrlState();
  const [form] = Form.useForm<Filters>();
  const filters = {
    q: url.get('q'),
    warehouseId: url.get('warehouseId'),
    skuId: url.get('skuId'),
    lowOnly: url.get('lowOnly') === 'true' ? 'true' : undefined,
    overOnly: url.get('overOnly') === 'true' ? 'true' : undefined,
  };
  const stock = useStock({ ...filters, page: url.page, pageSize: url.pageSize });
  const [adjust, setAdjust] = useState<{ kind: 'adjust' | 'defective'; row?: StockRow } | null>(null);
  const [thresholdRow, setThresholdRow] = useState<StockRow | null>(null);
  const [ledgerOpen, setLedgerOpen] = useState(false);

  useEffect(() => {
    const p = new URLSearchParams(url.key);
    form.setFieldsValue({
      q: p.get('q') ?? undefined,
      warehouseId: p.get('warehouseId') ?? undefined,
      lowOnly: p.get('lowOnly') === 'true',
      overOnly: p.get('overOnly') === 'true',
    });
  }, [url.key, form]);

  const columns: TableProps<StockRow>['columns'] = [
    {
      title: t('inventory.sku'),
      key: 'sku',
      render: (_, r) => <SkuCell row={r} />,
    },
    { title: t('inventory.warehouse'), dataIndex: 'warehouseName', width: 110 },
    {
      title: (
        <Tooltip title={t('inventory.onHandTip')}>
          {t('inventory.onHand')} <QuestionCircleOutlined />
        </Tooltip>
      ),
      dataIndex: 'onHand',
      align: 'right',
      width: 90,
      render: (n: number) => formatCount(n),
    },
    { title: t('inventory.reserved'), dataIndex: 'reserved', align: 'right', width: 80, render: (n: number) => formatCount(n) },
    {
      title: t('inventory.available'),
      dataIndex: 'available',
      align: 'right',
      width: 110,
      render: (n: number, r) => (
        <Space size={4}>
          {r.low ? <Tag color="red">{t('inventory.lowTag')}</Tag> : null}
          {r.over ? <Tag color="orange">{t('inventory.overTag')}</Tag> : null}
          <Typography.Text type={r.low ? 'danger' : undefined} strong>
            {formatCount(n)}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('inventory.defective'), dataIndex: 'defective', align: 'right', width: 70, render: (n: number) => formatCount(n) },
    {
      title: t('inventory.thresholds'),
      key: 'thresholds',
      width: 110,
      render: (_, r) => (
        <Typography.Text type="secondary">
          {r.lowStock ?? '—'} / {r.overStock ?? '—'}
        </Typography.Text>
      ),
    },
    { title: t('inventory.sold30d'), dataIndex: 'sold30d', align: 'right', width: 100, render: (n: number) => formatCount(n) },
    {
      title: (
        <Tooltip title={t('inventory.daysOfCoverTip')}>
          {t('inventory.daysOfCover')} <QuestionCircleOutlined />
        </Tooltip>
      ),
      dataIndex: 'daysOfCover',
      align: 'right',
      width: 110,
      render: (d: number | null) =>
        d === null ? '∞' : <Typography.Text type={d < 7 ? 'danger' : undefined}>{t('inventory.days', { n: d })}</Typography.Text>,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 150,
      fixed: 'right',
      render: (_, r) => (
        <Space size={4}>
          <Link to={`/inventory/movements?skuId=${r.skuId}&warehouseId=${r.warehouseId}`}>{t('inventory.movements')}</Link>
          {canWrite ? (
            <Dropdown
              menu={{
                items: [
                  { key: 'adjust', label: t('inventory.adjust'), onClick: () => setAdjust({ kind: 'adjust', row: r }) },
                  { key: 'defective', label: t('inventory.reportDefective'), onClick: () => setAdjust({ kind: 'defective', row: r }) },
                  { key: 'thresholds', label: t('inventory.editThresholds'), onClick: () => setThresholdRow(r) },
                ],
              }}
            >
              <Button size="small" icon={<MoreOutlined />} data-testid={`stock-actions-${r.skuCode}`} aria-label={t('common.actions')} />
            </Dropdown>
          ) : null}
        </Space>
      ),
    },
  ];

  return (
    <PageContainer
      title={t('inventory.stockTitle')}
      extra={
        <>
          <Button icon={<AuditOutlined />} onClick={() => setLedgerOpen(true)} data-testid="ledger-check">
            {t('inventory.ledgerCheck')}
          </Button>
          {canWrite ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdjust({ kind: 'adjust' })} data-testid="stock-adjust-new">
              {t('inventory.adjustNew')}
            </Button>
          ) : null}
        </>
      }
    >
      <Form<Filters>
        form={form}
        layout="inline"
        style={{ rowGap: 12, marginBottom: 16 }}
        onFinish={(v) => url.setFilters({ q: v.q?.trim(), warehouseId: v.warehouseId, lowOnly: v.lowOnly, overOnly: v.overOnly })}
      >
        <Form.Item name="q">
          <Input name="q" allowClear placeholder={t('inventory.searchPlaceholder')} style={{ width: 260 }} data-testid="stock-q" />
        </Form.Item>
        <Form.Item name="warehouseId">
          <WarehouseSelect allowClear placeholder={t('inventory.allWarehouses')} style={{ width: 160 }} data-testid="stock-warehouse" />
        </Form.Item>
        <Form.Item name="lowOnly" valuePropName="checked">
          <Checkbox data-testid="stock-low-only">{t('inventory.lowOnly')}</Checkbox>
        </Form.Item>
        <Form.Item name="overOnly" valuePropName="checked">
          <Checkbox>{t('inventory.overOnly')}</Checkbox>
        </Form.Item>
        <Form.Item>
          <FilterButtons form={form} url={url} searchTestId="stock-search" />
        </Form.Item>
      </Form>
      <SkuFilterAlert url={url} filters={filters} skuCode={stock.data?.items[0]?.skuCode} testId="stock-sku-filter" />
      <PagedTable<StockRow>
        query={stock}
        url={url}
        emptyText={t('inventory.empty')}
        rowKey={(r) => `${r.skuId}|${r.warehouseId}`}
        columns={columns}
        scroll={{ x: 1100 }}
        data-testid="stock-table"
      />
      <AdjustModal
        open={!!adjust}
        kind={adjust?.kind ?? 'adjust'}
        row={adjust?.row}
        defaultWarehouseId={filters.warehouseId}
        onClose={() => setAdjust(null)}
      />
      <ThresholdModal row={thresholdRow} onClose={() => setThresholdRow(null)} />
      <LedgerCheckModal open={ledgerOpen} onClose={() => setLedgerOpen(false)} />
    </PageContainer>
  );
}
