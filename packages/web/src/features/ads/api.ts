import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  AdAdviceKind,
  AdField,
  AdFormat,
  AdTool,
  ProportionTest,
  AdAbRequest,
  AdAdviceRequest,
  AdDayRequest,
  AdPlanListRequest,
  AdSpendNowRequest,
  CreateAdPlanRequest,
  Pace,
  UpdateAdPlanRequest,
} from '@yunying/core';
import { api, type QueryValue } from '../../api/client';

/** Totals of a period or a day with every figure (server `withFigures`). */
export interface AdFigures {
  impressions: number;
  clicks: number;
  spendFen: number;
  orders: number;
  salesFen: number;
  favs: number;
  carts: number;
  ctr: number | null;
  cpcFen: number | null;
  cpmFen: number | null;
  cvr: number | null;
  roi: number | null;
  acos: number | null;
  costPerOrderFen: number | null;
  marginRate: number | null;
  breakEvenRoi: number | null;
  profitAfterAdsFen: number | null;
  belowBreakEven: boolean | null;
}

export interface AdPlan extends AdFigures {
  id: string;
  shopId: string;
  tool: AdTool;
  toolName: string;
  name: string;
  status: 'active' | 'paused';
  dailyBudgetFen: number | null;
  bidFen: number | null;
  productIds: string[];
}

export interface AdOverview {
  totals: AdFigures;
  plans: number;
  activePlans: number;
  belowBreakEven: number;
  byTool: (AdFigures & { tool: AdTool; toolName: string; plans: number })[];
  trend: (AdFigures & { day: string })[];
  taoke: { orders: number; commissionFen: number; paidFen: number; roi: number | null };
}

export interface AdPlanDetail {
  plan: AdPlan;
  products: { id: string; title: string; code: string }[];
  days: (AdFigures & { day: string })[];
  units: (AdFigures & { name: string; unit: string })[];
  keywords: (AdFigures & { name: string; unit: string })[];
  creatives: (AdFigures & { name: string; unit: string })[];
}

export interface AdAdviceItem {
  id: string;
  planId: string;
  planName: string;
  tool: AdTool;
  day: string;
  kind: AdAdviceKind;
  kindName: string;
  target: string;
  message: string;
  evidence: Record<string, unknown>;
  status: 'open' | 'accepted' | 'dismissed';
  decidedBy: string | null;
  decidedAt: number | null;
  note: string;
}

export interface AdAdviceList {
  day: string | null;
  counts: { open: number; accepted: number; dismissed: number };
  items: AdAdviceItem[];
  total: number;
  page: number;
  pageSize: number;
}

export interface AdAbResult {
  plan: { id: string; name: string };
  creatives: string[];
  a: AdFigures & { name: string };
  b: AdFigures & { name: string };
  ctr: ProportionTest;
  cvr: ProportionTest;
}

export interface AdImportSummary {
  tool: AdTool;
  fileName: string;
  encoding: string;
  headerRow: number;
  level: string;
  columns: Partial<Record<AdField, string>>;
  days: string[];
  rows: number;
  imported: number;
  skipped: number;
  plansCreated: number;
  errorCount: number;
  errors: { rowNo: number; column: string; value: string; reason: string }[];
  /** Ad reports only: true when the server only parsed the file (preview), nothing written. */
  dryRun?: boolean;
  format?: AdFormat;
  from?: string | null;
  to?: string | null;
  /** The first good rows as they will be stored (money in fen). */
  preview?: AdPreviewRow[];
}

export interface AdPreviewRow {
  hour?: number;
  day: string;
  plan: string;
  unit: string;
  keyword: string;
  creative: string;
  impressions: number;
  clicks: number;
  spendFen: number;
  orders: number;
  salesFen: number;
  favs: number;
  carts: number;
}

const key = ['ads'] as const;
type Q = Record<string, QueryValue>;

export function useAdOverview(q: { shopId: string; from: string; to: string } | null) {
  return useQuery({
    queryKey: [...key, 'overview', q],
    queryFn: ({ signal }) => api.get<AdOverview>('/ads/overview', q as Q, signal),
    enabled: q !== null,
    placeholderData: keepPreviousData,
  });
}

export function useAdPlans(q: AdPlanListRequest | null) {
  return useQuery({
    queryKey: [...key, 'plans', q],
    queryFn: ({ signal }) => api.get<{ items: AdPlan[]; total: number }>('/ads/plans', q as Q, signal),
    enabled: q !== null,
    placeholderData: keepPreviousData,
  });
}

