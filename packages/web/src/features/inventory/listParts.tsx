import { Alert, Button, Space, Typography, type FormInstance } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { UrlState } from '../../components/useUrlState';

/** The SKU column's cell of the inventory lists: code, then product title and spec. */
export function SkuCell({ row }: { row: { skuCode: string; productTitle: string; specText?: string | null } }) {
  return (
    <Space orientation="vertical" size={0}>
      <Typography.Text strong>{row.skuCode}</Typography.Text>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {row.productTitle}
        {row.specText ? ` · ${row.specText}` : ''}
      </Typography.Text>
    </Space>
  );
}

/** Search and reset of an inventory filter bar: reset clears the form and every URL filter. */
export function FilterButtons({ form, url, searchTestId }: { form: FormInstance; url: UrlState; searchTestId: string }) {
  const { t } = useTranslation();
  return (
    <Space>
      <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid={searchTestId}>
        {t('common.search')}
      </Button>
      <Button
        onClick={() => {
          form.resetFields();
          url.setFilters({});
        }}
      >
        {t('common.reset')}
      </Button>
    </Space>
  );
}

/**
 * The notice of a list narrowed to one SKU (`?skuId=` from a link); closing it drops that filter
 * and keeps the others.
 */
export function SkuFilterAlert({
  url,
  filters,
  skuCode,
  testId,
}: {
  url: UrlState;
  filters: Record<string, string | number | undefined>;
  skuCode: string | undefined;
  testId?: string;
}) {
  const { t } = useTranslation();
  if (!filters.skuId) return null;
  return (
    <Alert
      type="info"
      showIcon
      title={`${t('inventory.sku')}: ${skuCode ?? filters.skuId}`}
      closable={{ onClose: () => url.setFilters({ ...filters, skuId: undefined }) }}
      style={{ marginBottom: 12 }}
      {...(testId ? { 'data-testid': testId } : {})}
    />
  );
}
