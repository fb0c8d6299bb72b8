import { Button, Card, Col, Empty, Row, Space, Statistic, Table, Tooltip, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { downloadUrl } from '../../api/client';
import { EChart } from '../../components/charts/EChart';
import { fenToYuan, formatCount, formatMoney, formatYuanShort } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { QueryError } from '../../components/QueryState';
import { useAdOverview, type AdOverview } from './api';
import { dec, money, pct, PeriodPicker, PickShop, useAdsScope, useFigureColumns } from './common';

function Trend({ data }: { data: AdOverview }) {
  const { t } = useTranslation();
  const days = data.trend.map((d) => d.day);
  return (
    <EChart
      height={320}
      data-testid="ads-trend"
      option={{
        tooltip: { trigger: 'axis' },
        legend: { top: 0 },
        grid: { left: 60, right: 50, top: 40, bottom: 30 },
        xAxis: { type: 'category', data: days },
        yAxis: [
          { type: 'value', axisLabel: { formatter: (v: number) => formatYuanShort(v) } },
          { type: 'value', name: 'ROI', splitLine: { show: false } },
        ],
        series: [
          { name: t('ads.overview.seriesSpend'), type: 'bar', data: data.trend.map((d) => fenToYuan(d.spendFen)) },
          { name: t('ads.overview.seriesSales'), type: 'bar', data: data.trend.map((d) => fenToYuan(d.salesFen)) },
          {
            name: t('ads.overview.seriesRoi'),
            type: 'line',
            yAxisIndex: 1,
            data: data.trend.map((d) => (d.roi === null ? null : Number(d.roi.toFixed(2)))),
          },
          {
            name: t('ads.overview.seriesBreakEven'),
            type: 'line',
            yAxisIndex: 1,
            lineStyle: { type: 'dashed' },
            symbol: 'none',
            data: data.trend.map((d) => (d.breakEvenRoi === null ? null : Number(d.breakEvenRoi.toFixed(2)))),
          },
        ],
      }}
    />
  );
}

export function AdsOverviewPage() {
  const { t } = useTranslation();
  const { period, q } = useAdsScope();
  const ov = useAdOverview(q);
  const cols = useFigureColumns<AdOverview['byTool'][number]>();
  const d = ov.data;
  const extra = q ? (
    <Space wrap>
      <PeriodPicker period={period} />
      <Button icon={<DownloadOutlined />} href={downloadUrl('/ads/export', q)} data-testid="ads-export">
        {t('ads.overview.export')}
      </Button>
    </Space>
  ) : null;
  return (
    <PageContainer title={t('ads.overview.title')} extra={extra} bare>
      {!q ? (
        <Card>
          <PickShop />
        </Card>
      ) : ov.isError ? (
        <QueryError error={ov.error} onRetry={() => void ov.refetch()} />
      ) : !d ? (
        <Card loading />
      ) : d.plans === 0 ? (
        <Card>
          <Empty description={t('ads.overview.empty')}>
            <Link to="/ads/import">{t('ads.overview.toImport')}</Link>
          </Empty>
        </Card>
      ) : (
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <Card>
            <Row gutter={[16, 16]} data-testid="ads-kpis">
              <Col xs={12} md={6} lg={3}>
                <Statistic title={t('ads.f.spend')} value={formatMoney(d.totals.spendFen)} />
              </Col>
              <Col xs={12} md={6} lg={3}>
                <Statistic title={t('ads.f.sales')} value={formatMoney(d.totals.salesFen)} />
              </Col>
              <Col xs={12} md={6} lg={3}>
                <Statistic
                  title={<Tooltip title={t('ads.tips.roi')}>{t('ads.f.roi')}</Tooltip>}
                  value={dec(d.totals.roi)}
                  valueStyle={d.totals.belowBreakEven ? { color: '#cf1322' } : undefined}
                />
              </Col>
              <Col xs={12} md={6} lg={3}>
                <Statistic
                  title={<Tooltip title={t('ads.tips.breakEven')}>{t('ads.f.breakEven')}</Tooltip>}
                  value={dec(d.totals.breakEvenRoi)}
                />
              </Col>
              <Col xs={12} md={6} lg={3}>
                <Statistic
                  title={<Tooltip title={t('ads.tips.profit')}>{t('ads.f.profit')}</Tooltip>}
                  value={money(d.totals.profitAfterAdsFen)}
                />
              </Col>
              <Col xs={12} md={6} lg={3}>
                <Statistic title={t('ads.f.ctr')} value={pct(d.totals.ctr)} />
              </Col>
              <Col xs={12} md={6} lg={3}>
                <Statistic title={t('ads.f.cpc')} value={money(d.totals.cpcFen)} />
              </Col>
              <Col xs={12} md={6} lg={3}>
                <Statistic title={t('ads.f.cvr')} value={pct(d.totals.cvr)} />
              </Col>
            </Row>
            <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
              {t('ads.overview.activePlans')} {formatCount(d.activePlans)} ·{' '}
              <Link to="/ads/plans?health=below">
                {t('ads.overview.plansBelow')} {formatCount(d.belowBreakEven)}
              </Link>
              {d.taoke.orders ? (
                <>
                  {' '}
                  · {t('ads.overview.taoke')}：
                  {t('ads.overview.taokeOrders', {
                    n: formatCount(d.taoke.orders),
                    paid: formatMoney(d.taoke.paidFen),
                    commission: formatMoney(d.taoke.commissionFen),
                  })}
                </>
              ) : null}
            </Typography.Paragraph>
          </Card>
          <Card title={t('ads.overview.trend')}>
            <Trend data={d} />
          </Card>
          <Card title={t('ads.overview.byTool')}>
            <Table
              size="middle"
              rowKey="tool"
              pagination={false}
              scroll={{ x: 'max-content' }}
              dataSource={d.byTool}
              data-testid="ads-by-tool"
              columns={[
                { title: t('ads.f.tool'), dataIndex: 'toolName', fixed: 'left' },
                { title: t('ads.plans.title'), dataIndex: 'plans', align: 'right' },
                ...cols,
              ]}
            />
          </Card>
        </Space>
      )}
    </PageContainer>
  );
}
