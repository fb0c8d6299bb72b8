import type { FeatureTexts } from '../../modules/types';

/**
 * UI text of the reports page (top-level keys `reports` and `navReports`), zh-CN first, identical
 * keys in en. Metric names and definitions come from core (`METRICS`, `REPORT_EXTRA_METRICS`).
 */
export const reportsTexts: FeatureTexts = {
  'zh-CN': {
    navReports: { group: '报表', reports: '运营报表' },
    reports: {
      title: '运营报表',
      kind: { daily: '日报', weekly: '周报', monthly: '月报' },
      prev: { daily: '前一天', weekly: '上一周', monthly: '上个月' },
      next: { daily: '后一天', weekly: '下一周', monthly: '下个月' },
      period: '统计周期：{{range}}',
      running: '（进行中，截至今天）',
      compare: {
        previousDay: '前一日',
        lastWeekSameDay: '上周同日',
        lastWeek: '上周',
        weekBefore: '上上周',
        previousMonth: '上月',
        lastYear: '去年同月',
      },
      vs: '较{{label}}',
      compareRange: '{{label}}：{{range}}',
      summary: '核心指标',
      daily: '全店运营数据汇总表',
      products: '商品数据',
      col: { day: '日期', product: '商品', total: '合计' },
      exportXlsx: '导出 Excel',
      exportCsv: '导出 CSV',
      exportHint: 'Excel 含 汇总、每日明细、商品 三个工作表；CSV 为全店运营数据汇总表',
      empty: '这个周期还没有经营数据',
      emptyProducts: '这个周期还没有商品数据',
    },
  },
  en: {
    navReports: { group: 'Reports', reports: 'Operations reports' },
    reports: {
      title: 'Operations reports',
      kind: { daily: 'Daily', weekly: 'Weekly', monthly: 'Monthly' },
      prev: { daily: 'Previous day', weekly: 'Previous week', monthly: 'Previous month' },
      next: { daily: 'Next day', weekly: 'Next week', monthly: 'Next month' },
      period: 'Period: {{range}}',
      running: ' (running, up to today)',
      compare: {
        previousDay: 'Previous day',
        lastWeekSameDay: 'Same day last week',
        lastWeek: 'Last week',
        weekBefore: 'Week before last',
        previousMonth: 'Previous month',
        lastYear: 'Same month last year',
      },
      vs: 'vs {{label}}',
      compareRange: '{{label}}: {{range}}',
      summary: 'Key figures',
      daily: 'Shop summary by day',
      products: 'Products',
      col: { day: 'Day', product: 'Product', total: 'Total' },
      exportXlsx: 'Export Excel',
      exportCsv: 'Export CSV',
      exportHint: 'Excel has three sheets (summary, by day, products); CSV is the summary by day',
      empty: 'No business data in this period yet',
      emptyProducts: 'No product data in this period yet',
    },
  },
};
