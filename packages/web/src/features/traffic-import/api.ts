import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TrafficImportField, TrafficImportSummary } from '@yunying/core';

export type { TrafficImportError, TrafficImportSummary } from '@yunying/core';
import { api } from '../../api/client';

export interface TrafficPreview {
  encoding: string;
  headerRow: number;
  headers: string[];
  rows: string[][];
  mapping: Partial<Record<TrafficImportField, string>>;
  missing: TrafficImportField[];
  fields: { field: TrafficImportField; label: string; en: string; required: boolean }[];
}

export interface TrafficImportLogItem {
  id: string;
  shopId: string | null;
  at: number;
  actorName: string;
  fileName: string;
  days: string[];
  rows: number;
  imported: number;
  stored: number;
  errorCount: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

const key = ['traffic-import'] as const;

export function useTrafficImport() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (form: FormData) => api.upload<TrafficImportSummary>('/traffic/import', form),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: [...key, 'list'] });
      // The imported days change every analytics screen.
      void qc.invalidateQueries({ queryKey: ['analytics'] });
    },
  });
}

export function useTrafficPreview() {
  return useMutation({ mutationFn: (form: FormData) => api.upload<TrafficPreview>('/traffic/import/preview', form) });
}

export function useTrafficImports(shopId: string | undefined, page: number, pageSize: number) {
  return useQuery({
    queryKey: [...key, 'list', shopId, page, pageSize],
    queryFn: ({ signal }) => api.get<Page<TrafficImportLogItem>>('/traffic/imports', { shopId, page, pageSize }, signal),
    placeholderData: keepPreviousData,
  });
}
