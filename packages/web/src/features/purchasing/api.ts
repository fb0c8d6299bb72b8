import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Page, PurchaseOrder, PurchaseOrderRequest, ReceiveRequest, Supplier, UpdateSupplierRequest } from '@yunying/core';
import { api, type QueryValue } from '../../api/client';

export function useSuppliers(params: Record<string, QueryValue>) {
  return useQuery({
    queryKey: ['suppliers', params],
    queryFn: ({ signal }) => api.get<Page<Supplier>>('/suppliers', params, signal),
    placeholderData: keepPreviousData,
  });
}

function useInvalidate(...keys: string[]) {
  const qc = useQueryClient();
  return () => Promise.all(keys.map((k) => qc.invalidateQueries({ queryKey: [k] })));
}

export function useSupplierActions() {
  const invalidate = useInvalidate('suppliers');
  const save = useMutation({
    mutationFn: ({ id, body }: { id?: string | undefined; body: UpdateSupplierRequest }) =>
      id ? api.patch<Supplier>(`/suppliers/${encodeURIComponent(id)}`, body) : api.post<Supplier>('/suppliers', body),
    onSuccess: invalidate,
  });
  const remove = useMutation({ mutationFn: (id: string) => api.delete(`/suppliers/${encodeURIComponent(id)}`), onSuccess: invalidate });
  return { save, remove };
}

export function usePurchaseOrders(params: Record<string, QueryValue>) {
  return useQuery({
    queryKey: ['purchase-orders', params],
    queryFn: ({ signal }) => api.get<Page<PurchaseOrder>>('/purchase-orders', params, signal),
    placeholderData: keepPreviousData,
  });
}

export function usePurchaseOrder(id: string | null) {
  return useQuery({
    queryKey: ['purchase-orders', 'one', id],
    queryFn: ({ signal }) => api.get<PurchaseOrder>(`/purchase-orders/${encodeURIComponent(id!)}`, undefined, signal),
    enabled: !!id,
  });
}

export type PoBody = PurchaseOrderRequest;

export function usePurchaseOrderActions() {
  const invalidate = useInvalidate('purchase-orders', 'stock', 'movements', 'notifications');
  const save = useMutation({
    mutationFn: ({ id, body }: { id?: string | undefined; body: PoBody }) =>
      id ? api.patch<PurchaseOrder>(`/purchase-orders/${encodeURIComponent(id)}`, body) : api.post<PurchaseOrder>('/purchase-orders', body),
    onSuccess: invalidate,
  });
  const transition = useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'order' | 'cancel' }) =>
      api.post<PurchaseOrder>(`/purchase-orders/${encodeURIComponent(id)}/${action}`),
    onSuccess: invalidate,
  });
  const receive = useMutation({
    mutationFn: ({ id, lines, note }: { id: string } & ReceiveRequest) =>
      api.post<PurchaseOrder>(`/purchase-orders/${encodeURIComponent(id)}/receive`, { lines, note }),
    onSuccess: invalidate,
  });
  return { save, transition, receive };
}
