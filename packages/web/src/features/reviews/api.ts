import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  BatchFollowupRequest,
  CreateReviewRequest,
  DsrBenchmarkRequest,
  FollowupDto,
  FollowupRequest,
  Page,
  ReviewKeywordsRequest,
  ReviewDto,
  ReviewListRequest,
} from '@yunying/core';
import { api, request } from '../../api/client';

/** A review as the API answers it (one definition, in core). */
export type Review = ReviewDto;
export interface ReviewDetail extends Review {
  followups: FollowupDto[];
}
export interface ReviewImportSummary {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  alerts: number;
  errors: number;
  errorRows: { rowNo: number; column: string; value: string; reason: string }[];
}
type Trio = { desc: number | null; service: number | null; logistics: number | null };
export interface DsrTrend {
  today: string;
  windowDays: number;
  current: Trio & { day: string; reviews: number };
  points: (Trio & { day: string; reviews: number })[];
  benchmark: (Trio & { month: string }) | null;
  vsCategory: Trio | null;
}

const key = ['reviews'] as const;

export function useReviews(q: Partial<ReviewListRequest>) {
  return useQuery({
    queryKey: [...key, 'list', q],
    queryFn: ({ signal }) => api.get<Page<Review>>('/reviews', q as Record<string, string | number | undefined>, signal),
    placeholderData: keepPreviousData,
  });
}
export function useReview(id: string) {
  return useQuery({ queryKey: [...key, 'one', id], queryFn: ({ signal }) => api.get<ReviewDetail>(`/reviews/${id}`, undefined, signal) });
}
export function useTemplates() {
  return useQuery({
    queryKey: [...key, 'templates'],
    queryFn: () => api.get<{ items: { key: string; title: string; text: string }[] }>('/reviews/templates'),
    staleTime: Infinity,
  });
}
export function useKeywords() {
  return useQuery({
    queryKey: [...key, 'keywords'],
    queryFn: () => api.get<{ items: { tag: string; keywords: string[] }[] }>('/reviews/keywords'),
  });
}
export function useDsr(shopId: string | null, days: number) {
  return useQuery({
    queryKey: [...key, 'dsr', shopId, days],
    queryFn: ({ signal }) => api.get<DsrTrend>('/reviews/dsr', { shopId: shopId!, days }, signal),
    enabled: !!shopId,
  });
}
export function useRepeated(shopId: string | null) {
  return useQuery({
    queryKey: [...key, 'repeated', shopId],
    queryFn: ({ signal }) =>
      api.get<{ since: string; items: { shopId: string; productTitle: string; tag: string; reviews: number; lastDay: string }[] }>(
        '/reviews/repeated-complaints',
        { shopId: shopId ?? undefined },
        signal,
      ),
  });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: key });
    void qc.invalidateQueries({ queryKey: ['notifications'] });
  };
}
export function useImportReviews() {
  const done = useInvalidate();
  return useMutation({ mutationFn: (form: FormData) => api.upload<ReviewImportSummary>('/reviews/import', form), onSuccess: done });
}
export function useCreateReview() {
  const done = useInvalidate();
  return useMutation({ mutationFn: (b: CreateReviewRequest) => api.post<Review>('/reviews', b), onSuccess: done });
}
export function useFollowup(id: string) {
  const done = useInvalidate();
  return useMutation({ mutationFn: (b: FollowupRequest) => api.post<Review>(`/reviews/${id}/followup`, b), onSuccess: done });
}
export function useBatchFollowup() {
  const done = useInvalidate();
  return useMutation({
    mutationFn: (b: BatchFollowupRequest) =>
      api.post<{ done: number; failed: { id: string; reason: string }[] }>('/reviews/batch/followup', b),
    onSuccess: done,
  });
}
export function useSaveKeywords() {
  const done = useInvalidate();
  return useMutation({ mutationFn: (b: ReviewKeywordsRequest) => request('PUT', '/reviews/keywords', { body: b }), onSuccess: done });
}
export function useSaveBenchmark() {
  const done = useInvalidate();
  return useMutation({
    mutationFn: (b: DsrBenchmarkRequest) => request('PUT', '/reviews/dsr/benchmark', { body: b }),
    onSuccess: done,
  });
}
