import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  AdjustRequest,
  ApplyStocktakeRequest,
  CreateStocktakeRequest,
  InventorySkuOption,
  LedgerCheckRow,
  Page,
  StockMovement,
  StockRow,
  Stocktake,
  StocktakeLinesRequest,
  ThresholdsRequest,
  Transfer,
  TransferRequest,
  Warehouse,
} from '@yunying/core';
import { api, type QueryValue } from '../../api/client';

type Q = Record<string, QueryValue>;

export { MOVEMENT_TYPES } from '@yunying/core';

export function useWarehouses(enabled = true) {
  return useQuery({
    queryKey: ['warehouses'],
    queryFn: ({ signal }) => api.get<{ items: Warehouse[] }>('/warehouses', undefined, signal).then((r) => r.items),
    enabled,
  });
}

function useInvalidate(...keys: string[]) {
  const qc = useQueryClient();
  return () => Promise.all(keys.map((k) => qc.invalidateQueries({ queryKey: [k] })));
}

export function useSaveWarehouse() {
  const invalidate = useInvalidate('warehouses');
  return useMutation({
    mutationFn: ({ id, body }: { id?: string | undefined; body: Record<string, unknown> }) =>
      id ? api.patch<Warehouse>(`/warehouses/${encodeURIComponent(id)}`, body) : api.post<Warehouse>('/warehouses', body),
    onSuccess: invalidate,
  });
}

export function useStock(params: Q) {
  return useQuery({
    queryKey: ['stock', params],
    queryFn: ({ signal }) => api.get<Page<StockRow>>('/stock', params, signal),
    placeholderData: keepPreviousData,
  });
}

export function useMovements(params: Q) {
  return useQuery({
    queryKey: ['movements', params],
    queryFn: ({ signal }) => api.get<Page<StockMovement>>('/stock/movements', params, signal),
    placeholderData: keepPreviousData,
  });
}

export function useLedgerCheck(enabled: boolean) {
  return useQuery({
    queryKey: ['ledger-check'],
    queryFn: ({ signal }) =>
      api.get<{ checked: number; mismatches: number; items: LedgerCheckRow[] }>('/stock/ledger-check', undefined, signal),
    enabled,
    staleTime: 0,
  });
}

export function useAdjust() {
  const invalidate = useInvalidate('stock', 'movements', 'notifications');
  return useMutation({
    mutationFn: ({ kind, body }: { kind: 'adjust' | 'defective'; body: AdjustRequest }) => api.post<unknown>(`/stock/${kind}`, body),
    onSuccess: invalidate,
  });
}

export function useSetThresholds() {
  const invalidate = useInvalidate('stock', 'notifications');
  return useMutation({
    mutationFn: ({ skuId, body }: { skuId: string; body: ThresholdsRequest }) =>
      api.patch<unknown>(`/stock/skus/${encodeURIComponent(skuId)}/thresholds`, body),
    onSuccess: invalidate,
  });
}

export function useSkuOptions(q: string) {
  return useQuery<InventorySkuOption[]>({
    queryKey: ['sku-options', q],
    queryFn: ({ signal }) => api.get<{ items: InventorySkuOption[] }>('/inventory/sku-options', { q }, signal).then((r) => r.items),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

export function useStocktakes(params: Q) {
  return useQuery({
    queryKey: ['stocktakes', params],
    queryFn: ({ signal }) => api.get<Page<Stocktake>>('/stocktakes', params, signal),
    placeholderData: keepPreviousData,
  });
}

export function useStocktake(id: string) {
  return useQuery({
    queryKey: ['stocktakes', 'one', id],
    queryFn: ({ signal }) => api.get<Stocktake>(`/stocktakes/${encodeURIComponent(id)}`, undefined, signal),
  });
}

export function useStocktakeActions() {
  const invalidate = useInvalidate('stocktakes', 'stock', 'movements', 'notifications');
  const create = useMutation({
    mutationFn: (body: CreateStocktakeRequest) => api.post<Stocktake>('/stocktakes', body),
    onSuccess: invalidate,
  });
  const save = useMutation({
    mutationFn: ({ id, lines }: { id: string } & StocktakeLinesRequest) =>
      api.patch<Stocktake>(`/stocktakes/${encodeURIComponent(id)}/lines`, { lines }),
    onSuccess: invalidate,
  });
  const apply = useMutation({
    mutationFn: ({ id, skipUncounted }: { id: string } & ApplyStocktakeRequest) =>
      api.post<Stocktake>(`/stocktakes/${encodeURIComponent(id)}/apply`, { skipUncounted }),
    onSuccess: invalidate,
  });
  const cancel = useMutation({
    mutationFn: (id: string) => api.post<Stocktake>(`/stocktakes/${encodeURIComponent(id)}/cancel`),
    onSuccess: invalidate,
  });
  return { create, save, apply, cancel };
}

export function useTransfers(params: Q) {
  return useQuery({
    queryKey: ['transfers', params],
    queryFn: ({ signal }) => api.get<Page<Transfer>>('/transfers', params, signal),
    placeholderData: keepPreviousData,
  });
}

export function useCreateTransfer() {
  const invalidate = useInvalidate('transfers', 'stock', 'movements', 'notifications');
  return useMutation({
    mutationFn: (body: TransferRequest) => api.post<Transfer>('/transfers', body),
    onSuccess: invalidate,
  });
}

// ---- notifications ----
export interface NotificationItem {
  id: string;
  type: string;
  level: 'info' | 'warning' | 'error';
  title: string;
  body: string;
  entityType: string | null;
  entityId: string | null;
  resolved: boolean;
  read: boolean;
  createdAt: number;
  /** For this user only (their morning digest). */
  personal?: boolean;
}

export function useNotifications() {
  return useQuery({
    queryKey: ['notifications'],
    queryFn: ({ signal }) =>
      api.get<{ items: NotificationItem[]; total: number; unread: number }>('/notifications', { pageSize: 20 }, signal),
    refetchInterval: 60_000,
    refetchIntervalInBackground: false,
    staleTime: 0,
  });
}

export function useMarkRead() {
  const invalidate = useInvalidate('notifications');
  return useMutation({
    mutationFn: (body: { ids?: string[]; all?: boolean }) => api.post<{ unread: number }>('/notifications/read', body),
    onSuccess: invalidate,
  });
}
