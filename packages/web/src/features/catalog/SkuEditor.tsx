import { Button, Flex, Input, Select, Space, Table, Tag, Typography, type TableProps } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { generateSkus, MAX_SKUS_PER_PRODUCT, normalizeSpecDims, skuCount, type SpecDim } from '@yunying/core';

/** One row of the SKU table as edited: money and weight kept as typed text until saving. */
export interface SkuRow {
  key: string;
  id?: string;
  spec: Record<string, string>;
  specText: string;
  code: string;
  barcode: string;
  price: string;
  cost: string;
  weight: string;
  status: 'active' | 'disabled';
  /** Existing SKU whose spec combination no longer exists in the dimensions. */
  orphan?: boolean;
  /** The code is the suggestion, not typed by the user (so it may be re-suggested). */
  autoCode?: boolean;
}

/**
 * The rows for new dimensions: rows kept by spec text, new combinations added. Codes the user has
 * not typed follow the suggestion `<SPU>-<n>` by position; typed and saved codes are never changed.
 */
export function rowsForDims(dims: SpecDim[], rows: SkuRow[], spuCode: string): SkuRow[] {
  const gen = generateSkus(dims, spuCode);
  const kept = gen.map((g) => rows.find((r) => r.specText === g.specText));
  const fixed = new Set(kept.filter((r): r is SkuRow => !!r && (!!r.id || !r.autoCode)).map((r) => r.code));
  for (const r of rows) if (r.id) fixed.add(r.code);
  let extra = gen.length;
  const suggest = (suggested: string) => {
    if (!spuCode.trim()) return '';
    let c = suggested;
    while (fixed.has(c)) c = `${spuCode.trim()}-${++extra}`;
    fixed.add(c);
    return c;
  };
  const out: SkuRow[] = gen.map((g, i) => {
    const prev = kept[i];
    if (prev && (prev.id || !prev.autoCode)) return { ...prev, orphan: false };
    const base = prev ?? {
      key: g.specText || '-',
      spec: g.spec,
      specText: g.specText,
      barcode: '',
      price: '',
      cost: '',
      weight: '',
      status: 'active' as const,
    };
    return { ...base, code: suggest(g.suggestedCode), autoCode: true };
  });
  // Saved SKUs whose combination disappeared stay (they may have orders) but are disabled.
  for (const r of rows) if (r.id && !out.some((o) => o.key === r.key)) out.push({ ...r, orphan: true, status: 'disabled' });
  return out;
}

export function SpecDimsEditor({ dims, onChange, disabled }: { dims: SpecDim[]; onChange: (d: SpecDim[]) => void; disabled?: boolean }) {
  const { t } = useTranslation();
  const count = skuCount(dims);
  return (
    <div data-testid="spec-editor">
      {dims.map((d, i) => (
        <Flex key={i} gap={8} style={{ marginBottom: 8 }}>
          <Input
            value={d.name}
            placeholder={t('catalog.edit.specName')}
            style={{ width: 160 }}
            disabled={disabled}
            onChange={(e) => onChange(dims.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))}
            data-testid={`spec-name-${i}`}
          />
          <Select
            mode="tags"
            value={d.values}
            placeholder={t('catalog.edit.specValues')}
            style={{ flex: 1 }}
            disabled={disabled}
            tokenSeparators={[',', '，', '、']}
            open={false}
            onChange={(values: string[]) => onChange(dims.map((x, j) => (j === i ? { ...x, values } : x)))}
            data-testid={`spec-values-${i}`}
          />
          <Button
            icon={<DeleteOutlined />}
            disabled={disabled}
            onClick={() => onChange(dims.filter((_, j) => j !== i))}
            aria-label={t('common.delete')}
          />
        </Flex>
      ))}
      <Flex gap={12} align="center">
        <Button
          icon={<PlusOutlined />}
          disabled={disabled || dims.length >= 3}
          onClick={() => onChange([...dims, { name: '', values: [] }])}
          data-testid="spec-add"
        >
          {t('catalog.edit.specAdd')}
        </Button>
        <Typography.Text type={count > MAX_SKUS_PER_PRODUCT ? 'danger' : 'secondary'}>
          {count > MAX_SKUS_PER_PRODUCT ? t('catalog.edit.tooMany', { count, max: MAX_SKUS_PER_PRODUCT }) : t('catalog.edit.specHint')}
        </Typography.Text>
      </Flex>
    </div>
  );
}

