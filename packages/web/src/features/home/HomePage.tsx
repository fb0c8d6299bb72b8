import { Card, Col, Descriptions, Empty, List, Row, Space, Tag, Typography } from 'antd';
import { ShopOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import { useAuth } from '../../components/AuthContext';
import { useLabels } from '../../components/labels';
import { SETTINGS_PAGES } from '../../components/navigation';
import { PageContainer } from '../../components/PageContainer';
import { useShop } from '../../components/ShopContext';

/** Users who may read analytics land on the 工作台 dashboard; everyone else on the overview. */
export function HomePage() {
  const { can } = useAuth();
  if (!can('analytics.read')) return <OverviewPage />;
  return <Navigate to="/dashboard" replace />;
}

function OverviewPage() {
  const { t } = useTranslation();
  const labels = useLabels();
  const { me, can } = useAuth();
  const { shopId, setShopId } = useShop();
  const { user, shops } = me;
  const links = [
    ...SETTINGS_PAGES.filter((p) => can(p.permission)).map((p) => ({
      path: p.path,
      icon: p.icon,
      title: t(`nav.${p.key}`),
      description: t(`home.links.${p.key}`),
    })),
    { path: '/account', icon: <UserOutlined />, title: t('nav.account'), description: t('home.links.account') },
  ];

  return (
    <PageContainer title={t('nav.home')} bare>
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <Card>
          <Typography.Title level={4} style={{ marginTop: 0 }} data-testid="home-greeting">
            {t('home.greeting', { name: user.displayName })}
          </Typography.Title>
          <Descriptions column={{ xs: 1, md: 2 }} size="small">
            <Descriptions.Item label={t('account.username')}>{user.username}</Descriptions.Item>
            <Descriptions.Item label={t('home.roles')}>
              <span data-testid="home-roles">
                {user.roles.length === 0
                  ? t('common.none')
                  : user.roles.map((r) => (
                      <Tag key={r.id} color="blue">
                        {labels.role(r)}
                      </Tag>
                    ))}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('home.permissions')}>
              {t('home.permissionCount', { count: user.permissions.length })}
            </Descriptions.Item>
          </Descriptions>
        </Card>

        <Card
          title={t('home.shops')}
          extra={user.allShops ? <Typography.Text type="secondary">{t('home.allShopsHint')}</Typography.Text> : null}
        >
          {shops.length === 0 ? (
            <Empty description={t('home.noShops')} data-testid="home-no-shops">
              <Typography.Text type="secondary">{t('home.noShopsHint')}</Typography.Text>
            </Empty>
          ) : (
            <Row gutter={[16, 16]} data-testid="home-shops">
              {shops.map((s) => (
                <Col key={s.id} xs={24} sm={12} lg={8} xl={6}>
                  <Card
                    size="small"
                    hoverable
                    onClick={() => setShopId(s.id)}
                    style={shopId === s.id ? { borderColor: '#1677ff' } : undefined}
                    data-testid={`home-shop-${s.id}`}
                  >
                    <Space orientation="vertical" size={4} style={{ width: '100%' }}>
                      <Space>
                        <ShopOutlined />
                        <Typography.Text strong>{s.name}</Typography.Text>
                        {s.status === 'archived' ? <Tag>{t('status.archived')}</Tag> : null}
                      </Space>
                      <Typography.Text type="secondary">
                        {t('home.channel')}: {labels.channel(s.channel)}
                      </Typography.Text>
                      <Typography.Text type="secondary">
                        {t('home.timezone')}: {s.timezone}
                      </Typography.Text>
                    </Space>
                  </Card>
                </Col>
              ))}
            </Row>
          )}
        </Card>

        <Card title={t('home.settings')}>
          {links.length === 1 ? <Typography.Paragraph type="secondary">{t('home.noSettings')}</Typography.Paragraph> : null}
          <List
            grid={{ gutter: 16, xs: 1, sm: 2, lg: 3 }}
            dataSource={links}
            renderItem={(l) => (
              <List.Item>
                <Link to={l.path} style={{ display: 'block' }} data-testid={`home-link-${l.path.replace(/^\//, '').replace(/\//g, '-')}`}>
                  <Card size="small" hoverable>
                    <Card.Meta avatar={l.icon} title={l.title} description={l.description} />
                  </Card>
                </Link>
              </List.Item>
            )}
          />
        </Card>
      </Space>
    </PageContainer>
  );
}
