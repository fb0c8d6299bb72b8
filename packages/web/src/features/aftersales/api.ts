import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  AftersaleDetail,
  AftersaleInspectRequest,
  AftersaleReason,
  AftersaleRefundRequest,
  AftersaleReshipRequest,
  AftersaleSummary,
  AftersaleTransitionRequest,
  CreateAftersaleRequest,
  Page,
  UpdateAftersaleReasonRequest,
  UpdateAftersaleRequest,
} from '@yunying/core';
import { api, type QueryValue } from '../../api/client';

export const aftersalesKey = ['aftersales'] as const;

export function useAftersales(query: Record<string, QueryValue>) {
  return useQuery({
    queryKey: [...aftersalesKey, 'list', query],
    queryFn: ({ signal }) => api.get<Page<AftersaleSummary>>('/aftersales', query, signal),
    placeholderData: keepPreviousData,
  });
}

export function useAftersale(id: string) {
  return useQuery({
    queryKey: [...aftersalesKey, 'detail', id],
    queryFn: ({ signal }) => api.get<AftersaleDetail>(`/aftersales/${encodeURIComponent(id)}`, undefined, signal),
  });
}

export function useReasons() {
  return useQuery({
    queryKey: [...aftersalesKey, 'reasons'],
    queryFn: ({ signal }) => api.get<{ items: AftersaleReason[] }>('/aftersales/reasons', undefined, signal).then((r) => r.items),
  });
}

function useInvalidate() {
  const qc = useQueryClient();
  // Inspecting returned goods puts stock back (good and defective units).
  return () => Promise.all([aftersalesKey, ['orders'], ['stock'], ['movements']].map((queryKey) => qc.invalidateQueries({ queryKey })));
}

export type CreateCaseBody = CreateAftersaleRequest;

export function useCreateAftersale() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: CreateCaseBody) => api.post<AftersaleDetail>('/aftersales', body),
    onSuccess: invalidate,
  });
}

/** What one case action sends: the route's request body for each action. */
export type AftersaleAction =
  | { action: 'transition'; body: AftersaleTransitionRequest }
  | { action: 'inspect'; body: AftersaleInspectRequest }
  | { action: 'refund'; body: AftersaleRefundRequest }
  | { action: 'reship'; body: AftersaleReshipRequest };

/** transition | inspect | refund | reship on one case; answers with the case. */
export function useAftersaleAction() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, action, body }: { id: string } & AftersaleAction) =>
      api.post<AftersaleDetail>(`/aftersales/${encodeURIComponent(id)}/${action}`, body),
    onSuccess: invalidate,
  });
}

export function useUpdateAftersale() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateAftersaleRequest }) =>
      api.patch<AftersaleDetail>(`/aftersales/${encodeURIComponent(id)}`, body),
    onSuccess: invalidate,
  });
}

export function useSaveReason() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: UpdateAftersaleReasonRequest }) =>
      id
        ? api.patch<AftersaleReason>(`/aftersales/reasons/${encodeURIComponent(id)}`, body)
        : api.post<AftersaleReason>('/aftersales/reasons', body),
    onSuccess: invalidate,
  });
}
