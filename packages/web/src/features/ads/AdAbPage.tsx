import { Alert, Card, Col, Descriptions, Row, Select, Space, Statistic, Tag, Typography } from 'antd';
import type { ProportionTest } from '@yunying/core';
import { useTranslation } from 'react-i18next';
import { formatCount } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { QueryError } from '../../components/QueryState';
import { useUrlState } from '../../components/useUrlState';
import { errorDetail } from '../../api/client';
import { useAdAb, useAdPlan, useAdPlans, type AdAbResult } from './api';
import { money, pct, PeriodPicker, PickShop, useAdsScope } from './common';

function TestCard({ title, test, unit }: { title: string; test: ProportionTest; unit: string }) {
  const { t } = useTranslation();
  return (
    <Card title={title} size="small" data-testid={`ads-ab-${unit}`}>
      <Descriptions size="small" column={1}>
        <Descriptions.Item label="A / B">
          {pct(test.p1)} / {pct(test.p2)}
        </Descriptions.Item>
        <Descriptions.Item label={t('ads.ab.z')}>{test.z === null ? '—' : test.z.toFixed(3)}</Descriptions.Item>
        <Descriptions.Item label={t('ads.ab.pValue')}>
          <span data-testid={`ads-ab-${unit}-p`}>
            {test.pValue === null ? '—' : test.pValue < 0.0001 ? '< 0.0001' : test.pValue.toFixed(4)}
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t('ads.ab.required')}>
          {test.requiredPerGroup === null ? t('ads.ab.noDiff') : formatCount(test.requiredPerGroup)}
        </Descriptions.Item>
      </Descriptions>
      <Space wrap>
        <Tag color={test.significant ? 'red' : 'default'}>{test.significant ? t('ads.ab.significant') : t('ads.ab.notSignificant')}</Tag>
        <Tag color={test.sufficient ? 'green' : 'orange'}>
          {test.sufficient
            ? t('ads.ab.sufficient')
            : t('ads.ab.insufficient', { n: test.requiredPerGroup === null ? '—' : formatCount(test.requiredPerGroup) })}
        </Tag>
      </Space>
    </Card>
  );
}

function Side({ f }: { f: AdAbResult['a'] }) {
  const { t } = useTranslation();
  return (
    <Card size="small" title={f.name}>
      <Row gutter={12}>
        <Col span={8}>
          <Statistic title={t('ads.f.impressions')} value={formatCount(f.impressions)} />
        </Col>
        <Col span={8}>
          <Statistic title={t('ads.f.clicks')} value={formatCount(f.clicks)} />
        </Col>
        <Col span={8}>
          <Statistic title={t('ads.f.orders')} value={formatCount(f.orders)} />
        </Col>
        <Col span={8}>
          <Statistic title={t('ads.f.ctr')} value={pct(f.ctr)} />
        </Col>
        <Col span={8}>
          <Statistic title={t('ads.f.cvr')} value={pct(f.cvr)} />
        </Col>
        <Col span={8}>
          <Statistic title={t('ads.f.spend')} value={money(f.spendFen)} />
        </Col>
      </Row>
    </Card>
  );
}

export function AdAbPage() {
  const { t } = useTranslation();
  const url = useUrlState();
  const { shop, period } = useAdsScope();
  const planId = url.get('planId');
  const a = url.get('a');
  const b = url.get('b');
  const plans = useAdPlans(shop ? { shopId: shop.id, from: period.from, to: period.to, pageSize: 200, sortBy: 'name' } : null);
  const detail = useAdPlan(planId ?? '', period.from, period.to);
  const creatives = planId && detail.data ? detail.data.creatives.map((c) => c.name) : [];
  const ab = useAdAb(shop && planId && a && b ? { shopId: shop.id, planId, a, b, from: period.from, to: period.to } : null);
  return (
    <PageContainer title={t('ads.ab.title')} extra={shop ? <PeriodPicker period={period} /> : null}>
      {!shop ? (
        <PickShop />
      ) : (
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <Space wrap>
            <Select
              showSearch
              optionFilterProp="label"
              value={planId}
              placeholder={t('ads.ab.plan')}
              style={{ width: 240 }}
              onChange={(v) => url.patch({ planId: v, a: undefined, b: undefined })}
              options={(plans.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))}
              data-testid="ads-ab-plan"
            />
            {(['a', 'b'] as const).map((k) => (
              <Select
                key={k}
                value={url.get(k)}
                placeholder={t(`ads.ab.${k}`)}
                style={{ width: 200 }}
                disabled={!planId}
                onChange={(v) => url.patch({ [k]: v })}
                options={creatives.map((c) => ({ value: c, label: c }))}
                data-testid={`ads-ab-${k}`}
              />
            ))}
          </Space>
          {!ab.data && !ab.isError ? <Typography.Text type="secondary">{t('ads.ab.pick')}</Typography.Text> : null}
          {ab.isError ? <Alert type="warning" showIcon message={errorDetail(ab.error)} /> : null}
          {plans.isError ? <QueryError error={plans.error} onRetry={() => void plans.refetch()} /> : null}
          {ab.data ? (
            <>
              <Row gutter={16}>
                <Col xs={24} lg={12}>
                  <Side f={ab.data.a} />
                </Col>
                <Col xs={24} lg={12}>
                  <Side f={ab.data.b} />
                </Col>
              </Row>
              <Row gutter={16}>
                <Col xs={24} lg={12}>
                  <TestCard title={t('ads.ab.ctrTest')} test={ab.data.ctr} unit="ctr" />
                </Col>
                <Col xs={24} lg={12}>
                  <TestCard title={t('ads.ab.cvrTest')} test={ab.data.cvr} unit="cvr" />
                </Col>
              </Row>
              <Typography.Text type="secondary">{t('ads.ab.explain')}</Typography.Text>
            </>
          ) : null}
        </Space>
      )}
    </PageContainer>
  );
}
