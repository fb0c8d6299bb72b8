import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  CollectKeyRequest,
  RuleField,
  RuleOp,
  RuleTestRequest,
  SourceFamily,
  SourceGroupCode,
  SourceRuleRequest,
  TrafficSourceRequest,
  UpdateSourceRuleRequest,
  UpdateTrafficSourceRequest,
} from '@yunying/core';
import { api } from '../../api/client';

export { RULE_FIELDS, RULE_OPS, type RuleField, type RuleOp } from '@yunying/core';

export interface TrafficSource {
  id: string;
  code: string;
  name: string;
  builtin: boolean;
  sort: number;
}
export interface SourceGroup {
  code: SourceGroupCode;
  name: string;
  children: TrafficSource[];
}
export interface SourceRule {
  id: string;
  priority: number;
  field: RuleField;
  op: RuleOp;
  pattern: string;
  sourceCode: string;
  enabled: boolean;
}
export type RuleInput = SourceRuleRequest;
export interface CollectKey {
  id: string;
  shopId: string;
  key: string;
  allowedOrigins: string[];
  createdAt: number;
  revokedAt: number | null;
}

const trafficKey = ['traffic'] as const;
const sourcesKey = [...trafficKey, 'sources'] as const;
const rulesKey = [...trafficKey, 'rules'] as const;
const keysKey = [...trafficKey, 'keys'] as const;

/** The source tree: one channel's (`family`), or every source when absent. */
export function useSources(family?: SourceFamily) {
  return useQuery({
    queryKey: [...sourcesKey, family ?? 'all'],
    queryFn: ({ signal }) =>
      api.get<{ groups: SourceGroup[] }>('/traffic/sources', family ? { family } : undefined, signal).then((r) => r.groups),
  });
}

export function useRules() {
  return useQuery({
    queryKey: rulesKey,
    queryFn: ({ signal }) => api.get<{ items: SourceRule[] }>('/traffic/rules', undefined, signal).then((r) => r.items),
  });
}

function useInvalidate(...keys: (readonly string[])[]) {
  const qc = useQueryClient();
  // Source and rule edits change how visits are classified, so analytics answers are stale too.
  return () => Promise.all([...keys, ['analytics']].map((k) => qc.invalidateQueries({ queryKey: k })));
}

export function useCreateSource() {
  const invalidate = useInvalidate(sourcesKey);
  return useMutation({
    mutationFn: (body: TrafficSourceRequest) => api.post<TrafficSource>('/traffic/sources', body),
    onSuccess: invalidate,
  });
}

export function useUpdateSource() {
  const invalidate = useInvalidate(sourcesKey);
  return useMutation({
    mutationFn: ({ id, ...body }: UpdateTrafficSourceRequest & { id: string }) =>
      api.patch<TrafficSource>(`/traffic/sources/${encodeURIComponent(id)}`, body),
    onSuccess: invalidate,
  });
}

export function useDeleteSource() {
  const invalidate = useInvalidate(sourcesKey);
  return useMutation({
    mutationFn: (id: string) => api.delete(`/traffic/sources/${encodeURIComponent(id)}`),
    onSuccess: invalidate,
  });
}

export function useCreateRule() {
  const invalidate = useInvalidate(rulesKey);
  return useMutation({
    mutationFn: (body: SourceRuleRequest) => api.post<SourceRule>('/traffic/rules', body),
    onSuccess: invalidate,
  });
}

export function useUpdateRule() {
  const invalidate = useInvalidate(rulesKey);
  return useMutation({
    mutationFn: ({ id, ...body }: UpdateSourceRuleRequest & { id: string }) =>
      api.patch<SourceRule>(`/traffic/rules/${encodeURIComponent(id)}`, body),
    onSuccess: invalidate,
  });
}

/** Swap the priorities of two rules (move one up or down). */
export function useSwapRules() {
  const invalidate = useInvalidate(rulesKey);
  return useMutation({
    mutationFn: async ({ a, b }: { a: SourceRule; b: SourceRule }) => {
      // Equal priorities would not reorder anything: give the moving rule a distinct one.
      const aNext = a.priority === b.priority ? (a.priority > 0 ? b.priority - 1 : b.priority + 1) : b.priority;
      await api.patch(`/traffic/rules/${encodeURIComponent(a.id)}`, { priority: aNext });
      if (a.priority !== b.priority) await api.patch(`/traffic/rules/${encodeURIComponent(b.id)}`, { priority: a.priority });
    },
    onSettled: invalidate,
  });
}

export function useDeleteRule() {
  const invalidate = useInvalidate(rulesKey);
  return useMutation({
    mutationFn: (id: string) => api.delete(`/traffic/rules/${encodeURIComponent(id)}`),
    onSuccess: invalidate,
  });
}

export function useTestRule() {
  return useMutation({
    mutationFn: (body: RuleTestRequest) => api.post<{ sourceCode: string; ruleId: string | null }>('/traffic/rules/test', body),
  });
}

export function useKeys(shopId: string | undefined) {
  return useQuery({
    queryKey: [...keysKey, shopId ?? 'all'],
    queryFn: ({ signal }) => api.get<{ items: CollectKey[] }>('/traffic/keys', { shopId }, signal).then((r) => r.items),
  });
}

export function useCreateKey() {
  const invalidate = useInvalidate(keysKey);
  return useMutation({
    mutationFn: (body: CollectKeyRequest) => api.post<CollectKey>('/traffic/keys', body),
    onSuccess: invalidate,
  });
}

export function useRevokeKey() {
  const invalidate = useInvalidate(keysKey);
  return useMutation({
    mutationFn: (id: string) => api.delete(`/traffic/keys/${encodeURIComponent(id)}`),
    onSuccess: invalidate,
  });
}
