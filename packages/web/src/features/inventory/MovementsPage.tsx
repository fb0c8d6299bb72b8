import { useEffect } from 'react';
import { Form, Input, Select, Tag, Typography, type TableProps } from 'antd';
import { FilterRangePicker } from '../../components/DateRangePicker';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { StockMovement } from '@yunying/core';
import { formatDateTime } from '../../components/format';
import { useLabels } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { PagedTable } from '../../components/PagedTable';
import { MOVEMENT_TYPES, useMovements } from './api';
import { FilterButtons, SkuCell, SkuFilterAlert } from './listParts';
import { WarehouseSelect } from './pickers';
import { useUrlState } from '../../components/useUrlState';

interface Filters {
  q?: string;
  warehouseId?: string;
  type?: string;
  refId?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

function Delta({ n }: { n: number }) {
  if (n === 0) return <Typography.Text type="secondary">0</Typography.Text>;
  return <Typography.Text type={n > 0 ? 'success' : 'danger'}>{n > 0 ? `+${n}` : n}</Typography.Text>;
}

const num = (v: string | undefined) => (v !== undefined && Number.isFinite(Number(v)) ? Number(v) : undefined);

export function MovementsPage() {
  const { t } = useTranslation();
  const labels = useLabels();
  const url = useUrlState();
  const [form] = Form.useForm<Filters>();
  const filters = {
    q: url.get('q'),
    skuId: url.get('skuId'),
    warehouseId: url.get('warehouseId'),
    type: url.get('type'),
    refType: url.get('refType'),
    refId: url.get('refId'),
    from: num(url.get('from')),
    to: num(url.get('to')),
  };
  const movements = useMovements({ ...filters, page: url.page, pageSize: url.pageSize });

  useEffect(() => {
    const p = new URLSearchParams(url.key);
    const from = num(p.get('from') ?? undefined);
    const to = num(p.get('to') ?? undefined);
    form.setFieldsValue({
      q: p.get('q') ?? undefined,
      warehouseId: p.get('warehouseId') ?? undefined,
      type: p.get('type') ?? undefined,
      refId: p.get('refId') ?? undefined,
      range:
        from !== undefined || to !== undefined ? [from !== undefined ? dayjs(from) : null, to !== undefined ? dayjs(to - 1) : null] : null,
    });
  }, [url.key, form]);

  const apply = (v: Filters) => {
    const [start, end] = v.range ?? [null, null];
    url.setFilters({
      q: v.q?.trim(),
      skuId: filters.skuId,
      warehouseId: v.warehouseId,
      type: v.type,
      refType: filters.refType,
      refId: v.refId?.trim(),
      from: start ? start.startOf('day').valueOf() : undefined,
      to: end ? end.add(1, 'day').startOf('day').valueOf() : undefined,
    });
  };

  const columns: TableProps<StockMovement>['columns'] = [
    { title: t('inventory.time'), dataIndex: 'at', width: 170, render: (v: number) => formatDateTime(v) },
    {
      title: t('inventory.sku'),
      key: 'sku',
      render: (_, m) => <SkuCell row={m} />,
    },
    { title: t('inventory.warehouse'), dataIndex: 'warehouseName', width: 110 },
    {
      title: t('inventory.type'),
      dataIndex: 'type',
      width: 110,
      render: (v: string) => <Tag>{labels.of('inventory.types', v)}</Tag>,
    },
    { title: t('inventory.dOnHand'), dataIndex: 'dOnHand', align: 'right', width: 90, render: (n: number) => <Delta n={n} /> },
    { title: t('inventory.dAvailable'), dataIndex: 'dAvailable', align: 'right', width: 90, render: (n: number) => <Delta n={n} /> },
    { title: t('inventory.dReserved'), dataIndex: 'dReserved', align: 'right', width: 90, render: (n: number) => <Delta n={n} /> },
    { title: t('inventory.dDefective'), dataIndex: 'dDefective', align: 'right', width: 90, render: (n: number) => <Delta n={n} /> },
    {
      title: t('inventory.ref'),
      key: 'ref',
      width: 150,
      render: (_, m) => (m.refType ? <span>{labels.of('inventory.refTypes', m.refType)}</span> : '—'),
    },
    { title: t('inventory.note'), dataIndex: 'note', ellipsis: true },
    { title: t('inventory.actor'), dataIndex: 'actorName', width: 110 },
  ];

  return (
    <PageContainer title={t('inventory.movementsTitle')}>
      <Form<Filters> form={form} layout="inline" style={{ rowGap: 12, marginBottom: 16 }} onFinish={apply}>
        <Form.Item name="q">
          <Input name="q" allowClear placeholder={t('inventory.searchPlaceholder')} style={{ width: 220 }} data-testid="movements-q" />
        </Form.Item>
        <Form.Item name="warehouseId">
          <WarehouseSelect allowClear placeholder={t('inventory.allWarehouses')} style={{ width: 150 }} />
        </Form.Item>
        <Form.Item name="type">
          <Select
            allowClear
            placeholder={t('inventory.allTypes')}
            style={{ width: 140 }}
            options={MOVEMENT_TYPES.map((v) => ({ value: v, label: t(`inventory.types.${v}`) }))}
            data-testid="movements-type"
          />
        </Form.Item>
        <Form.Item name="refId">
          <Input name="refId" allowClear placeholder={t('inventory.ref')} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="range">
          <FilterRangePicker allowEmpty={[true, true]} />
        </Form.Item>
        <Form.Item>
          <FilterButtons form={form} url={url} searchTestId="movements-search" />
        </Form.Item>
      </Form>
      <SkuFilterAlert url={url} filters={filters} skuCode={movements.data?.items[0]?.skuCode} />
      <PagedTable<StockMovement>
        query={movements}
        url={url}
        emptyText={t('inventory.movementsEmpty')}
        rowKey="id"
        columns={columns}
        scroll={{ x: 1300 }}
        data-testid="movements-table"
      />
    </PageContainer>
  );
}