export function SkuTable({
  rows,
  onChange,
  showCost,
  canPrice,
  isNew,
}: {
  rows: SkuRow[];
  onChange: (rows: SkuRow[]) => void;
  showCost: boolean;
  canPrice: boolean;
  isNew: boolean;
}) {
  const { t } = useTranslation();
  const [fill, setFill] = useState({ price: '', cost: '', weight: '' });
  const set = (key: string, patch: Partial<SkuRow>) => onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const priceLocked = !canPrice && !isNew;
  const cell = (
    field: 'code' | 'barcode' | 'price' | 'cost' | 'weight',
    opts: { disabled?: (r: SkuRow) => boolean; width?: number } = {},
  ) => ({
    key: field,
    width: opts.width ?? 120,
    render: (_: unknown, r: SkuRow, i: number) => (
      <Input
        size="small"
        value={r[field]}
        disabled={opts.disabled?.(r) ?? false}
        inputMode={field === 'code' || field === 'barcode' ? undefined : 'decimal'}
        onChange={(e) => set(r.key, field === 'code' ? { code: e.target.value, autoCode: false } : { [field]: e.target.value })}
        data-testid={`sku-${field}-${i}`}
      />
    ),
  });
  const columns: TableProps<SkuRow>['columns'] = [
    {
      title: t('catalog.edit.spec'),
      key: 'spec',
      render: (_, r) => (
        <Space size={4}>
          {r.specText ? (
            Object.values(r.spec).map((v, i) => <Tag key={i}>{v}</Tag>)
          ) : (
            <Typography.Text type="secondary">{t('catalog.edit.noSpec')}</Typography.Text>
          )}
          {r.orphan ? <Tag color="orange">{t('catalog.edit.removedSpec')}</Tag> : null}
        </Space>
      ),
    },
    { title: t('catalog.edit.skuCode'), ...cell('code', { width: 150 }) },
    { title: t('catalog.edit.barcode'), ...cell('barcode', { width: 140 }) },
    { title: t('catalog.edit.priceYuan'), ...cell('price', { disabled: (r) => priceLocked && !!r.id }) },
    ...(showCost ? [{ title: t('catalog.edit.costYuan'), ...cell('cost') }] : []),
    { title: t('catalog.edit.weight'), ...cell('weight', { width: 100 }) },
    {
      title: t('catalog.edit.skuStatus'),
      key: 'status',
      width: 110,
      render: (_, r, i) => (
        <Select
          size="small"
          value={r.status}
          style={{ width: 96 }}
          onChange={(status: SkuRow['status']) => set(r.key, { status })}
          options={(['active', 'disabled'] as const).map((s) => ({ value: s, label: t(`catalog.skuStatus.${s}`) }))}
          data-testid={`sku-status-${i}`}
        />
      ),
    },
  ];
  const apply = () =>
    onChange(
      rows.map((r) => ({
        ...r,
        ...(fill.price && !(priceLocked && r.id) ? { price: fill.price } : {}),
        ...(fill.cost && showCost ? { cost: fill.cost } : {}),
        ...(fill.weight ? { weight: fill.weight } : {}),
      })),
    );
  return (
    <>
      <Flex gap={8} align="center" wrap style={{ margin: '12px 0' }}>
        <Typography.Text>{t('catalog.edit.fillAll')}:</Typography.Text>
        <Input
          size="small"
          style={{ width: 110 }}
          placeholder={t('catalog.edit.fillPrice')}
          value={fill.price}
          disabled={priceLocked}
          onChange={(e) => setFill({ ...fill, price: e.target.value })}
          data-testid="sku-fill-price"
        />
        {showCost ? (
          <Input
            size="small"
            style={{ width: 110 }}
            placeholder={t('catalog.edit.fillCost')}
            value={fill.cost}
            onChange={(e) => setFill({ ...fill, cost: e.target.value })}
            data-testid="sku-fill-cost"
          />
        ) : null}
        <Input
          size="small"
          style={{ width: 110 }}
          placeholder={t('catalog.edit.fillWeight')}
          value={fill.weight}
          onChange={(e) => setFill({ ...fill, weight: e.target.value })}
          data-testid="sku-fill-weight"
        />
        <Button size="small" onClick={apply} data-testid="sku-fill-apply">
          {t('catalog.edit.apply')}
        </Button>
      </Flex>
      <Table<SkuRow>
        rowKey="key"
        size="small"
        columns={columns}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 900 }}
        data-testid="sku-table"
      />
    </>
  );
}

export { normalizeSpecDims };
