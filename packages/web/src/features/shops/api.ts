import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreateShopRequest, Shop, UpdateShopRequest } from '@yunying/core';
import { api } from '../../api/client';
import { meKey } from '../auth/api';

export const shopsKey = ['shops'] as const;

export function useShops(enabled = true) {
  return useQuery({
    queryKey: shopsKey,
    queryFn: ({ signal }) => api.get<{ items: Shop[] }>('/shops', undefined, signal).then((r) => r.items),
    enabled,
  });
}

function useInvalidateShops() {
  const qc = useQueryClient();
  // The header's shop switcher lists the shops of /auth/me.
  return () => Promise.all([qc.invalidateQueries({ queryKey: shopsKey }), qc.invalidateQueries({ queryKey: meKey })]);
}

export function useCreateShop() {
  const invalidate = useInvalidateShops();
  return useMutation({
    mutationFn: (body: CreateShopRequest) => api.post<Shop>('/shops', body),
    onSuccess: invalidate,
  });
}

export function useUpdateShop() {
  const invalidate = useInvalidateShops();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateShopRequest }) => api.patch<Shop>(`/shops/${encodeURIComponent(id)}`, body),
    onSuccess: invalidate,
  });
}

/**
 * Shop id → shop, from the shops list when the user may read it, else from the shops of
 * /auth/me (a user without `shops.read` still sees the names of the shops they work in).
 */
export function useShopIndex(meShops: Shop[], canReadShops: boolean): Map<string, Shop> {
  const shops = useShops(canReadShops);
  const index = new Map<string, Shop>();
  for (const s of meShops) index.set(s.id, s);
  for (const s of shops.data ?? []) index.set(s.id, s);
  return index;
}

/** Remove every demo shop and its data (DELETE /demo); everything else is untouched. */
export function useDeleteDemo() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.delete('/demo'),
    // Demo data is everywhere: orders, stock, analytics. Start every page afresh.
    onSuccess: () => qc.invalidateQueries(),
  });
}
