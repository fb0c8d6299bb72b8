import { Route, Routes } from 'react-router';
import { NotFoundResult, RequirePermission } from './components/Guards';
import { Lazy } from './components/Loading';
import { MODULES } from './modules';
import { lazyPage } from './modules/lazyPage';

// Loaded after the login (App.tsx): the shell and the module registry; each page on first visit.
const ProtectedLayout = lazyPage(() => import('./components/AppLayout'), 'ProtectedLayout');
const HomePage = lazyPage(() => import('./features/home/HomePage'), 'HomePage');
const AccountPage = lazyPage(() => import('./features/account/AccountPage'), 'AccountPage');

/** Every route behind the login, under the shell (menu, header, breadcrumbs). */
export function ProtectedApp() {
  return (
    <Routes>
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
