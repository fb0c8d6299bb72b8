import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Page, TrafficImportField, TrafficImportListRequest, TrafficImportLogItem, TrafficImportSummary } from '@yunying/core';
import { api } from '../../api/client';

export type { TrafficImportError, TrafficImportLogItem, TrafficImportSummary } from '@yunying/core';

export interface TrafficPreview {
  encoding: string;
  headerRow: number;
  headers: string[];
  rows: string[][];
  mapping: Partial<Record<TrafficImportField, string>>;
  missing: TrafficImportField[];
  fields: { field: TrafficImportField; label: string; en: string; required: boolean }[];
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

export function useTrafficImports(q: TrafficImportListRequest) {
  return useQuery({
    queryKey: [...key, 'list', q.shopId, q.page, q.pageSize],
    queryFn: ({ signal }) => api.get<Page<TrafficImportLogItem>>('/traffic/imports', q, signal),
    placeholderData: keepPreviousData,
  });
}
