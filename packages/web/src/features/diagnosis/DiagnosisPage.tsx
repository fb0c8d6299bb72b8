import { useMemo, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Drawer,
  Empty,
  Flex,
  Input,
  List,
  Segmented,
  Select,
  Space,
  Tag,
  Tooltip,
  Typography,
  type TableProps,
} from 'antd';
import { QuestionCircleOutlined, ThunderboltOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { FINDING_KIND_LABELS, FINDING_KINDS, type EvidenceFigure, type FindingKind, type FindingListRequest } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { EChart } from '../../components/charts/EChart';
import type { EChartsCoreOption } from '../../components/charts/echarts';
import { formatCount, formatDecimal, formatMoney, formatPercent } from '../../components/format';
import { useLabels } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { PagedTable } from '../../components/PagedTable';
import { QueryState } from '../../components/QueryState';
import { useShop } from '../../components/ShopContext';
import { useApiError } from '../../components/useApiError';
import { useUrlState } from '../../components/useUrlState';
import { useAssignees, useFinding, useFindings, useRunDiagnosis, useUpdateFinding, type Finding } from './api';

const SEVERITY_COLOR = { high: 'red', medium: 'orange', low: 'default' } as const;
const STATUSES = ['open', 'resolved', 'dismissed', 'all'] as const;

function figureText(unit: EvidenceFigure['unit'], v: number | null, t: (k: string) => string): string {
  if (v === null) return '—';
  if (unit === 'fen') return formatMoney(v);
  if (unit === 'rate') return formatPercent(v);
  if (unit === 'days') return `${formatDecimal(v, 1)} ${t('diagnosis.days')}`;
  if (unit === 'hours') return `${formatDecimal(v, 1)} h`;
  return formatCount(v);
}

/** 店铺诊断: the open findings of the chosen shop (or every shop) ranked by money at stake; a finding opens in a drawer. */
export function DiagnosisPage() {
  const { t } = useTranslation();
  const labels = useLabels();
  const { can } = useAuth();
  const { shop } = useShop();
  const { message } = App.useApp();
  const onError = useApiError();
  const url = useUrlState();
  const status = (url.get('status') ?? 'open') as (typeof STATUSES)[number];
  const kind = url.get('kind') as FindingKind | undefined;
  const openId = url.get('finding') ?? null;
  const query: FindingListRequest = {
    page: url.page,
    pageSize: url.pageSize,
    status,
    ...(shop ? { shopId: shop.id } : {}),
    ...(kind ? { kind } : {}),
  };
  const list = useFindings(query);
  const run = useRunDiagnosis();
  const canAct = can('tasks.write');

  const kindName = (k: FindingKind) => labels.text(FINDING_KIND_LABELS[k]);
  const columns: TableProps<Finding>['columns'] = [
    {
      title: t('diagnosis.col.severity'),
      dataIndex: 'severity',
      width: 90,
      render: (s: Finding['severity']) => <Tag color={SEVERITY_COLOR[s]}>{t(`diagnosis.severity.${s}`)}</Tag>,
    },
    {
      title: t('diagnosis.col.problem'),
      key: 'problem',
      width: 280,
      render: (_, f) => (
        <div style={{ minWidth: 0 }}>
          <Typography.Link onClick={() => url.patch({ finding: f.id }, { replace: false })} data-testid="finding-open">
            {kindName(f.kind)}
          </Typography.Link>
          <Typography.Text type="secondary" ellipsis={{ tooltip: f.subjectName }} style={{ display: 'block' }}>
            {f.subjectName}
          </Typography.Text>
        </div>
      ),
    },
    ...(shop ? [] : [{ title: t('diagnosis.col.shop'), dataIndex: 'shopName', width: 180, ellipsis: true }]),
    {
      title: t('diagnosis.col.startedOn'),
      key: 'startedOn',
      width: 130,
      render: (_, f) => (
        <Space direction="vertical" size={0}>
          <span>{f.startedOn}</span>
          {f.endedOn && <Typography.Text type="secondary">{t('diagnosis.ended', { date: f.endedOn })}</Typography.Text>}
        </Space>
      ),
    },
    {
      title: (
        <Tooltip title={t('diagnosis.moneyHint')}>
          {t('diagnosis.col.money')} <QuestionCircleOutlined />
        </Tooltip>
      ),
      dataIndex: 'moneyAtStakeFen',
      width: 130,
      align: 'right',
      render: (v: number) => formatMoney(v),
    },
    { title: t('diagnosis.col.summary'), dataIndex: 'summary', ellipsis: true },
    { title: t('diagnosis.col.assignee'), dataIndex: 'assigneeName', width: 110, render: (v: string | null) => v ?? '—' },
  ];

  const onRun = () => {
    if (!shop) return;
    run.mutate(
      { shopId: shop.id },
      {
        onSuccess: (r) => void message.success(t('diagnosis.ran', { date: r.date, found: r.found, created: r.created })),
        onError: (e) => onError(e),
      },
    );
  };

  return (
    <PageContainer
      title={t('diagnosis.title')}
      extra={
        canAct && (
          <Tooltip title={shop ? undefined : t('diagnosis.runPickShop')}>
            <Button
              type="primary"
              icon={<ThunderboltOutlined />}
              disabled={!shop}
              loading={run.isPending}
              onClick={onRun}
              data-testid="diagnosis-run"
            >
              {t('diagnosis.run')}
            </Button>
          </Tooltip>
        )
      }
    >
      <Typography.Paragraph type="secondary">{t('diagnosis.intro')}</Typography.Paragraph>
      <Flex gap={12} wrap style={{ marginBottom: 16 }}>
        <Segmented
          value={status}
          options={STATUSES.map((s) => ({ value: s, label: t(`diagnosis.status.${s}`) }))}
          onChange={(v) => url.patch({ status: v === 'open' ? undefined : v, finding: undefined })}
          data-testid="diagnosis-status"
        />
        <Select
          allowClear
          placeholder={t('diagnosis.allKinds')}
          style={{ width: 200 }}
          value={kind}
          options={FINDING_KINDS.map((k) => ({ value: k, label: kindName(k) }))}
          onChange={(v) => url.patch({ kind: v })}
        />
      </Flex>
      <PagedTable<Finding>
        rowKey="id"
        query={list}
        url={url}
        columns={columns}
        emptyText={t('diagnosis.empty')}
        data-testid="diagnosis-table"
        tableLayout="fixed"
      />
      <Drawer
        open={openId !== null}
        width={760}
        title={t('diagnosis.detail.title')}
        onClose={() => url.patch({ finding: undefined })}
        destroyOnHidden
        data-testid="finding-drawer"
      >
        {openId && <FindingDetail id={openId} canAct={canAct} />}
      </Drawer>
    </PageContainer>
  );
}

function FindingDetail({ id, canAct }: { id: string; canAct: boolean }) {
  const finding = useFinding(id);
  return <QueryState query={finding}>{(f) => <FindingBody f={f} canAct={canAct} />}</QueryState>;
}

function FindingBody({ f, canAct }: { f: Finding; canAct: boolean }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const { me, can } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const update = useUpdateFinding(f.id);
  const assignees = useAssignees(canAct && can('users.read'));
  const [note, setNote] = useState('');
  const [assignee, setAssignee] = useState<string | undefined>(f.assigneeId ?? undefined);
  const [due, setDue] = useState<Dayjs | null>(null);
  const ev = f.evidence;

  const option = useMemo<EChartsCoreOption>(() => {
    const pts = ev.series.points;
    const fmt = (v: number) =>
      ev.series.unit === 'rate' ? formatPercent(v) : ev.series.unit === 'fen' ? formatMoney(v) : formatDecimal(v, 1);
    // The level before and after the change, drawn over their days (the comparison the finding makes).
    const level = (from: string | null, to: string | null) => {
      if (!from || !to) return pts.map(() => null);
      const inside = pts.filter((p) => p.day >= from && p.day <= to);
      const mean = inside.reduce((acc, p) => acc + p.value, 0) / Math.max(1, inside.length);
      return pts.map((p) => (p.day >= from && p.day <= to ? mean : null));
    };
    return {
      grid: { left: 56, right: 24, top: 36, bottom: 32 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => fmt(v) },
      xAxis: { type: 'category', data: pts.map((p) => p.day), axisLabel: { formatter: (d: string) => d.slice(5) } },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmt(v) } },
      series: [
        {
          name: ev.series.label,
          type: 'line',
          showSymbol: false,
          data: pts.map((p) => p.value),
          markLine: {
            symbol: 'none',
            silent: true,
            lineStyle: { type: 'dashed', color: '#f5222d' },
            label: { formatter: `${t('diagnosis.detail.started')} ${f.startedOn}` },
            data: [{ xAxis: f.startedOn }],
          },
        },
        {
          name: t('diagnosis.detail.before'),
          type: 'line',
          showSymbol: false,
          connectNulls: false,
          lineStyle: { type: 'dashed', width: 2 },
          data: level(ev.beforeFrom, ev.beforeTo),
        },
        {
          name: t('diagnosis.detail.after'),
          type: 'line',
          showSymbol: false,
          connectNulls: false,
          lineStyle: { type: 'dashed', width: 2 },
          data: level(ev.afterFrom, ev.afterTo),
        },
      ],
    };
  }, [ev, f.startedOn, t]);

  const act = (action: 'assign' | 'resolve' | 'dismiss' | 'reopen') =>
    update.mutate(
      {
        action,
        note,
        ...(action === 'assign' ? { assigneeId: assignee ?? null, ...(due ? { dueOn: due.format('YYYY-MM-DD') } : {}) } : {}),
      },
      {
        onSuccess: () => {
          setNote('');
          void message.success(action === 'assign' && assignee ? t('diagnosis.detail.assigned') : t('diagnosis.detail.done'));
        },
        onError: (e) => onError(e),
      },
    );

  const people = [
    { value: me.user.id, label: `${t('diagnosis.detail.me')}（${me.user.displayName || me.user.username}）` },
    ...(assignees.data?.items ?? [])
      .filter((u) => u.id !== me.user.id && u.status === 'active')
      .map((u) => ({ value: u.id, label: u.displayName || u.username })),
  ];

  return (
    <Flex vertical gap={16} data-testid="finding-detail">
      <div>
        <Space wrap>
          <Tag color={SEVERITY_COLOR[f.severity]}>{t(`diagnosis.severity.${f.severity}`)}</Tag>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {labels.text(FINDING_KIND_LABELS[f.kind])} · {f.subjectName}
          </Typography.Title>
        </Space>
        <Typography.Paragraph style={{ marginTop: 8 }}>{f.summary}</Typography.Paragraph>
        <Typography.Text type="secondary">
          {f.shopName} · {t('diagnosis.detail.seen', { first: f.firstSeenOn, last: f.lastSeenOn })} · {t('diagnosis.col.money')}{' '}
          {formatMoney(f.moneyAtStakeFen)}
        </Typography.Text>
      </div>
      <Card size="small" title={t('diagnosis.detail.evidence')}>
        <Descriptions size="small" column={2} bordered>
          {ev.figures.map((x) => (
            <Descriptions.Item key={x.key} label={x.label}>
              {x.before === null ? (
                figureText(x.unit, x.after, t)
              ) : (
                <span data-testid={`figure-${x.key}`}>
                  {figureText(x.unit, x.before, t)} → <b>{figureText(x.unit, x.after, t)}</b>
                </span>
              )}
            </Descriptions.Item>
          ))}
        </Descriptions>
        <Typography.Text type="secondary" style={{ display: 'block', marginTop: 12 }}>
          {t('diagnosis.detail.chart', { label: ev.series.label })}
          {ev.beforeFrom && ` · ${t('diagnosis.detail.beforeWindow', { from: ev.beforeFrom, to: ev.beforeTo })}`} ·{' '}
          {t('diagnosis.detail.afterWindow', { from: ev.afterFrom, to: ev.afterTo })}
        </Typography.Text>
        {ev.series.points.length ? <EChart option={option} height={240} data-testid="finding-chart" /> : <Empty />}
      </Card>
      <Card size="small" title={t('diagnosis.detail.causes')}>
        <List size="small" dataSource={f.causes} renderItem={(c) => <List.Item>{c}</List.Item>} />
      </Card>
      <Alert
        type="info"
        showIcon
        message={t('diagnosis.detail.action')}
        description={
          <Link to={f.action.path} data-testid="finding-action">
            {f.action.label} →
          </Link>
        }
      />
      {canAct && (
        <Card size="small" title={`${t('diagnosis.detail.assignee')}：${f.assigneeName ?? t('diagnosis.detail.unassigned')}`}>
          <Flex vertical gap={12}>
            {f.status === 'open' && (
              <Space wrap>
                <Select
                  style={{ width: 220 }}
                  placeholder={t('diagnosis.detail.assignTo')}
                  value={assignee}
                  onChange={setAssignee}
                  options={people}
                  data-testid="finding-assignee"
                />
                <DatePicker placeholder={t('diagnosis.detail.dueOn')} value={due} onChange={setDue} />
                <Button disabled={!assignee} loading={update.isPending} onClick={() => act('assign')} data-testid="finding-assign">
                  {t('diagnosis.detail.assign')}
                </Button>
              </Space>
            )}
            <Input.TextArea
              rows={2}
              maxLength={500}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              placeholder={t('diagnosis.detail.notePlaceholder')}
            />
            {f.note && (
              <Typography.Text type="secondary">
                {t('diagnosis.detail.note')}：{f.note}
              </Typography.Text>
            )}
            <Space>
              {f.status === 'open' ? (
                <>
                  <Button type="primary" loading={update.isPending} onClick={() => act('resolve')} data-testid="finding-resolve">
                    {t('diagnosis.detail.resolve')}
                  </Button>
                  <Button loading={update.isPending} onClick={() => act('dismiss')} data-testid="finding-dismiss">
                    {t('diagnosis.detail.dismiss')}
                  </Button>
                </>
              ) : (
                <Button loading={update.isPending} onClick={() => act('reopen')}>
                  {t('diagnosis.detail.reopen')}
                </Button>
              )}
            </Space>
          </Flex>
        </Card>
      )}
    </Flex>
  );
}
