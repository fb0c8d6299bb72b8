import { useEffect, type ReactNode } from 'react';
import { Breadcrumb, Card, Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { navGroups } from '../modules';

/**
 * Where the page sits in the menu: 首页 / group / menu entry, then the page itself when it is a
 * page under that entry (an order's detail under 订单列表). Built from the same nav data as the menu.
 */
function PageBreadcrumb({ title }: { title: string }) {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  let best: { group: string; path: string; label: string } | null = null;
  for (const g of navGroups()) {
    for (const item of g.items) {
      const hit = pathname === item.path || pathname.startsWith(`${item.path}/`);
      if (hit && (!best || item.path.length > best.path.length)) best = { group: t(g.labelKey), path: item.path, label: t(item.labelKey) };
    }
  }
  if (!best) return null;
  const items: { title: ReactNode }[] = [{ title: <Link to="/">{t('nav.home')}</Link> }, { title: best.group }];
  if (pathname === best.path) items.push({ title: best.label });
  else items.push({ title: <Link to={best.path}>{best.label}</Link> }, { title });
  return <Breadcrumb items={items} style={{ marginBottom: 8 }} data-testid="page-breadcrumb" />;
}

/** The frame of every page: breadcrumbs, a title, actions on the right, and the content on a card. */
export function PageContainer({
  title,
  extra,
  children,
  bare,
}: {
  title: string;
  extra?: ReactNode;
  children: ReactNode;
  /** Render the children without the surrounding card (pages made of several cards). */
  bare?: boolean;
}) {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title, t]);
  return (
    <div>
      <PageBreadcrumb title={title} />
      <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 16 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        {extra ? (
          <Flex gap={8} wrap>
            {extra}
          </Flex>
        ) : null}
      </Flex>
      {bare ? children : <Card>{children}</Card>}
    </div>
  );
}
