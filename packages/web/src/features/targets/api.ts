import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { KpiBoard, SetTargetRequest, TargetBoard, TargetDto, WhatIfBaseDto } from '@yunying/core';
import { api, request } from '../../api/client';

export const targetsKey = ['targets'] as const;

/** A month's board, or one activity target's (`targetId`); `enabled` false while an activity is still to be picked. */
export function useTargetBoard(shopId: string | null, month: string | undefined, targetId?: string, enabled = true) {
  return useQuery({
    queryKey: [...targetsKey, 'board', shopId, month ?? '', targetId ?? ''],
    queryFn: ({ signal }) => api.get<TargetBoard>('/targets/board', { shopId, month, targetId }, signal),
    enabled: shopId !== null && enabled,
    placeholderData: keepPreviousData,
  });
}

/** The shop's targets overlapping [from, to] (the board's activity picker keeps the activity ones). */
export function useTargetList(shopId: string | null, from: string, to: string, enabled = true) {
  return useQuery({
    queryKey: [...targetsKey, 'list', shopId, from, to],
    queryFn: ({ signal }) => api.get<TargetDto[]>('/targets', { shopId, from, to }, signal),
    enabled: shopId !== null && enabled,
  });
}

export function useKpis(shopId: string | null, from: string, to: string) {
  return useQuery({
    queryKey: [...targetsKey, 'kpis', shopId, from, to],
    queryFn: ({ signal }) => api.get<KpiBoard>('/targets/kpis', { shopId, from, to }, signal),
    enabled: shopId !== null,
    placeholderData: keepPreviousData,
  });
}

export function useSetTarget() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: SetTargetRequest) => request<TargetDto>('PUT', '/targets', { body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: targetsKey }),
  });
}

export function useWhatIfBase(shopId: string | null, from: string, to: string) {
  return useQuery({
    queryKey: [...targetsKey, 'whatif', shopId, from, to],
    queryFn: ({ signal }) => api.get<WhatIfBaseDto>('/whatif/base', { shopId, from, to }, signal),
    enabled: shopId !== null,
    placeholderData: keepPreviousData,
  });
}
