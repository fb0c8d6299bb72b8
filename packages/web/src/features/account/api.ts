import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { EmailPrefsDto, EmailPrefsRequest, NotificationEmailDto } from '@yunying/core';
import { api } from '../../api/client';

const prefsKey = ['notifications', 'email-prefs'] as const;
const emailsKey = ['notifications', 'emails'] as const;

/** The user's own notification-email opt-ins (中差评, 早报), their address and whether SMTP is set up. */
export function useEmailPrefs() {
  return useQuery({
    queryKey: prefsKey,
    queryFn: ({ signal }) => api.get<EmailPrefsDto>('/notifications/email-prefs', undefined, signal),
  });
}

export function useSetEmailPrefs() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: EmailPrefsRequest) => api.post<EmailPrefsDto>('/notifications/email-prefs', body),
    onSuccess: (data) => qc.setQueryData(prefsKey, data),
  });
}

/** The user's latest notification emails and their state (sent, retrying, failed, 状态不明). */
export function useMyNotificationEmails() {
  return useQuery({
    queryKey: emailsKey,
    queryFn: ({ signal }) => api.get<{ items: NotificationEmailDto[] }>('/notifications/emails', undefined, signal),
  });
}
