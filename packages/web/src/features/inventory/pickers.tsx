import { useState } from 'react';
import { Select, Typography, type SelectProps } from 'antd';
import { useTranslation } from 'react-i18next';
import type { InventorySkuOption, Warehouse } from '@yunying/core';
import { useSkuOptions, useWarehouses } from './api';

export function skuLabel(s: { code: string; productTitle: string; specText: string }): string {
  return `${s.code} · ${s.productTitle}${s.specText ? `（${s.specText}）` : ''}`;
}

/** The chosen SKU in a narrow field: code and spec first, so the title's tail is what an ellipsis hides. */
function pickedLabel(s: { code: string; productTitle: string; specText: string }): string {
  return [s.code, s.specText, s.productTitle].filter(Boolean).join(' · ');
}

/**
 * SKU search-and-pick (server search over code, title, spec, barcode). The list shows each SKU in
 * full — the product title on its own line, then the merchant code and the spec text — so SKUs of
 * one product are told apart by their spec (issue 9 item 5).
 */
export function SkuPicker({
  value,
  onChange,
  onPick,
  multiple,
  ...rest
}: {
  value?: string | string[];
  onChange?: (v: string | string[]) => void;
  onPick?: (sku: InventorySkuOption | undefined) => void;
  multiple?: boolean;
} & Omit<SelectProps, 'value' | 'onChange' | 'options' | 'mode'>) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const options = useSkuOptions(q);
  const [known, setKnown] = useState<Map<string, InventorySkuOption>>(new Map());
  const list = options.data ?? [];
  const merged = new Map(known);
  for (const s of list) merged.set(s.id, s);
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setQ }}
      placeholder={t('inventory.pickSku')}
      loading={options.isFetching}
      allowClear
      {...(multiple ? { mode: 'multiple' as const } : {})}
      value={value}
      onChange={(v: string | string[]) => {
        const ids = Array.isArray(v) ? v : v ? [v] : [];
        const next = new Map(known);
        for (const id of ids) {
          const s = merged.get(id);
          if (s) next.set(id, s);
        }
        setKnown(next);
        onChange?.(v);
        if (!Array.isArray(v)) onPick?.(v ? merged.get(v) : undefined);
      }}
      options={[...merged.values()]
        .filter((s) => list.some((x) => x.id === s.id) || (Array.isArray(value) ? value.includes(s.id) : value === s.id))
        .map((s) => ({ value: s.id, label: pickedLabel(s), title: skuLabel(s), sku: s }))}
      optionRender={(o) => {
        const s = (o.data as { sku: InventorySkuOption }).sku;
        return (
          <div style={{ whiteSpace: 'normal', lineHeight: 1.4 }} data-testid={`sku-option-${s.code}`}>
            <div>{s.productTitle}</div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {s.code}
              {s.specText ? ` · ${s.specText}` : ''}
            </Typography.Text>
          </div>
        );
      }}
      popupMatchSelectWidth={false}
      styles={{ popup: { root: { minWidth: 420, maxWidth: 640 } } }}
      style={{ width: '100%' }}
      {...rest}
    />
  );
}

export function WarehouseSelect({
  value,
  onChange,
  activeOnly,
  ...rest
}: { value?: string; onChange?: (v: string) => void; activeOnly?: boolean } & Omit<SelectProps, 'value' | 'onChange' | 'options'>) {
  const { t } = useTranslation();
  const whs = useWarehouses();
  const list: Warehouse[] = (whs.data ?? []).filter((w) => !activeOnly || w.status === 'active');
  return (
    <Select
      placeholder={t('inventory.pickWarehouse')}
      loading={whs.isPending}
      value={value}
      onChange={onChange}
      options={list.map((w) => ({ value: w.id, label: `${w.name}（${w.code}）` }))}
      {...rest}
    />
  );
}