export function useAdPlan(id: string, from: string, to: string) {
  return useQuery({
    queryKey: [...key, 'plan', id, from, to],
    queryFn: ({ signal }) => api.get<AdPlanDetail>(`/ads/plans/${encodeURIComponent(id)}`, { from, to }, signal),
    enabled: !!id,
  });
}

export function useAdAdvice(q: AdAdviceRequest | null) {
  return useQuery({
    queryKey: [...key, 'advice', q],
    queryFn: ({ signal }) => api.get<AdAdviceList>('/ads/advice', q as Q, signal),
    enabled: q !== null,
    placeholderData: keepPreviousData,
  });
}

export function useAdAb(q: AdAbRequest | null) {
  return useQuery({
    queryKey: [...key, 'ab', q],
    queryFn: ({ signal }) => api.get<AdAbResult>('/ads/ab', q as Q, signal),
    enabled: q !== null,
    retry: false,
  });
}

export function useProductOptions(q: string) {
  return useQuery({
    queryKey: [...key, 'products', q],
    queryFn: ({ signal }) => api.get<{ id: string; title: string; code: string }[]>('/ads/products', { q }, signal),
  });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ queryKey: key });
}

export function useCreatePlan() {
  const done = useInvalidate();
  return useMutation({ mutationFn: (body: CreateAdPlanRequest) => api.post<{ id: string }>('/ads/plans', body), onSuccess: done });
}

export function useUpdatePlan(id: string) {
  const done = useInvalidate();
  return useMutation({
    mutationFn: (body: UpdateAdPlanRequest) => api.patch<{ id: string }>(`/ads/plans/${encodeURIComponent(id)}`, body),
    onSuccess: done,
  });
}

export function useBatchStatus() {
  const done = useInvalidate();
  return useMutation({
    mutationFn: (body: { ids: string[]; status: 'active' | 'paused' }) => api.post<{ updated: number }>('/ads/plans/batch', body),
    onSuccess: done,
  });
}

export function useDecideAdvice() {
  const done = useInvalidate();
  return useMutation({
    mutationFn: (v: { id: string; decision: 'accepted' | 'dismissed'; note?: string }) =>
      api.post<{ id: string; applied: string | null }>(`/ads/advice/${encodeURIComponent(v.id)}/decision`, {
        decision: v.decision,
        note: v.note ?? '',
      }),
    onSuccess: done,
  });
}

export function useAdImport(path: '/ads/import' | '/ads/taoke/import') {
  const done = useInvalidate();
  return useMutation({ mutationFn: (form: FormData) => api.upload<AdImportSummary>(path, form), onSuccess: done });
}

export function useEnterDay(id: string) {
  const done = useInvalidate();
  return useMutation({
    mutationFn: (body: AdDayRequest) => api.post<{ id: string; day: string }>(`/ads/plans/${encodeURIComponent(id)}/days`, body),
    onSuccess: done,
  });
}

/** The day's budget pacing (core `Pace`, as `ads.pacing.ts` answers it). */
export type AdPace = Omit<Pace, 'advice'> & {
  advice: { kind: AdAdviceKind; message: string; evidence: Record<string, unknown> } | null;
};
export interface AdPacing {
  day: string;
  curve: { source: 'hourly' | 'traffic' | 'default'; visitors: number; from: string; to: string; shares: number[]; cumulative: number[] };
  plans: {
    planId: string;
    name: string;
    tool: AdTool;
    dailyBudgetFen: number | null;
    points: { clock: string; minute: number; spendFen: number }[];
    pace: AdPace | null;
    advice: { id: string; status: 'open' | 'accepted' | 'dismissed' } | null;
  }[];
}

export function useAdPacing(q: { shopId: string; planId?: string } | null) {
  return useQuery({
    queryKey: [...key, 'pacing', q],
    queryFn: ({ signal }) => api.get<AdPacing>('/ads/pacing', q as Q, signal),
    enabled: q !== null,
  });
}

export function useEnterSpendNow(id: string) {
  const done = useInvalidate();
  return useMutation({
    mutationFn: (body: AdSpendNowRequest) =>
      api.post<{ planId: string; day: string; time: string; spendFen: number }>(`/ads/plans/${encodeURIComponent(id)}/spend-now`, body),
    onSuccess: done,
  });
}
