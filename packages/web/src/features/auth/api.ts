import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChangePasswordRequest, LoginRequest, MeResponse, PreferencesRequest } from '@yunying/core';
import { api, setCsrfToken } from '../../api/client';

export const meKey = ['auth', 'me'] as const;

export async function fetchMe(): Promise<MeResponse> {
  const me = await api.get<MeResponse>('/auth/me');
  setCsrfToken(me.csrfToken);
  return me;
}

export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: fetchMe, retry: false, staleTime: 60_000 });
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginRequest) => api.post<MeResponse>('/auth/login', body),
    onSuccess: (me) => {
      setCsrfToken(me.csrfToken);
      qc.clear();
      qc.setQueryData(meKey, me);
    },
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<void>('/auth/logout'),
    onSettled: () => {
      setCsrfToken(null);
      qc.clear();
    },
  });
}

/** The user's own display preferences (the colour of a rise); the console re-reads /auth/me after. */
export function useSetPreferences() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: PreferencesRequest) => api.patch<PreferencesRequest>('/auth/preferences', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: meKey }),
  });
}

export function useChangePassword() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ChangePasswordRequest) => api.post<void>('/auth/password', body),
    // The server may rotate the session (and its CSRF token) on a password change.
    onSuccess: () => qc.invalidateQueries({ queryKey: meKey }),
  });
}
