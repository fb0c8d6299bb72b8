import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreateUserRequest, Page, ResetPasswordRequest, UpdateUserRequest, User, UserListRequest } from '@yunying/core';
import { api } from '../../api/client';

export type CreateUserInput = CreateUserRequest;
export type UpdateUserInput = UpdateUserRequest;

export const usersKey = ['users'] as const;

export function useUsers(params: UserListRequest) {
  return useQuery({
    queryKey: [...usersKey, 'list', params],
    queryFn: ({ signal }) => api.get<Page<User>>('/users', { ...params }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useCreateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateUserInput) => api.post<User>('/users', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: usersKey }),
  });
}

export function useUpdateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateUserInput }) => api.patch<User>(`/users/${encodeURIComponent(id)}`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: usersKey }),
  });
}

export function useResetPassword() {
  return useMutation({
    mutationFn: ({ id, newPassword }: ResetPasswordRequest & { id: string }) =>
      api.post<void>(`/users/${encodeURIComponent(id)}/reset-password`, { newPassword } satisfies ResetPasswordRequest),
  });
}
