import { useCallback } from 'react';
import { App, type FormInstance } from 'antd';
import { errorDetail, isApiError } from '../api/client';

/**
 * Shows a failed request to the user: the server's `detail` as a message, and its field `errors`
 * on the matching form fields (`roleIds.0` lands on `roleIds`).
 */
export function useApiError(): (error: unknown, form?: FormInstance) => void {
  const { message } = App.useApp();
  return useCallback(
    (error: unknown, form?: FormInstance) => {
      if (form && isApiError(error) && error.errors.length > 0) {
        const registered = new Set(Object.keys(form.getFieldsValue() as Record<string, unknown>));
        const byField = new Map<string, string[]>();
        for (const fe of error.errors) {
          const top = fe.path.split('.')[0] ?? '';
          if (!registered.has(top)) continue;
          byField.set(top, [...(byField.get(top) ?? []), fe.message]);
        }
        if (byField.size > 0) {
          form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
        }
      }
      void message.error(errorDetail(error));
    },
    [message],
  );
}
