import type { TablePaginationConfig } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatListCount } from './format';
import type { UrlState } from './useUrlState';

/** Page sizes a server-paged list offers. */
export const PAGE_SIZE_OPTIONS = [20, 50, 100, 200];

/**
 * The pagination of a server-paged list table whose page and page size live in the URL
 * (`useUrlState`): current page, size changer, "N in all" and page changes written back to the URL.
 * `sizeChanger: false` leaves the size changer to antd's default.
 */
export function useUrlPagination(
  url: UrlState,
  total: number | undefined,
  { sizeChanger = true }: { sizeChanger?: boolean } = {},
): TablePaginationConfig {
  const { t } = useTranslation();
  return {
    current: url.page,
    pageSize: url.pageSize,
    total: total ?? 0,
    ...(sizeChanger ? { showSizeChanger: true, pageSizeOptions: PAGE_SIZE_OPTIONS } : {}),
    // A capped count (lists at a million rows) reads 共 10,000+ 条; its pages stay reachable page by page.
    showTotal: (n) => t('common.total', { count: formatListCount(n) as unknown as number }),
    onChange: url.setPage,
  };
}
