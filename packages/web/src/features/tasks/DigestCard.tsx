import { Card, Flex, List, Statistic, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatMoney, formatPercent, NO_VALUE } from '../../components/format';
import { QueryError } from '../../components/QueryState';
import { useDigest } from './api';

/** 早报: the user's open tasks, today's checks, each shop's month pace and the top findings. */
export function DigestCard() {
  const { t } = useTranslation();
  const q = useDigest();
  if (q.isError) return <QueryError error={q.error} onRetry={() => void q.refetch()} />;
  const d = q.data;
  return (
    <Card title={t('team.digest.title')} loading={q.isLoading} style={{ marginBottom: 16 }} data-testid="digest">
      {d ? (
        <Flex gap={24} wrap>
          <div style={{ flex: '1 1 260px', minWidth: 0 }}>
            <Flex gap={24}>
              <Statistic title={t('team.digest.open')} value={d.tasks.open} />
              <Statistic
                title={t('team.digest.overdue')}
                value={d.tasks.overdue}
                valueStyle={d.tasks.overdue ? { color: '#cf1322' } : undefined}
              />
              <Statistic title={t('team.digest.dueToday')} value={d.tasks.dueToday} />
            </Flex>
            <List
              size="small"
              dataSource={d.tasks.top}
              locale={{ emptyText: t('team.digest.noTasks') }}
              renderItem={(task) => (
                <List.Item>
                  <Link to="/tasks">{task.title}</Link>
                  {task.overdue ? <Tag color="red">{t('team.tasks.overdue')}</Tag> : task.dueOn ? <Tag>{task.dueOn}</Tag> : null}
                </List.Item>
              )}
            />
          </div>
          <div style={{ flex: '1 1 260px', minWidth: 0 }}>
            <Typography.Text type="secondary">{t('team.digest.targets')}</Typography.Text>
            {d.targets.length ? (
              d.targets.map((x) => (
                <div key={x.shopId} style={{ marginTop: 6 }}>
                  <Link to="/targets">{x.shopName}</Link>：{formatMoney(x.actualFen)} / {formatMoney(x.salesFen)}，{t('team.digest.pace')}{' '}
                  <Typography.Text strong style={{ color: x.ratio !== null && x.ratio < 1 ? '#cf1322' : undefined }}>
                    {x.ratio === null ? NO_VALUE : formatPercent(x.ratio, 1)}
                  </Typography.Text>
                </div>
              ))
            ) : (
              <div style={{ marginTop: 6 }}>
                <Typography.Text type="secondary">{t('team.digest.noTargets')}</Typography.Text>
              </div>
            )}
          </div>
          <div style={{ flex: '1 1 300px', minWidth: 0 }}>
            <Typography.Text type="secondary">{t('team.digest.findings')}</Typography.Text>
            {d.findings.length ? (
              d.findings.map((f) => (
                <div key={f.id} style={{ marginTop: 6 }}>
                  <Link to={f.path}>{f.summary}</Link>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {' '}
                    {f.shopName} · {t('team.digest.atStake', { v: formatMoney(f.moneyAtStakeFen) })}
                  </Typography.Text>
                </div>
              ))
            ) : (
              <div style={{ marginTop: 6 }}>
                <Typography.Text type="secondary">{t('team.digest.noFindings')}</Typography.Text>
              </div>
            )}
          </div>
        </Flex>
      ) : null}
    </Card>
  );
}
