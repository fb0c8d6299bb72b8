import { useEffect, useState } from 'react';
import {
  App,
  Button,
  Card,
  Form,
  InputNumber,
  Input,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
  type TableProps,
} from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { MemberLevel, MemberLevelRequest, MemberSettingsRequest } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { formatMoney, NO_VALUE } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { SaveModal } from '../../components/SaveModal';
import { useApiError } from '../../components/useApiError';
import { useDeleteLevel, useMembership, useSaveLevel, useSaveMemberSettings } from './api';

interface LevelForm {
  name: string;
  minNetYuan?: number | null;
  minOrders?: number | null;
  pointsMultiplier: number;
  discountPct: number;
  freeShipping: boolean;
}

/** 会员等级与积分: points per yuan, the weekly member day, and the levels with their thresholds and benefits. */
export function MembershipPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const q = useMembership();
  const saveSettings = useSaveMemberSettings();
  const saveLevel = useSaveLevel();
  const removeLevel = useDeleteLevel();
  const [settingsForm] = Form.useForm<MemberSettingsRequest>();
  const [levelForm] = Form.useForm<LevelForm>();
  const [editing, setEditing] = useState<MemberLevel | 'new' | null>(null);
  const canWrite = can('customers.write');

  useEffect(() => {
    if (q.data) settingsForm.setFieldsValue(q.data.settings);
  }, [q.data, settingsForm]);

  const openLevel = (l: MemberLevel | 'new') => {
    setEditing(l);
    levelForm.setFieldsValue(
      l === 'new'
        ? { name: '', minNetYuan: null, minOrders: null, pointsMultiplier: 100, discountPct: 100, freeShipping: false }
        : {
            name: l.name,
            minNetYuan: l.minNetFen === null ? null : l.minNetFen / 100,
            minOrders: l.minOrders,
            pointsMultiplier: l.pointsMultiplier,
            discountPct: l.discountPct,
            freeShipping: l.freeShipping,
          },
    );
  };
  const submitLevel = (v: LevelForm) =>
    saveLevel.mutate(
      {
        id: editing && editing !== 'new' ? editing.id : undefined,
        body: {
          name: v.name,
          minNetFen: v.minNetYuan === null || v.minNetYuan === undefined ? null : Math.round(v.minNetYuan * 100),
          minOrders: v.minOrders ?? null,
          pointsMultiplier: v.pointsMultiplier,
          discountPct: v.discountPct,
          freeShipping: v.freeShipping,
        } satisfies MemberLevelRequest,
      },
      {
        onSuccess: (l) => {
          void message.success(t('customers.membership.levelSaved', { name: l.name }));
          setEditing(null);
        },
        onError: (e) => onError(e, levelForm),
      },
    );

  const weekdays = [1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: d, label: t(`customers.membership.weekdays.${d}`) }));
  const columns: TableProps<MemberLevel>['columns'] = [
    { title: t('customers.membership.levelName'), dataIndex: 'name', key: 'name', render: (v: string) => <Tag color="gold">{v}</Tag> },
    {
      title: t('customers.membership.threshold'),
      key: 'threshold',
      render: (_, l) =>
        [
          l.minNetFen !== null ? t('customers.membership.byAmount', { amount: formatMoney(l.minNetFen) }) : null,
          l.minOrders !== null ? t('customers.membership.byOrders', { n: l.minOrders }) : null,
        ]
          .filter(Boolean)
          .join(t('customers.membership.or')),
    },
    {
      title: t('customers.membership.multiplier'),
      dataIndex: 'pointsMultiplier',
      key: 'mult',
      width: 110,
      render: (v: number) => `${v / 100}×`,
    },
    {
      title: t('customers.membership.discount'),
      dataIndex: 'discountPct',
      key: 'discount',
      width: 110,
      render: (v: number) => (v === 100 ? NO_VALUE : t('customers.membership.discountText', { n: v / 10 })),
    },
    {
      title: t('customers.membership.freeShipping'),
      dataIndex: 'freeShipping',
      key: 'ship',
      width: 90,
      render: (v: boolean) => (v ? t('customers.membership.yes') : NO_VALUE),
    },
    ...(canWrite
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 140,
            render: (_: unknown, l: MemberLevel) => (
              <Space size={4}>
                <Button size="small" type="link" onClick={() => openLevel(l)}>
                  {t('common.edit')}
                </Button>
                <Popconfirm
                  title={t('customers.membership.deleteConfirm', { name: l.name })}
                  onConfirm={() => removeLevel.mutate(l.id, { onError: (e) => onError(e) })}
                >
                  <Button size="small" type="link" danger>
                    {t('common.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <PageContainer title={t('customers.membership.title')}>
      <Space direction="vertical" size={16} style={{ width: '100%' }}>
        <Card size="small" title={t('customers.membership.points')}>
          <Form<MemberSettingsRequest>
            form={settingsForm}
            layout="inline"
            disabled={!canWrite}
            onFinish={(v) =>
              saveSettings.mutate(v, {
                onSuccess: () => void message.success(t('customers.membership.settingsSaved')),
                onError: (e) => onError(e, settingsForm),
              })
            }
          >
            <Form.Item name="enabled" label={t('customers.membership.enabled')} valuePropName="checked">
              <Switch data-testid="membership-enabled" />
            </Form.Item>
            <Form.Item name="pointsPerYuan" label={t('customers.membership.perYuan')}>
              <InputNumber min={0} max={100} precision={0} />
            </Form.Item>
            <Form.Item name="memberDay" label={t('customers.membership.memberDay')}>
              <Select allowClear style={{ width: 110 }} options={weekdays} placeholder={t('customers.membership.none')} />
            </Form.Item>
            <Form.Item name="memberDayMultiplier" label={t('customers.membership.memberDayMultiplier')}>
              <InputNumber min={100} max={1000} step={50} addonAfter="%" style={{ width: 130 }} />
            </Form.Item>
            <Form.Item name="pointsExpiry" label={t('customers.membership.expiry')}>
              <Select
                style={{ width: 130 }}
                data-testid="points-expiry"
                options={(['none', 'years', 'months'] as const).map((m) => ({
                  value: m,
                  label: t(`customers.membership.expiryModes.${m}`),
                }))}
              />
            </Form.Item>
            <Form.Item name="pointsExpiryN" label={t('customers.membership.expiryN')}>
              <InputNumber min={1} max={120} precision={0} style={{ width: 90 }} data-testid="points-expiry-n" />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={saveSettings.isPending} data-testid="membership-save">
              {t('common.save')}
            </Button>
          </Form>
          <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
            {t('customers.membership.pointsHint')}
          </Typography.Paragraph>
          <Typography.Paragraph type="secondary" style={{ marginTop: 4, marginBottom: 0 }}>
            {t('customers.membership.expiryHint')}
          </Typography.Paragraph>
        </Card>
        <Card
          size="small"
          title={t('customers.membership.levels')}
          extra={
            canWrite ? (
              <Button size="small" icon={<PlusOutlined />} onClick={() => openLevel('new')} data-testid="level-add">
                {t('customers.membership.addLevel')}
              </Button>
            ) : null
          }
        >
          <Table<MemberLevel>
            data-testid="member-levels"
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={q.data?.levels ?? []}
            loading={q.isLoading}
            pagination={false}
            locale={{ emptyText: t('customers.membership.noLevels') }}
          />
          <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
            {t('customers.membership.levelsHint')}
          </Typography.Paragraph>
        </Card>
      </Space>
      <SaveModal
        open={editing !== null}
        title={editing === 'new' ? t('customers.membership.addLevel') : t('common.edit')}
        form={levelForm}
        saving={saveLevel.isPending}
        onClose={() => setEditing(null)}
        submitTestId="level-save"
      >
        <Form<LevelForm> form={levelForm} layout="vertical" onFinish={submitLevel} preserve={false}>
          <Form.Item name="name" label={t('customers.membership.levelName')} rules={[{ required: true, whitespace: true }]}>
            <Input maxLength={40} data-testid="level-name" />
          </Form.Item>
          <Space>
            <Form.Item name="minNetYuan" label={t('customers.membership.minNet')}>
              <InputNumber min={0} precision={2} style={{ width: 180 }} data-testid="level-min-net" />
            </Form.Item>
            <Form.Item name="minOrders" label={t('customers.membership.minOrders')}>
              <InputNumber min={1} precision={0} style={{ width: 160 }} />
            </Form.Item>
          </Space>
          <Space>
            <Form.Item name="pointsMultiplier" label={t('customers.membership.multiplierPct')}>
              <InputNumber min={100} max={1000} step={10} addonAfter="%" style={{ width: 150 }} />
            </Form.Item>
            <Form.Item name="discountPct" label={t('customers.membership.discountPct')}>
              <InputNumber min={50} max={100} addonAfter="%" style={{ width: 150 }} />
            </Form.Item>
            <Form.Item name="freeShipping" label={t('customers.membership.freeShipping')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Space>
        </Form>
      </SaveModal>
    </PageContainer>
  );
}
