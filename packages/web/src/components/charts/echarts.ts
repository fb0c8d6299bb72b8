/**
 * The one echarts instance of the console: only the chart types and components the pages use are
 * registered (tree-shaken imports from `echarts/*`), plus the shared theme.
 */
import * as echarts from 'echarts/core';
import { BarChart, FunnelChart, LineChart, ScatterChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { THEME_NAME, yunyingTheme } from './theme';

echarts.use([
  BarChart,
  LineChart,
  FunnelChart,
  ScatterChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  DataZoomComponent,
  MarkLineComponent,
  CanvasRenderer,
]);

// Registered once, when this module is first imported.
echarts.registerTheme(THEME_NAME, yunyingTheme);

export { echarts };
export type { EChartsCoreOption } from 'echarts/core';
