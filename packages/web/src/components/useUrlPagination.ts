import type { TablePaginationConfig } from 'antd';
import { useTranslation } from 'react-i18next';
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
    showTotal: (n) => t('common.total', { count: n }),
    onChange: url.setPage,
  };
}
