import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiTokenInfo, CreateTokenRequest } from '@yunying/core';
import { api } from '../../api/client';

export const tokensKey = ['tokens'] as const;

export function useTokens() {
  return useQuery({
    queryKey: tokensKey,
    queryFn: ({ signal }) => api.get<{ items: ApiTokenInfo[] }>('/tokens', undefined, signal).then((r) => r.items),
  });
}

export function useCreateToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateTokenRequest) => api.post<{ token: ApiTokenInfo; secret: string }>('/tokens', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: tokensKey }),
  });
}

export function useRevokeToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/tokens/${encodeURIComponent(id)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: tokensKey }),
  });
}
