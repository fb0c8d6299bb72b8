import type { HTMLAttributes } from 'react';
import { Card, Table, Tooltip, Typography } from 'antd';
import { QuestionCircleOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { SHOP_AD_LINE_KEYS, SHOP_AD_LINE_LABELS, type ShopAdLineKey, type ShopAdLines } from '@yunying/core';
import { ChangeValue } from '../../components/Change';
import { formatMoney } from '../../components/format';
import { formatByFormat } from './metricFormat';

export interface AdLinesPeriod {
  key: string;
  label: string;
  /** null = 无推广数据 (never shown as 0). */
  lines: ShopAdLines | null;
}

/** An ad line's name with its definition as a tooltip, in the current language. */
function LineLabel({ k }: { k: ShopAdLineKey }) {
  const { i18n } = useTranslation();
  const m = SHOP_AD_LINE_LABELS[k];
  const en = i18n.language === 'en';
  return (
    <span style={{ whiteSpace: 'nowrap' }}>
      {en ? m.en : m.zh}
      <Tooltip title={en ? m.defEn : m.defZh}>
        <QuestionCircleOutlined style={{ marginInlineStart: 4, color: 'rgba(0,0,0,0.45)', cursor: 'help', fontSize: 12 }} />
      </Tooltip>
    </span>
  );
}

/**
 * The ad lines of a report or of 交易分析 (推广花费, 推广成交金额, ROI, 推广占比, 扣除推广后毛利):
 * a row per line, a column per period (the first is the current one), each comparison with its change.
 * A period without ad data says 无推广数据.
 */
export function AdLinesCard({ periods, testId }: { periods: readonly AdLinesPeriod[]; testId: string }) {
  const { t } = useTranslation();
  const [cur] = periods;
  const cell = (p: AdLinesPeriod, k: ShopAdLineKey) =>
    p.lines ? (
      formatByFormat(SHOP_AD_LINE_LABELS[k].format, p.lines[k])
    ) : (
      <Tooltip title={t('analytics.adLines.noDataHint')}>
        <Typography.Text type="secondary">{t('analytics.adLines.noData')}</Typography.Text>
      </Tooltip>
    );
  // 淘宝客 is inside 推广花费 / 推广成交金额: say how much of the current period's.
  const taoke = cur?.lines && (cur.lines.taokeCommissionFen > 0 || cur.lines.taokePaidFen > 0) ? cur : null;
  return (
    <Card
      title={t('analytics.adLines.title')}
      size="small"
      data-testid={testId}
      extra={<Link to="/ads/import">{t('analytics.adLines.import')}</Link>}
    >
      <Table<{ k: ShopAdLineKey }>
        size="small"
        rowKey="k"
        pagination={false}
        scroll={{ x: 'max-content' }}
        dataSource={SHOP_AD_LINE_KEYS.map((k) => ({ k }))}
        onRow={(r) => ({ 'data-testid': `${testId}-${r.k}` }) as HTMLAttributes<HTMLElement>}
        columns={[
          { key: 'line', title: '', render: (_: unknown, r) => <LineLabel k={r.k} /> },
          ...periods.map((p, i) => ({
            key: p.key,
            title: p.label,
            align: 'right' as const,
            render: (_: unknown, r: { k: ShopAdLineKey }) => (
              <span data-testid={`${testId}-${r.k}-${p.key}`}>
                {cell(p, r.k)}
                {i > 0 && cur?.lines && p.lines ? (
                  <span style={{ marginInlineStart: 8 }}>
                    <ChangeValue current={cur.lines[r.k]} base={p.lines[r.k]} size="small" />
                  </span>
                ) : null}
              </span>
            ),
          })),
        ]}
      />
      {taoke?.lines ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('analytics.adLines.taoke', {
            commission: formatMoney(taoke.lines.taokeCommissionFen),
            paid: formatMoney(taoke.lines.taokePaidFen),
          })}
        </Typography.Text>
      ) : null}
    </Card>
  );
}
