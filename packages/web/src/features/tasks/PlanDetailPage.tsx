import { App, Alert, Button, Card, Descriptions, Flex, Form, Input, InputNumber, Select, Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { PlanDetail, PlanStep } from '@yunying/core';
import { PageContainer } from '../../components/PageContainer';
import { Loading, QueryError } from '../../components/QueryState';
import { useAuth } from '../../components/AuthContext';
import { useApiError } from '../../components/useApiError';
import { useAddStep, usePlan, useUpdateStep } from './api';

const CRITICAL = '#cf1322';
const NORMAL = '#1677ff';

/** A Gantt chart drawn with plain boxes: one row per step, bars from its earliest start over its duration, slack hatched. */
function Gantt({ plan }: { plan: PlanDetail }) {
  const { t } = useTranslation();
  const total = Math.max(1, plan.durationDays);
  const days = Array.from({ length: total }, (_, i) => dayjs(plan.startOn).add(i, 'day'));
  const pct = (n: number) => `${(n / total) * 100}%`;
  const labelW = 200;
  return (
    <div data-testid="gantt" style={{ overflowX: 'auto' }}>
      <div style={{ minWidth: labelW + total * 18 }}>
        <Flex style={{ borderBottom: '1px solid #f0f0f0', fontSize: 11, color: '#8c8c8c' }}>
          <div style={{ width: labelW, flex: 'none' }} />
          <div style={{ position: 'relative', flex: 1, height: 20 }}>
            {days.map((d, i) =>
              i % Math.ceil(total / 20) === 0 ? (
                <span key={i} style={{ position: 'absolute', left: pct(i) }}>
                  {d.format('MM-DD')}
                </span>
              ) : null,
            )}
          </div>
        </Flex>
        {plan.schedule.map((s) => (
          <Flex key={s.id} align="center" style={{ height: 30, borderBottom: '1px dashed #f5f5f5' }} data-testid={`gantt-row-${s.title}`}>
            <div style={{ width: labelW, flex: 'none', paddingRight: 8 }}>
              <Typography.Text ellipsis style={{ maxWidth: labelW - 8, color: s.critical ? CRITICAL : undefined }}>
                {s.title}
              </Typography.Text>
            </div>
            <div style={{ position: 'relative', flex: 1, height: 18, background: '#fafafa' }}>
              <Tooltip
                title={`${s.startOn} → ${s.endOn}（${t('team.plans.days', { n: s.durationDays ?? 0 })}）${s.slack ? ` · ${t('team.plans.slack')} ${t('team.plans.slackDays', { n: s.slack })}` : ''}`}
              >
                <div
                  data-critical={s.critical ? 'true' : 'false'}
                  style={{
                    position: 'absolute',
                    left: pct(s.es),
                    width: s.ef > s.es ? pct(s.ef - s.es) : 4,
                    top: 0,
                    bottom: 0,
                    background: s.critical ? CRITICAL : NORMAL,
                    opacity: s.status === 'done' ? 0.45 : 1,
                    borderRadius: 3,
                  }}
                />
              </Tooltip>
              {s.slack > 0 ? (
                <div
                  style={{
                    position: 'absolute',
                    left: pct(s.ef),
                    width: pct(s.slack),
                    top: 6,
                    bottom: 6,
                    background: 'repeating-linear-gradient(45deg, #d9d9d9 0 3px, transparent 3px 6px)',
                  }}
                />
              ) : null}
            </div>
          </Flex>
        ))}
      </div>
    </div>
  );
}

export function PlanDetailPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { message } = App.useApp();
  const onError = useApiError();
  const { can } = useAuth();
  const plan = usePlan(id);
  const add = useAddStep(id);
  const update = useUpdateStep(id);
  const [form] = Form.useForm<{ title: string; durationDays: number; dependsOn?: string[] }>();
  if (plan.isLoading) return <Loading />;
  if (plan.isError || !plan.data) return <QueryError error={plan.error} onRetry={() => void plan.refetch()} />;
  const p = plan.data;
  const editable = can('targets.write');
  const stepOptions = p.schedule.map((s) => ({ value: s.id, label: s.title }));

  return (
    <PageContainer title={p.name} bare>
      <Card style={{ marginBottom: 16 }}>
        <Descriptions size="small" column={4}>
          <Descriptions.Item label={t('team.plans.startOn')}>{p.startOn}</Descriptions.Item>
          <Descriptions.Item label={t('team.plans.activityOn')}>{p.activityOn ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('team.plans.duration')}>{t('team.plans.days', { n: p.durationDays })}</Descriptions.Item>
          <Descriptions.Item label={t('team.plans.endOn')}>{p.endOn ?? '—'}</Descriptions.Item>
        </Descriptions>
        {p.activityOn && p.endOn ? (
          <Alert
            type={p.late ? 'error' : 'success'}
            showIcon
            message={p.late ? t('team.plans.late') : t('team.plans.onTime')}
            data-testid="plan-late"
            style={{ marginTop: 8 }}
          />
        ) : null}
        <div style={{ marginTop: 8 }}>
          <Tooltip title={t('team.plans.criticalHint')}>
            <Typography.Text strong>{t('team.plans.critical')}：</Typography.Text>
          </Tooltip>
          <span data-testid="plan-critical-path">
            {p.criticalPath.map((cid) => p.schedule.find((s) => s.id === cid)?.title ?? cid).join(' → ') || '—'}
          </span>
        </div>
      </Card>
      <Card title={t('team.plans.gantt')} style={{ marginBottom: 16 }}>
        <Gantt plan={p} />
      </Card>
      <Card title={t('team.plans.schedule')}>
        <table style={{ width: '100%', borderCollapse: 'collapse' }} data-testid="plan-steps">
          <thead>
            <tr style={{ textAlign: 'left', color: '#8c8c8c', fontSize: 12 }}>
              <th>{t('team.plans.stepTitle')}</th>
              <th style={{ width: 110 }}>{t('team.plans.durationDays')}</th>
              <th style={{ width: 260 }}>{t('team.plans.dependsOn')}</th>
              <th style={{ width: 110 }}>{t('team.plans.start')}</th>
              <th style={{ width: 110 }}>{t('team.plans.end')}</th>
              <th style={{ width: 90 }}>{t('team.plans.slack')}</th>
              <th style={{ width: 100 }}>{t('team.plans.assignee')}</th>
            </tr>
          </thead>
          <tbody>
            {p.schedule.map((s: PlanStep) => (
              <tr key={s.id} style={{ borderTop: '1px solid #f0f0f0' }}>
                <td style={{ padding: '6px 0' }}>
                  {s.title} {s.critical ? <Tag color="red">{t('team.plans.critical')}</Tag> : null}
                </td>
                <td>
                  {editable ? (
                    <InputNumber
                      size="small"
                      min={0}
                      max={365}
                      defaultValue={s.durationDays ?? 0}
                      onBlur={(e) => {
                        const n = Number(e.target.value);
                        if (Number.isInteger(n) && n !== s.durationDays)
                          update.mutate({ stepId: s.id, durationDays: n }, { onError: (err) => onError(err) });
                      }}
                    />
                  ) : (
                    s.durationDays
                  )}
                </td>
                <td>
                  {editable ? (
                    <Select
                      size="small"
                      mode="multiple"
                      style={{ width: 240 }}
                      value={s.dependsOn}
                      options={stepOptions.filter((o) => o.value !== s.id)}
                      onChange={(v: string[]) => update.mutate({ stepId: s.id, dependsOn: v }, { onError: (err) => onError(err) })}
                    />
                  ) : (
                    s.dependsOn.map((d) => p.schedule.find((x) => x.id === d)?.title ?? d).join('、')
                  )}
                </td>
                <td>{s.startOn}</td>
                <td>{s.endOn}</td>
                <td>{s.slack ? t('team.plans.slackDays', { n: s.slack }) : '0'}</td>
                <td>{s.assigneeName ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {editable ? (
          <Form
            form={form}
            layout="inline"
            style={{ marginTop: 12, rowGap: 8 }}
            initialValues={{ durationDays: 1 }}
            onFinish={(v) =>
              add.mutate(
                { title: v.title, durationDays: v.durationDays, dependsOn: v.dependsOn ?? [] },
                {
                  onSuccess: () => {
                    form.resetFields();
                    void message.success(t('team.tasks.saved'));
                  },
                  onError: (e) => onError(e, form),
                },
              )
            }
          >
            <Form.Item name="title" rules={[{ required: true, whitespace: true, message: t('team.tasks.form.titleRequired') }]}>
              <Input placeholder={t('team.plans.stepTitle')} style={{ width: 220 }} maxLength={200} data-testid="step-title" />
            </Form.Item>
            <Form.Item name="durationDays" label={t('team.plans.durationDays')} rules={[{ required: true }]}>
              <InputNumber min={0} max={365} data-testid="step-duration" />
            </Form.Item>
            <Form.Item name="dependsOn">
              <Select mode="multiple" placeholder={t('team.plans.dependsOn')} style={{ width: 240 }} options={stepOptions} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={add.isPending} data-testid="step-add">
              {t('team.plans.addStep')}
            </Button>
          </Form>
        ) : null}
      </Card>
    </PageContainer>
  );
}
