import { useMutation, useQuery, useQueryClient, keepPreviousData } from '@tanstack/react-query';
import type {
  ImportCounts as CoreImportCounts,
  ImportField,
  ImportFormat,
  ImportPresetRequest,
  JobStatus,
  MapUnmatchedRequest,
  Page,
} from '@yunying/core';
export type { JobStatus };
import { api } from '../../api/client';

/** The job result: the import's counts and how long it took. */
export type ImportCounts = CoreImportCounts & { durationMs?: number };

export interface ImportJob {
  id: string;
  shopId: string | null;
  status: JobStatus;
  progress: number;
  processed: number;
  total: number | null;
  payload: { format: ImportFormat; names: { orders: string; items?: string }; moveStock: boolean; presetName?: string | null };
  result: ImportCounts | null;
  error: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface ImportErrorRow {
  seq: number;
  file: 'orders' | 'items';
  rowNo: number;
  column: string;
  value: string;
  reason: string;
}

export interface Preview {
  encoding: string;
  headers: string[];
  rows: string[][];
  mapping: Partial<Record<ImportField, string>>;
  missing: ImportField[];
  fields: { field: ImportField; label: string; required: boolean }[];
}

export interface Preset {
  id: string;
  name: string;
  mapping: Record<string, string>;
}

export interface UnmatchedGroup {
  shopId: string;
  merchantCode: string;
  channelItemId: string;
  title: string;
  lines: number;
  qty: number;
}

export interface SkuOption {
  id: string;
  code: string;
  title: string;
  specText: string;
}

const key = ['imports'] as const;

export function useImportJob(id: string) {
  return useQuery({
    queryKey: [...key, 'job', id],
    queryFn: ({ signal }) => api.get<ImportJob>(`/imports/jobs/${encodeURIComponent(id)}`, undefined, signal),
    // poll every second until the job has finished
    refetchInterval: (q) => (q.state.data && (q.state.data.status === 'queued' || q.state.data.status === 'running') ? 1000 : false),
  });
}

export function useImportJobs(page: number, pageSize: number) {
  return useQuery({
    queryKey: [...key, 'jobs', page, pageSize],
    queryFn: ({ signal }) => api.get<Page<ImportJob>>('/imports/jobs', { page, pageSize }, signal),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.items.some((j) => j.status === 'queued' || j.status === 'running') ? 2000 : false),
  });
}

export function useImportErrors(jobId: string, page: number, enabled: boolean) {
  return useQuery({
    queryKey: [...key, 'errors', jobId, page],
    queryFn: ({ signal }) =>
      api.get<Page<ImportErrorRow>>(`/imports/jobs/${encodeURIComponent(jobId)}/errors`, { page, pageSize: 20 }, signal),
    enabled,
    placeholderData: keepPreviousData,
  });
}

export function useStartImport() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (form: FormData) => api.upload<{ jobId: string }>('/imports/orders', form),
    onSuccess: () => qc.invalidateQueries({ queryKey: [...key, 'jobs'] }),
  });
}

export function usePreview() {
  return useMutation({ mutationFn: (form: FormData) => api.upload<Preview>('/imports/preview', form) });
}

export function usePresets() {
  return useQuery({
    queryKey: [...key, 'presets'],
    queryFn: ({ signal }) => api.get<{ items: Preset[] }>('/imports/presets', undefined, signal).then((r) => r.items),
  });
}

export function useSavePreset() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ImportPresetRequest) => api.post<Preset>('/imports/presets', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: [...key, 'presets'] }),
  });
}

export function useDeletePreset() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/imports/presets/${encodeURIComponent(id)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: [...key, 'presets'] }),
  });
}

export function useUnmatched(page: number, shopId: string | undefined) {
  return useQuery({
    queryKey: [...key, 'unmatched', page, shopId],
    queryFn: ({ signal }) => api.get<Page<UnmatchedGroup>>('/imports/unmatched', { page, pageSize: 20, shopId }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useSkuOptions(q: string) {
  return useQuery({
    queryKey: [...key, 'skus', q],
    queryFn: ({ signal }) => api.get<{ items: SkuOption[] }>('/imports/sku-options', { q }, signal).then((r) => r.items),
    staleTime: 30_000,
  });
}

export function useMapUnmatched() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: MapUnmatchedRequest) => api.post<{ lines: number; listingCreated: boolean }>('/imports/unmatched/map', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: [...key, 'unmatched'] }),
  });
}
