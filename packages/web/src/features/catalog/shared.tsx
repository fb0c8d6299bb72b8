import { Tag, TreeSelect } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CategoryDto, ProductStatus, WordRisk } from '@yunying/core';

const STATUS_COLORS: Record<ProductStatus, string> = { draft: 'default', on_sale: 'green', off_shelf: 'orange' };
const RISK_COLORS: Record<WordRisk, string> = { high: 'red', medium: 'orange', low: 'gold' };

export function StatusTag({ status }: { status: ProductStatus }) {
  const { t } = useTranslation();
  return <Tag color={STATUS_COLORS[status]}>{t(`catalog.status.${status}`)}</Tag>;
}

export function RiskTag({ risk }: { risk: WordRisk }) {
  const { t } = useTranslation();
  return <Tag color={RISK_COLORS[risk]}>{t(`catalog.risk.${risk}`)}</Tag>;
}

export interface CategoryNode {
  value: string;
  title: string;
  key: string;
  children: CategoryNode[];
  raw: CategoryDto;
}

/** The flat category list as a tree (antd TreeSelect / Tree data). */
export function categoryTree(items: readonly CategoryDto[]): CategoryNode[] {
  const nodes = new Map<string, CategoryNode>(items.map((c) => [c.id, { value: c.id, key: c.id, title: c.name, children: [], raw: c }]));
  const roots: CategoryNode[] = [];
  for (const c of items) {
    const n = nodes.get(c.id)!;
    const parent = c.parentId ? nodes.get(c.parentId) : undefined;
    if (parent) parent.children.push(n);
    else roots.push(n);
  }
  return roots;
}

export function CategorySelect({
  categories,
  value,
  onChange,
  placeholder,
  testId,
  style,
}: {
  categories: readonly CategoryDto[];
  value?: string | null | undefined;
  onChange?: (v: string | undefined) => void;
  placeholder?: string;
  testId?: string;
  style?: React.CSSProperties;
}) {
  return (
    <TreeSelect
      allowClear
      showSearch
      treeNodeFilterProp="title"
      treeDefaultExpandAll
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? undefined)}
      treeData={categoryTree(categories)}
      placeholder={placeholder}
      data-testid={testId}
      style={style}
    />
  );
}
