/**
 * The console's one chart theme: antd's blue first, then colours that stay apart from each other
 * and from antd's status colours; a font stack that renders Chinese well on every platform.
 */
export const THEME_NAME = 'yunying';

export const CHART_PALETTE = [
  '#1677ff', // antd blue (primary)
  '#13c2c2', // cyan
  '#faad14', // gold
  '#722ed1', // purple
  '#52c41a', // green
  '#eb2f96', // magenta
  '#fa8c16', // orange
  '#2f54eb', // geek blue
  '#a0d911', // lime
  '#8c8c8c', // grey
];

/** Good / bad colours of statuses (not of changes: those use the rise / fall colours below). */
export const CHART_GOOD = '#52c41a';
export const CHART_BAD = '#ff4d4f';
export const CHART_NEUTRAL = '#8c8c8c';
/** A rise and a fall (components/Change.tsx: red up, green down by default; a personal setting swaps them). */
export const CHART_RISE_RED = '#f5222d';
export const CHART_FALL_GREEN = '#389e0d';

export const CHART_FONT =
  '-apple-system, BlinkMacSystemFont, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif';

const AXIS_LINE = '#d9d9d9';
const SPLIT_LINE = '#f0f0f0';
const TEXT = 'rgba(0, 0, 0, 0.88)';
const TEXT_SECONDARY = 'rgba(0, 0, 0, 0.45)';

const axis = {
  axisLine: { show: true, lineStyle: { color: AXIS_LINE } },
  axisTick: { show: false },
  axisLabel: { color: TEXT_SECONDARY },
  splitLine: { show: true, lineStyle: { color: SPLIT_LINE, type: 'dashed' } },
  nameTextStyle: { color: TEXT_SECONDARY },
};

export const yunyingTheme = {
  color: CHART_PALETTE,
  backgroundColor: 'transparent',
  textStyle: { fontFamily: CHART_FONT, color: TEXT },
  title: { textStyle: { color: TEXT, fontWeight: 500 }, subtextStyle: { color: TEXT_SECONDARY } },
  legend: { textStyle: { color: TEXT_SECONDARY }, icon: 'roundRect', itemWidth: 12, itemHeight: 8 },
  tooltip: {
    backgroundColor: 'rgba(255, 255, 255, 0.96)',
    borderColor: SPLIT_LINE,
    textStyle: { color: TEXT, fontFamily: CHART_FONT, fontSize: 12 },
    extraCssText: 'box-shadow: 0 6px 16px rgba(0,0,0,0.08); border-radius: 6px;',
  },
  categoryAxis: { ...axis, splitLine: { show: false } },
  valueAxis: { ...axis, axisLine: { show: false } },
  timeAxis: axis,
  line: { symbol: 'circle', symbolSize: 5, smooth: false, lineStyle: { width: 2 } },
  bar: { itemStyle: { borderRadius: [2, 2, 0, 0] } },
  funnel: { itemStyle: { borderColor: '#fff', borderWidth: 1 } },
};
