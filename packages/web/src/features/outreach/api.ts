import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CampaignRequest, MessageStatus, OutreachSettingsRequest, Page } from '@yunying/core';
import { api, type QueryValue } from '../../api/client';

export type CampaignStatus = 'queued' | 'sending' | 'waiting' | 'done' | 'failed';

export interface Campaign {
  id: string;
  shopId: string;
  segmentId: string;
  segmentName: string;
  channel: 'email' | 'sms';
  subject: string;
  body: string;
  coupon: string;
  status: CampaignStatus;
  jobId: string | null;
  resumeAt: number | null;
  note: string;
  createdAt: number;
  finishedAt: number | null;
  counts: Record<MessageStatus, number>;
  total: number;
}

export interface CampaignMessage {
  id: string;
  customerId: string;
  nick: string;
  address: string;
  status: MessageStatus;
  attempts: number;
  error: string;
  sentAt: number | null;
}

export interface OutreachSettings {
  smtpHost: string;
  smtpPort: number;
  smtpSecure: boolean;
  smtpUser: string;
  smtpPassSet: boolean;
  mailFrom: string;
  smsProvider: 'log' | 'http';
  smsUrl: string;
  smsTokenSet: boolean;
  hourlyLimit: number;
  publicUrl: string;
}

const key = ['outreach'] as const;
const busy = (s: CampaignStatus) => s === 'queued' || s === 'sending';

export function useCampaigns(query: { page: number; pageSize: number; shopId?: string | undefined }) {
  return useQuery({
    queryKey: [...key, 'campaigns', query],
    queryFn: ({ signal }) => api.get<Page<Campaign>>('/outreach/campaigns', query as Record<string, QueryValue>, signal),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.items.some((c) => busy(c.status)) ? 1500 : false),
  });
}

export function useCampaign(id: string, query: { page: number; pageSize: number; status?: MessageStatus | undefined }) {
  return useQuery({
    queryKey: [...key, 'campaign', id, query],
    queryFn: ({ signal }) =>
      api.get<{ campaign: Campaign; messages: Page<CampaignMessage> }>(
        `/outreach/campaigns/${encodeURIComponent(id)}`,
        query as Record<string, QueryValue>,
        signal,
      ),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data && busy(q.state.data.campaign.status) ? 1500 : false),
  });
}

export function useCreateCampaign() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CampaignRequest) => api.post<Campaign>('/outreach/campaigns', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });
}

export function useOutreachSettings() {
  return useQuery({
    queryKey: [...key, 'settings'],
    queryFn: ({ signal }) => api.get<OutreachSettings>('/outreach/settings', undefined, signal),
  });
}

export function useSaveOutreachSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: OutreachSettingsRequest) => api.post<OutreachSettings>('/outreach/settings', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });
}
