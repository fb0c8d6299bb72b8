import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  BatchActionResult,
  BatchFlagInput,
  BatchMemoRequest,
  BatchUrgentInput,
  ShipPreview,
  BatchShipResult,
  CreateOrderRequest,
  OrderDetail,
  OrderListResponse,
  SavedView,
  SkuOption,
  ViewRequest,
} from '@yunying/core';
import { api, type QueryValue } from '../../api/client';

export const ordersKey = ['orders'] as const;

export function useOrders(query: Record<string, QueryValue>) {
  return useQuery({
    queryKey: [...ordersKey, 'list', query],
    queryFn: ({ signal }) => api.get<OrderListResponse>('/orders', query, signal),
    placeholderData: keepPreviousData,
  });
}

export function useOrder(id: string) {
  return useQuery({
    queryKey: [...ordersKey, 'detail', id],
    queryFn: ({ signal }) => api.get<OrderDetail>(`/orders/${encodeURIComponent(id)}`, undefined, signal),
  });
}

function useInvalidateOrders() {
  const qc = useQueryClient();
  // Creating, shipping, cancelling and refunding orders reserve / release / ship stock.
  return () => Promise.all([ordersKey, ['aftersales'], ['stock'], ['movements']].map((queryKey) => qc.invalidateQueries({ queryKey })));
}

/** Any POST/PATCH on one order that answers with the order detail. */
export function useOrderAction() {
  const invalidate = useInvalidateOrders();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action, body, method = 'POST' }: { id: string; action: string; body?: unknown; method?: 'POST' | 'PATCH' }) =>
      method === 'PATCH'
        ? api.patch<OrderDetail>(`/orders/${encodeURIComponent(id)}/${action}`, body ?? {})
        : api.post<OrderDetail>(`/orders/${encodeURIComponent(id)}/${action}`, body ?? {}),
    onSuccess: (order) => {
      qc.setQueryData([...ordersKey, 'detail', order.id], order);
      return invalidate();
    },
  });
}

/** The create-order request as core's schema takes it; the idempotency key is added by the hook. */
export type CreateOrderBody = Omit<CreateOrderRequest, 'idempotencyKey'>;

export function useCreateOrder() {
  const invalidate = useInvalidateOrders();
  return useMutation({
    // The shared client sets no custom headers, so the idempotency key travels in the body.
    mutationFn: ({ body, key }: { body: CreateOrderBody; key: string }) =>
      api.post<OrderDetail>('/orders', { ...body, idempotencyKey: key }),
    onSuccess: invalidate,
  });
}

export function useBatchShip() {
  const invalidate = useInvalidateOrders();
  return useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append('file', file);
      return api.upload<BatchShipResult>('/orders/batch-ship', form);
    },
    onSuccess: invalidate,
  });
}

export function useSkuOptions(q: string, enabled: boolean) {
  return useQuery({
    queryKey: [...ordersKey, 'sku-options', q],
    queryFn: ({ signal }) => api.get<{ items: SkuOption[] }>('/orders/sku-options', { q }, signal).then((r) => r.items),
    enabled,
    staleTime: 10_000,
  });
}

const viewsKey = (page: string) => [...ordersKey, 'views', page] as const;

export function useViews(page: string) {
  return useQuery({
    queryKey: viewsKey(page),
    queryFn: ({ signal }) => api.get<{ items: SavedView[] }>('/orders/views', { page }, signal).then((r) => r.items),
  });
}

export function useSaveView(page: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Pick<ViewRequest, 'name' | 'query'>) => api.post<SavedView>('/orders/views', { ...body, page }),
    onSuccess: () => qc.invalidateQueries({ queryKey: viewsKey(page) }),
  });
}

export function useDeleteView(page: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/orders/views/${encodeURIComponent(id)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: viewsKey(page) }),
  });
}

/** Flag, memo or 催单 on the selected orders (orders/batch.routes.ts). */
export type BatchAction =
  { action: 'flag'; body: BatchFlagInput } | { action: 'memo'; body: BatchMemoRequest } | { action: 'urgent'; body: BatchUrgentInput };

export function useBatchAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ action, body }: BatchAction) => api.post<BatchActionResult>(`/orders/batch/${action}`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: ordersKey }),
  });
}

function fileForm(file: File): FormData {
  const form = new FormData();
  form.append('file', file);
  return form;
}

/** Check a filled-in ship template row by row; nothing is shipped. */
export function useShipPreview() {
  return useMutation({ mutationFn: (file: File) => api.upload<ShipPreview>('/orders/batch/ship-preview', fileForm(file)) });
}

/** Ship the ready rows of a filled-in ship template. */
export function useShipFromTemplate() {
  const invalidate = useInvalidateOrders();
  return useMutation({
    mutationFn: (file: File) => api.upload<BatchShipResult>('/orders/batch/ship', fileForm(file)),
    onSuccess: invalidate,
  });
}
