import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { QaSampleRequest, QaScoreRequest, ServiceSettingsRequest } from '@yunying/core';
import { api, request } from '../../api/client';

export interface AgentFigures {
  agent: string | null;
  enquiries: number;
  buyers: number;
  convertedBuyers: number;
  conversion: number | null;
  convertedPaidFen: number;
  convertedAovFen: number | null;
  answered: number;
  avgFirstResponseS: number | null;
  within30s: number | null;
  avgResolutionS: number | null;
  qaAvg?: number | null;
  qaScored?: number;
}
export interface FiguresResponse {
  shopId: string;
  from: string;
  to: string;
  conversionDays: number;
  shop: AgentFigures;
  agents: AgentFigures[];
}
export interface ServiceSettings {
  shopId: string;
  conversionDays: number;
  ahtSeconds: number;
  target: number;
  withinSeconds: number;
  shrinkage: number;
}
export interface ChatImportSummary {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: number;
  errorRows: { rowNo: number; column: string; value: string; reason: string }[];
}
export interface HourPlan {
  hour: number;
  historyPerHour: number;
  perHour: number;
  load: number;
  agents: number;
  pWait: number;
  serviceLevel: number;
  asaSeconds: number;
  occupancy: number;
  scheduled: number;
}
export interface StaffingPlan {
  day: string;
  history: { from: string; to: string; days: number; enquiries: number };
  multiplier: number;
  ahtSeconds: number;
  target: number;
  withinSeconds: number;
  shrinkage: number;
  hours: HourPlan[];
  totals: { enquiries: number; agentHours: number; scheduledHours: number; peakHour: number; peakAgents: number; peakScheduled: number };
  peakOneFewer: { pWait: number; serviceLevel: number; asaSeconds: number | null; occupancy: number } | null;
}
export interface QaItem {
  id: string;
  chat: {
    id: string;
    chatKey: string;
    agent: string;
    customer: string;
    startedAt: number;
    firstResponseS: number | null;
    messages: number;
    endedAt: number | null;
    orderNo: string;
  };
  score: number | null;
  note: string;
  reviewer: string;
  scoredAt: number | null;
}

const key = ['service'] as const;

export function useFigures(shopId: string | null, from: string, to: string) {
  return useQuery({
    queryKey: [...key, 'figures', shopId, from, to],
    queryFn: ({ signal }) => api.get<FiguresResponse>('/service/figures', { shopId: shopId!, from, to }, signal),
    enabled: !!shopId,
    placeholderData: keepPreviousData,
  });
}
export function useSettings(shopId: string | null) {
  return useQuery({
    queryKey: [...key, 'settings', shopId],
    queryFn: ({ signal }) => api.get<ServiceSettings>('/service/settings', { shopId: shopId! }, signal),
    enabled: !!shopId,
  });
}
/** The plan's query (the numbers the page holds; the server coerces and checks them). */
export interface StaffingPlanParams {
  shopId: string;
  day: string;
  historyDays: number;
  multiplier: number;
  ahtSeconds: number;
  target: number;
  withinSeconds: number;
  shrinkage: number;
}
export function useStaffing(q: StaffingPlanParams | null) {
  return useQuery({
    queryKey: [...key, 'staffing', q],
    queryFn: ({ signal }) => api.get<StaffingPlan>('/service/staffing', { ...q! }, signal),
    enabled: !!q,
    placeholderData: keepPreviousData,
  });
}
export function useQa(shopId: string | null, pending: boolean) {
  return useQuery({
    queryKey: [...key, 'qa', shopId, pending],
    queryFn: ({ signal }) => api.get<{ items: QaItem[] }>('/service/qa', { shopId: shopId!, pending: pending ? '1' : undefined }, signal),
    enabled: !!shopId,
  });
}
function useInvalidate() {
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ queryKey: key });
}
export function useImportChats() {
  const done = useInvalidate();
  return useMutation({ mutationFn: (form: FormData) => api.upload<ChatImportSummary>('/service/chats/import', form), onSuccess: done });
}
export function useSaveSettings() {
  const done = useInvalidate();
  return useMutation({
    mutationFn: (b: ServiceSettingsRequest) => request<ServiceSettings>('PUT', '/service/settings', { body: b }),
    onSuccess: done,
  });
}
export function useSampleQa() {
  const done = useInvalidate();
  return useMutation({
    mutationFn: (b: QaSampleRequest) => api.post<{ sampled: number; agents: number }>('/service/qa/sample', b),
    onSuccess: done,
  });
}
export function useScoreQa() {
  const done = useInvalidate();
  return useMutation({
    mutationFn: ({ id, ...b }: QaScoreRequest & { id: string }) => request('PUT', `/service/qa/${id}`, { body: b }),
    onSuccess: done,
  });
}
