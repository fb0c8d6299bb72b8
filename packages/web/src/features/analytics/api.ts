import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type {
  AnalyticsPeriodRequest,
  AnalyticsProductsRequest,
  AnalyticsTradeRequest,
  DashboardResponse,
  ProductDetailResponse,
  ProductsResponse,
  Shop,
  TradeResponse,
  TrafficResponse,
} from '@yunying/core';
import { api, isApiError } from '../../api/client';

export const analyticsKey = ['analytics'] as const;

export function useDashboard(shopId: string | undefined) {
  return useQuery({
    queryKey: [...analyticsKey, 'dashboard', shopId ?? 'all'],
    queryFn: ({ signal }) => api.get<DashboardResponse>('/analytics/dashboard', { shopId }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useTraffic(q: AnalyticsPeriodRequest) {
  return useQuery({
    queryKey: [...analyticsKey, 'traffic', q],
    queryFn: ({ signal }) => api.get<TrafficResponse>('/analytics/traffic', q, signal),
    placeholderData: keepPreviousData,
  });
}

export function useProductsAnalytics(q: AnalyticsProductsRequest) {
  return useQuery({
    queryKey: [...analyticsKey, 'products', q],
    queryFn: ({ signal }) => api.get<ProductsResponse>('/analytics/products', q, signal),
    placeholderData: keepPreviousData,
  });
}

export function useProductAnalytics(productId: string, q: AnalyticsPeriodRequest) {
  return useQuery({
    queryKey: [...analyticsKey, 'product', productId, q],
    queryFn: ({ signal }) => api.get<ProductDetailResponse>(`/analytics/products/${encodeURIComponent(productId)}`, q, signal),
    placeholderData: keepPreviousData,
  });
}

export function useTrade(q: AnalyticsTradeRequest) {
  return useQuery({
    queryKey: [...analyticsKey, 'trade', q],
    queryFn: ({ signal }) => api.get<TradeResponse>('/analytics/trade', q, signal),
    placeholderData: keepPreviousData,
  });
}

/** Whether demo data is loaded (GET /demo); null when the server does not offer it. */
export function useDemoInfo(enabled: boolean) {
  return useQuery({
    queryKey: ['demo'],
    queryFn: async ({ signal }) => {
      try {
        return await api.get<{ loaded: boolean; shops: Shop[] }>('/demo', undefined, signal);
      } catch (e) {
        if (isApiError(e) && (e.status === 404 || e.status === 405)) return null;
        throw e;
      }
    },
    enabled,
    retry: false,
    staleTime: 60_000,
  });
}
