import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Finding, FindingListRequest, Page, RunDiagnosisRequest, UpdateFindingRequest } from '@yunying/core';
import { api, type QueryValue } from '../../api/client';

export type { Finding } from '@yunying/core';

export interface RunResult {
  shopId: string;
  date: string;
  found: number;
  created: number;
  updated: number;
  skipped: number;
}

const key = ['diagnosis'] as const;

export function useFindings(query: FindingListRequest) {
  return useQuery({
    queryKey: [...key, 'list', query],
    queryFn: ({ signal }) => api.get<Page<Finding>>('/diagnosis/findings', query as Record<string, QueryValue>, signal),
    placeholderData: keepPreviousData,
  });
}

export function useFinding(id: string | null) {
  return useQuery({
    queryKey: [...key, 'one', id],
    queryFn: ({ signal }) => api.get<Finding>(`/diagnosis/findings/${id}`, undefined, signal),
    enabled: id !== null,
  });
}

export function useUpdateFinding(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateFindingRequest) => api.post<Finding>(`/diagnosis/findings/${id}`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });
}

export function useRunDiagnosis() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RunDiagnosisRequest) => api.post<RunResult>('/diagnosis/run', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });
}

/** Members to assign to (needs users.read; else only "me"). */
export function useAssignees(enabled: boolean) {
  return useQuery({
    queryKey: ['users', 'assignees'],
    queryFn: ({ signal }) =>
      api.get<Page<{ id: string; username: string; displayName: string; status: string }>>('/users', { pageSize: 200 }, signal),
    enabled,
  });
}
