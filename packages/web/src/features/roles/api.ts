import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Role, RoleRequest, UpdateRoleRequest } from '@yunying/core';
import { api } from '../../api/client';
import { meKey } from '../auth/api';

export const rolesKey = ['roles'] as const;

export function useRoles(enabled = true) {
  return useQuery({
    queryKey: rolesKey,
    queryFn: ({ signal }) => api.get<{ items: Role[] }>('/roles', undefined, signal).then((r) => r.items),
    enabled,
  });
}

function useInvalidateRoles() {
  const qc = useQueryClient();
  return () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: rolesKey }),
      // The signed-in user's own permissions may have changed, and user lists show role names.
      qc.invalidateQueries({ queryKey: meKey }),
      qc.invalidateQueries({ queryKey: ['users'] }),
    ]);
}

export function useCreateRole() {
  const invalidate = useInvalidateRoles();
  return useMutation({
    mutationFn: (body: RoleRequest) => api.post<Role>('/roles', body),
    onSuccess: invalidate,
  });
}

export function useUpdateRole() {
  const invalidate = useInvalidateRoles();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateRoleRequest }) => api.patch<Role>(`/roles/${encodeURIComponent(id)}`, body),
    onSuccess: invalidate,
  });
}

/** Saves the permissions of several roles, one PATCH per role; reports each result. */
export function useSaveRolePermissions() {
  const invalidate = useInvalidateRoles();
  return useMutation({
    mutationFn: async (changes: { id: string; permissions: string[] }[]) => {
      const results = await Promise.allSettled(
        changes.map((c) =>
          api.patch<Role>(`/roles/${encodeURIComponent(c.id)}`, { permissions: c.permissions } satisfies UpdateRoleRequest),
        ),
      );
      return changes.map((c, i) => ({ id: c.id, result: results[i]! }));
    },
    onSettled: invalidate,
  });
}

export function useDeleteRole() {
  const invalidate = useInvalidateRoles();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/roles/${encodeURIComponent(id)}`),
    onSuccess: invalidate,
  });
}
