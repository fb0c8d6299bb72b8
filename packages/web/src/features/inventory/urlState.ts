import { useSearchParams } from 'react-router';

export const DEFAULT_PAGE_SIZE = 20;

function positiveInt(v: string | null, fallback: number): number {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** Filters and pagination kept in the URL query string, so a view can be shared and survives reloads. */
export function useUrlState() {
  const [params, setParams] = useSearchParams();
  const page = positiveInt(params.get('page'), 1);
  const pageSize = positiveInt(params.get('pageSize'), DEFAULT_PAGE_SIZE);
  const get = (k: string) => params.get(k) ?? undefined;
  /** Replace the filters (resets to page 1, keeps the page size). */
  const setFilters = (values: Record<string, string | number | boolean | null | undefined>) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined || v === null || v === '' || v === false) continue;
      p.set(k, String(v));
    }
    if (pageSize !== DEFAULT_PAGE_SIZE) p.set('pageSize', String(pageSize));
    setParams(p);
  };
  const setPage = (nextPage: number, nextSize: number) => {
    const p = new URLSearchParams(params);
    if (nextSize !== pageSize || nextPage === 1) p.delete('page');
    else p.set('page', String(nextPage));
    if (nextSize === DEFAULT_PAGE_SIZE) p.delete('pageSize');
    else p.set('pageSize', String(nextSize));
    setParams(p);
  };
  return { params, get, page, pageSize, setFilters, setPage, key: params.toString() };
}
