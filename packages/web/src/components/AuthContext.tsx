import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { MeResponse } from '@yunying/core';

export interface AuthValue {
  me: MeResponse;
  can: (permission: string) => boolean;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ me, children }: { me: MeResponse; children: ReactNode }) {
  const value = useMemo<AuthValue>(() => {
    const set = new Set(me.user.permissions);
    return { me, can: (p) => set.has(p) };
  }, [me]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** The signed-in user; only usable inside the authenticated layout. */
export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}
