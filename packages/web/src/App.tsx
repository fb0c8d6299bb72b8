import { useEffect, type ReactNode } from 'react';
import { App as AntdApp, ConfigProvider } from 'antd';
import zhCNLocale from 'antd/locale/zh_CN';
import enUSLocale from 'antd/locale/en_US';
import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Route, Routes, useNavigate } from 'react-router';
import { isApiError, setUnauthorizedHandler } from './api/client';
import { Lazy } from './components/Loading';
import { LoginPage } from './features/auth/LoginPage';
import { lazyPage } from './modules/lazyPage';

// Split by route: the login page loads only itself and antd's form; everything behind the login
// (the shell, the module registry, each page) loads on first visit (ProtectedApp.tsx).
const ProtectedApp = lazyPage(() => import('./ProtectedApp'), 'ProtectedApp');

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Retry only what may be transient (network, 5xx); a 4xx answer will not change.
      retry: (count, error) => count < 2 && (!isApiError(error) || error.status === 0 || error.status >= 500),
      refetchOnWindowFocus: false,
      staleTime: 15_000,
    },
    mutations: { retry: false },
  },
});

/** When a non-auth call finds the session gone, drop cached data and go to the login page. */
function UnauthorizedRedirect() {
  const navigate = useNavigate();
  const qc = useQueryClient();
  useEffect(() => {
    setUnauthorizedHandler(() => {
      qc.clear();
      const next = window.location.pathname + window.location.search;
      void navigate(next === '/' || next.startsWith('/login') ? '/login' : `/login?next=${encodeURIComponent(next)}`, {
        replace: true,
      });
    });
    return () => setUnauthorizedHandler(null);
  }, [navigate, qc]);
  return null;
}

function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        path="/*"
        element={
          <Lazy>
            <ProtectedApp />
          </Lazy>
        }
      />
    </Routes>
  );
}

/** antd follows the UI language: its own texts (pagination, pickers, empty states) switch with it. */
function LocalizedAntd({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider locale={i18n.language === 'en' ? enUSLocale : zhCNLocale}>
      <AntdApp>{children}</AntdApp>
    </ConfigProvider>
  );
}

export function AppRoot() {
  return (
    <QueryClientProvider client={queryClient}>
      <LocalizedAntd>
        <BrowserRouter>
          <UnauthorizedRedirect />
          <AppRoutes />
        </BrowserRouter>
      </LocalizedAntd>
    </QueryClientProvider>
  );
}
