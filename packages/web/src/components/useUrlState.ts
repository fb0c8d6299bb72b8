import { useSearchParams } from 'react-router';

export const DEFAULT_PAGE_SIZE = 20;

export type UrlValue = string | number | boolean | null | undefined;

function positiveInt(v: string | null, fallback: number): number {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

function put(p: URLSearchParams, k: string, v: UrlValue): void {
  if (v === undefined || v === null || v === '' || v === false) p.delete(k);
  else p.set(k, String(v));
}

/**
 * The one place list pages keep their filters, sort and pagination: the URL query string, so a
 * view survives a reload and can be shared as a link. Empty values and the defaults (page 1, page
 * size 20) are left out of the URL.
 */
export function useUrlState() {
  const [params, setParams] = useSearchParams();
  const page = positiveInt(params.get('page'), 1);
  const pageSize = positiveInt(params.get('pageSize'), DEFAULT_PAGE_SIZE);
  const get = (k: string) => params.get(k) ?? undefined;
  /** Replace the filters (resets to page 1, keeps the page size). */
  const setFilters = (values: Record<string, UrlValue>) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(values)) put(p, k, v);
    if (pageSize !== DEFAULT_PAGE_SIZE) p.set('pageSize', String(pageSize));
    setParams(p);
  };
  /** Change some filters and keep the others (resets to page 1). */
  const patch = (values: Record<string, UrlValue>, opts: { replace?: boolean } = {}) => {
    const p = new URLSearchParams(params);
    p.delete('page');
    for (const [k, v] of Object.entries(values)) put(p, k, v);
    setParams(p, opts.replace ? { replace: true } : undefined);
  };
  const setPage = (nextPage: number, nextSize: number = pageSize) => {
    const p = new URLSearchParams(params);
    if (nextSize !== pageSize || nextPage === 1) p.delete('page');
    else p.set('page', String(nextPage));
    if (nextSize === DEFAULT_PAGE_SIZE) p.delete('pageSize');
    else p.set('pageSize', String(nextSize));
    setParams(p);
  };
  /** Drop every filter (and the page), keeping the page size. */
  const reset = () => setFilters({});
  /** Replace the whole query string, e.g. with a saved view's. */
  const load = (search: string) => setParams(new URLSearchParams(search));
  return { params, get, page, pageSize, setFilters, patch, setPage, reset, load, key: params.toString() };
}

export type UrlState = ReturnType<typeof useUrlState>;
