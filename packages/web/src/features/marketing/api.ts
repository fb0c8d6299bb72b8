import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  ActivityRequest,
  ActivitySummary,
  CalendarEntry,
  CouponRow,
  CouponTemplateRequest,
  CouponTemplateSummary,
  CreateOrderRequest,
  EffectReport,
  OrderDetail,
  Page,
  PricePreview,
  PricePreviewRequest,
  PriceResult,
  PromotionAction,
  PromotionCheck,
  PromotionRequest,
  PromotionSummary,
  StockCheckRow,
} from '@yunying/core';
import { api, downloadUrl, request } from '../../api/client';

const put = <T>(path: string, body: unknown) => request<T>('PUT', path, { body });

const key = ['marketing'] as const;

function useInvalidate() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: key });
}

export interface PromotionFilter {
  shopId?: string | undefined;
  status?: string | undefined;
  kind?: string | undefined;
  q?: string | undefined;
  page: number;
  pageSize: number;
}

export function usePromotions(f: PromotionFilter) {
  return useQuery({
    queryKey: [...key, 'promotions', f],
    queryFn: ({ signal }) => api.get<Page<PromotionSummary>>('/marketing/promotions', { ...f }, signal),
    placeholderData: keepPreviousData,
  });
}

export function usePromotion(id: string | undefined) {
  return useQuery({
    queryKey: [...key, 'promotion', id],
    queryFn: ({ signal }) => api.get<PromotionSummary>(`/marketing/promotions/${id}`, undefined, signal),
    enabled: !!id,
  });
}

export function useSavePromotion() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: PromotionRequest }) =>
      id ? put<PromotionSummary>(`/marketing/promotions/${id}`, body) : api.post<PromotionSummary>('/marketing/promotions', body),
    onSuccess: invalidate,
  });
}

export function useCheckPromotion() {
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: PromotionRequest }) =>
      api.post<PromotionCheck>(`/marketing/promotions/check${id ? `?id=${encodeURIComponent(id)}` : ''}`, body),
  });
}

export function usePromotionAction() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, action, acceptMarginWarnings }: { id: string; action: PromotionAction; acceptMarginWarnings?: boolean }) =>
      api.post<PromotionSummary>(`/marketing/promotions/${id}/actions`, { action, acceptMarginWarnings: !!acceptMarginWarnings }),
    onSuccess: invalidate,
  });
}

export function useBatchPromotions() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: { ids: string[]; action: 'pause' | 'end' }) =>
      api.post<{ done: number; failed: { id: string; message?: string }[] }>('/marketing/promotions/batch', body),
    onSuccess: invalidate,
  });
}

export function useMarketingSettings(shopId: string | undefined) {
  return useQuery({
    queryKey: [...key, 'settings', shopId],
    queryFn: ({ signal }) => api.get<{ minMarginBp: number }>('/marketing/settings', { shopId }, signal),
    enabled: !!shopId,
  });
}

export function useSaveSettings() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: { shopId: string; minMarginBp: number }) => put('/marketing/settings', body),
    onSuccess: invalidate,
  });
}

// ---------------------------------------------------------------- coupons

export function useCouponTemplates(f: { shopId?: string | undefined; page: number; pageSize: number }) {
  return useQuery({
    queryKey: [...key, 'coupon-templates', f],
    queryFn: ({ signal }) => api.get<Page<CouponTemplateSummary>>('/marketing/coupon-templates', { ...f }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useCreateTemplate() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: CouponTemplateRequest) => api.post<CouponTemplateSummary>('/marketing/coupon-templates', body),
    onSuccess: invalidate,
  });
}

export function useStopTemplate() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (id: string) => api.post(`/marketing/coupon-templates/${id}/stop`), onSuccess: invalidate });
}

export function useIssueCoupons() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, buyers, segment, savedSegmentId }: { id: string; buyers?: string[]; segment?: string; savedSegmentId?: string }) =>
      api.post<{ issued: number; refusedCount: number; refused: { buyer: string; reason: string }[] }>(
        `/marketing/coupon-templates/${id}/issue`,
        {
          ...(buyers?.length ? { buyers } : {}),
          ...(segment ? { segment } : {}),
          ...(savedSegmentId ? { savedSegmentId } : {}),
        },
      ),
    onSuccess: invalidate,
  });
}

export function useCoupons(
  f: { templateId?: string | undefined; buyerNick?: string | undefined; page: number; pageSize: number },
  enabled = true,
) {
  return useQuery({
    queryKey: [...key, 'coupons', f],
    queryFn: ({ signal }) => api.get<Page<CouponRow>>('/marketing/coupons', { ...f }, signal),
    enabled,
  });
}

// ---------------------------------------------------------------- pricing

export function usePricePreview() {
  return useMutation({ mutationFn: (body: PricePreviewRequest) => api.post<PricePreview>('/marketing/price-preview', body) });
}

export function useCreateOrder() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateOrderRequest) => api.post<OrderDetail>('/orders', body),
    onSuccess: () => qc.invalidateQueries(),
  });
}

export function useOrderPricing(orderId: string | undefined) {
  return useQuery({
    queryKey: [...key, 'order-pricing', orderId],
    queryFn: ({ signal }) =>
      api.get<{ orderId: string; pricing: Pick<PriceResult, 'lines' | 'applied' | 'totals' | 'at'> | null }>(
        `/marketing/orders/${orderId}/pricing`,
        undefined,
        signal,
      ),
    enabled: !!orderId,
  });
}

// ---------------------------------------------------------------- calendar

export interface CalendarMonth {
  shopId: string;
  month: string;
  from: string;
  to: string;
  entries: CalendarEntry[];
  activities: ActivitySummary[];
}

export function useCalendar(shopId: string | undefined, month: string) {
  return useQuery({
    queryKey: [...key, 'calendar', shopId, month],
    queryFn: ({ signal }) => api.get<CalendarMonth>('/marketing/calendar', { shopId, month }, signal),
    enabled: !!shopId,
    placeholderData: keepPreviousData,
  });
}

export function useActivity(id: string | undefined) {
  return useQuery({
    queryKey: [...key, 'activity', id],
    queryFn: ({ signal }) => api.get<ActivitySummary>(`/marketing/activities/${id}`, undefined, signal),
    enabled: !!id,
  });
}

export function useCreateActivity() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: ActivityRequest) => api.post<ActivitySummary>('/marketing/activities', body),
    onSuccess: invalidate,
  });
}

export function useTaskDone() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, taskId, done }: { id: string; taskId: string; done: boolean }) =>
      api.post<ActivitySummary>(`/marketing/activities/${id}/tasks/${taskId}`, { done }),
    onSuccess: invalidate,
  });
}

export function useEndActivity() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (id: string) => api.post<ActivitySummary>(`/marketing/activities/${id}/end`), onSuccess: invalidate });
}

export function useStockCheck(id: string | undefined) {
  return useQuery({
    queryKey: [...key, 'stock-check', id],
    queryFn: ({ signal }) =>
      api.get<{ days: number; rows: StockCheckRow[]; short: number }>(`/marketing/activities/${id}/stock-check`, undefined, signal),
    enabled: !!id,
  });
}

export function useEffectReport(id: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: [...key, 'effect', id],
    queryFn: ({ signal }) => api.get<EffectReport>(`/marketing/activities/${id}/effect`, undefined, signal),
    enabled: !!id && enabled,
  });
}

export const effectXlsxUrl = (id: string) => downloadUrl(`/marketing/activities/${id}/effect.xlsx`);
