import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  ChecklistDay,
  ChecklistHistoryDay,
  ChecklistItemDto,
  ChecklistTickRequest,
  MorningDigest,
  CreateChecklistItemRequest,
  CreatePlanRequest,
  CreateTaskRequest,
  Page,
  PlanDetail,
  PlanStepRequest,
  PlanSummary,
  TaskBatchRequest,
  TaskDto,
  TaskListRequest,
  UpdateChecklistItemRequest,
  UpdatePlanStepRequest,
  UpdateTaskRequest,
} from '@yunying/core';
import { api, type QueryValue } from '../../api/client';

export const tasksKey = ['tasks'] as const;
export const checklistsKey = ['checklists'] as const;
export const plansKey = ['plans'] as const;

export function useTasks(query: TaskListRequest, enabled = true) {
  return useQuery({
    queryKey: [...tasksKey, 'list', query],
    queryFn: ({ signal }) => api.get<Page<TaskDto>>('/tasks', query as Record<string, QueryValue>, signal),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useAssignees() {
  return useQuery({
    queryKey: [...tasksKey, 'assignees'],
    queryFn: ({ signal }) => api.get<{ id: string; displayName: string }[]>('/tasks/assignees', undefined, signal),
    staleTime: 60_000,
  });
}

export function useCreateTask() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateTaskRequest) => api.post<TaskDto>('/tasks', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: tasksKey }),
  });
}

export function useUpdateTask() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: UpdateTaskRequest & { id: string }) => api.patch<TaskDto>(`/tasks/${encodeURIComponent(id)}`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: tasksKey }),
  });
}

export function useDeleteTask() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/tasks/${encodeURIComponent(id)}`),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: tasksKey });
      void qc.invalidateQueries({ queryKey: plansKey });
    },
  });
}

export function useBatchTasks() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TaskBatchRequest) => api.post<{ updated: number }>('/tasks/batch', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: tasksKey }),
  });
}

// Self-checks

export function useChecklistDay(day: string | undefined) {
  return useQuery({
    queryKey: [...checklistsKey, 'day', day ?? 'today'],
    queryFn: ({ signal }) => api.get<ChecklistDay>('/checklists/today', day ? { day } : undefined, signal),
  });
}

export function useTick() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ChecklistTickRequest) => api.post<ChecklistDay>('/checklists/ticks', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: checklistsKey }),
  });
}

export function useChecklistHistory(from: string, to: string) {
  return useQuery({
    queryKey: [...checklistsKey, 'history', from, to],
    queryFn: ({ signal }) => api.get<ChecklistHistoryDay[]>('/checklists/history', { from, to }, signal),
  });
}

export function useChecklistItems(enabled: boolean) {
  return useQuery({
    queryKey: [...checklistsKey, 'items'],
    queryFn: ({ signal }) => api.get<ChecklistItemDto[]>('/checklists/items', undefined, signal),
    enabled,
  });
}

export function useCreateChecklistItem() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateChecklistItemRequest) => api.post<ChecklistItemDto>('/checklists/items', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: checklistsKey }),
  });
}

export function useUpdateChecklistItem() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: UpdateChecklistItemRequest & { id: string }) =>
      api.patch<ChecklistItemDto>(`/checklists/items/${encodeURIComponent(id)}`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: checklistsKey }),
  });
}

// Activity plans

export function usePlans(shopId: string | undefined) {
  return useQuery({
    queryKey: [...plansKey, 'list', shopId ?? ''],
    queryFn: ({ signal }) => api.get<PlanSummary[]>('/plans', shopId ? { shopId } : undefined, signal),
  });
}

export function usePlan(id: string) {
  return useQuery({
    queryKey: [...plansKey, 'detail', id],
    queryFn: ({ signal }) => api.get<PlanDetail>(`/plans/${encodeURIComponent(id)}`, undefined, signal),
  });
}

export function useCreatePlan() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreatePlanRequest) => api.post<PlanDetail>('/plans', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: plansKey }),
  });
}

export function useAddStep(planId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: PlanStepRequest) => api.post<PlanDetail>(`/plans/${encodeURIComponent(planId)}/steps`, body),
    onSuccess: (data) => {
      qc.setQueryData([...plansKey, 'detail', planId], data);
      void qc.invalidateQueries({ queryKey: tasksKey });
    },
  });
}

export function useUpdateStep(planId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ stepId, ...body }: UpdatePlanStepRequest & { stepId: string }) =>
      api.patch<PlanDetail>(`/plans/${encodeURIComponent(planId)}/steps/${encodeURIComponent(stepId)}`, body),
    onSuccess: (data) => {
      qc.setQueryData([...plansKey, 'detail', planId], data);
      void qc.invalidateQueries({ queryKey: tasksKey });
    },
  });
}

export function useDigest() {
  return useQuery({
    queryKey: [...tasksKey, 'digest'],
    queryFn: ({ signal }) => api.get<MorningDigest>('/digest', undefined, signal),
    staleTime: 60_000,
  });
}
