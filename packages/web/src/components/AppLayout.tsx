import { useEffect, useState } from 'react';
import { Layout, Menu, Space, Typography, theme, type MenuProps } from 'antd';
import { AppstoreOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Outlet, useLocation } from 'react-router';
import { isApiError } from '../api/client';
import { useMe } from '../features/auth/api';
import { AuthProvider, useAuth } from './AuthContext';
import { ShopProvider } from './ShopContext';
import { ShopSwitcher } from './ShopSwitcher';
import { LangSwitch } from './LangSwitch';
import { NotificationBell } from './NotificationBell';
import { UserMenu } from './UserMenu';
import { Loading, QueryError } from './QueryState';
import { navGroups, type NavItem } from '../modules';

const { Header, Sider, Content } = Layout;

/** The authenticated part of the app: loads /auth/me, sends anonymous visitors to /login. */
export function ProtectedLayout() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Loading />;
  if (me.isError) {
    if (isApiError(me.error) && me.error.status === 401) {
      const next = location.pathname + location.search;
      const to = next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
      return <Navigate to={to} replace />;
    }
    return <QueryError error={me.error} onRetry={() => void me.refetch()} />;
  }
  return (
    <AuthProvider me={me.data}>
      <ShopProvider shops={me.data.shops}>
        <AppLayout />
      </ShopProvider>
    </AuthProvider>
  );
}

function SideMenu() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const location = useLocation();
  // With analytics the home page is 工作台 (its own menu entry); the plain overview is for the rest.
  const items: MenuProps['items'] = can('analytics.read')
    ? []
    : [
        {
          key: '/',
          icon: <AppstoreOutlined />,
          label: <Link to="/">{t('nav.home')}</Link>,
          'data-testid': 'menu-home',
        },
      ];
  const allItems: NavItem[] = [];
  for (const group of navGroups()) {
    const visible = group.items.filter((p) => can(p.permission));
    if (visible.length === 0) continue;
    allItems.push(...visible);
    items.push({
      type: 'group',
      key: group.key,
      label: <span data-testid={`menu-group-${group.key}`}>{t(group.labelKey)}</span>,
      children: visible.map((p) => ({
        key: p.path,
        icon: p.icon,
        label: <Link to={p.path}>{t(p.labelKey)}</Link>,
        'data-testid': `menu-${p.key}`,
      })),
    });
  }
  // The longest matching path wins, so /orders/abc selects 订单列表 rather than nothing.
  const selected =
    allItems
      .filter((p) => location.pathname === p.path || location.pathname.startsWith(`${p.path}/`))
      .sort((a, b) => b.path.length - a.path.length)[0]?.path ?? location.pathname;
  return <Menu mode="inline" selectedKeys={[selected]} items={items} style={{ borderInlineEnd: 0 }} />;
}

/** A new page opens at its top (the browser keeps the old scroll position on client-side navigation). */
function ScrollToTop() {
  const { pathname } = useLocation();
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [pathname]);
  return null;
}

function AppLayout() {
  const { t } = useTranslation();
  const [collapsed, setCollapsed] = useState(false);
  const { token } = theme.useToken();
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider
        width={216}
        theme="light"
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        breakpoint="lg"
        // Fixed beside the page (Ant Design Pro's habit): the menu scrolls on its own, the page on its own.
        style={{
          borderInlineEnd: `1px solid ${token.colorBorderSecondary}`,
          position: 'sticky',
          top: 0,
          height: '100vh',
          overflowY: 'auto',
          overflowX: 'hidden',
        }}
        data-testid="app-sider"
      >
        <Link
          to="/"
          style={{
            display: 'flex',
            alignItems: 'center',
            gap: 8,
            height: 56,
            paddingInline: collapsed ? 0 : 24,
            justifyContent: collapsed ? 'center' : 'flex-start',
          }}
          data-testid="app-brand"
        >
          <span
            style={{
              width: 28,
              height: 28,
              borderRadius: 6,
              background: token.colorPrimary,
              color: '#fff',
              display: 'inline-flex',
              alignItems: 'center',
              justifyContent: 'center',
              fontWeight: 600,
              flex: 'none',
            }}
          >
            Y
          </span>
          {collapsed ? null : (
            <Typography.Text strong style={{ fontSize: 16 }}>
              {t('app.name')}
            </Typography.Text>
          )}
        </Link>
        <SideMenu />
        {/* The collapse trigger is pinned to the window's bottom: room so the last menu item can scroll clear of it. */}
        <div style={{ height: 56 }} aria-hidden />
      </Sider>
      <Layout style={{ minWidth: 0 }}>
        <Header
          style={{
            background: token.colorBgContainer,
            borderBottom: `1px solid ${token.colorBorderSecondary}`,
            paddingInline: 24,
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'flex-end',
            height: 56,
            position: 'sticky',
            top: 0,
            zIndex: 10,
          }}
        >
          <Space size="middle">
            <ShopSwitcher />
            <NotificationBell />
            <LangSwitch />
            <UserMenu />
          </Space>
        </Header>
        <Content style={{ padding: 24, minWidth: 0 }}>
          <ScrollToTop />
          <Outlet />
        </Content>
      </Layout>
    </Layout>
  );
}
