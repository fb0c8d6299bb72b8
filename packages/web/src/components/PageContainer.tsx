import { useEffect, type ReactNode } from 'react';
import { Card, Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** The frame of every page: a title, actions on the right, and the content on a card. */
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
