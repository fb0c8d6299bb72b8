import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { AuditEntry, AuditRequest, Page } from '@yunying/core';
import { api } from '../../api/client';

/** The actions the foundation records (docs/api.md); others are shown by their raw code. */
export const KNOWN_AUDIT_ACTIONS = [
  'user.create',
  'user.update',
  'user.reset_password',
  'user.password_change',
  'role.create',
  'role.update',
  'role.delete',
  'shop.create',
  'shop.update',
  'token.create',
  'token.revoke',
  'auth.login',
  'auth.login_failed',
  'auth.logout',
] as const;

export const KNOWN_ENTITY_TYPES = ['user', 'role', 'shop', 'api_token'] as const;

export function useAudit(params: AuditRequest) {
  return useQuery({
    queryKey: ['audit', params],
    queryFn: ({ signal }) => api.get<Page<AuditEntry>>('/audit', { ...params }, signal),
    placeholderData: keepPreviousData,
  });
}
