import { Suspense, useEffect, type ReactNode } from 'react';
import { App as AntdApp, ConfigProvider } from 'antd';
import zhCNLocale from 'antd/locale/zh_CN';
import enUSLocale from 'antd/locale/en_US';
import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Route, Routes, useNavigate } from 'react-router';
import { isApiError, setUnauthorizedHandler } from './api/client';
import { NotFoundResult, RequirePermission } from './components/Guards';
import { Loading } from './components/QueryState';
import { LoginPage } from './features/auth/LoginPage';
import { MODULES } from './modules';
import { lazyPage } from './modules/lazyPage';

// Split by route: the login page loads only itself; the shell and each page load on first visit.
const ProtectedLayout = lazyPage(() => import('./components/AppLayout'), 'ProtectedLayout');
const HomePage = lazyPage(() => import('./features/home/HomePage'), 'HomePage');
const AccountPage = lazyPage(() => import('./features/account/AccountPage'), 'AccountPage');

/** A page that may still be loading its code: the spinner shows inside the layout meanwhile. */
function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

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
        element={
          <Lazy>
            <ProtectedLayout />
          </Lazy>
        }
      >
        <Route
          index
          element={
            <Lazy>
              <HomePage />
            </Lazy>
          }
        />
        <Route
          path="account"
          element={
            <Lazy>
              <AccountPage />
            </Lazy>
          }
        />
        {MODULES.flatMap((m) => m.routes).map((r) => (
          <Route
            key={r.path}
            path={r.path}
            element={
              <RequirePermission permission={r.permission}>
                <Lazy>{r.element}</Lazy>
              </RequirePermission>
            }
          />
        ))}
        <Route path="*" element={<NotFoundResult />} />
      </Route>
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
