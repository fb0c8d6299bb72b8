import { useEffect, useRef, useState } from 'react';
import { Empty, Spin } from 'antd';
import type { EChartsCoreOption } from './echarts';
import { THEME_NAME } from './theme';

type Instance = ReturnType<(typeof import('./echarts'))['echarts']['init']>;

export interface EChartProps {
  option: EChartsCoreOption;
  /** Height in px (the width follows the container). */
  height?: number;
  /** Show the empty state instead of the chart. */
  empty?: boolean;
  emptyText?: string;
  /** Replace the whole option on change (use when series come and go). */
  notMerge?: boolean;
  'data-testid'?: string;
  onClick?: (params: { name: string; seriesName?: string; dataIndex: number; data: unknown }) => void;
}

/**
 * A thin React wrapper around an echarts instance: created on mount with the shared theme,
 * resized with its container, given the new option on change, disposed on unmount. echarts is
 * loaded on first use (its own chunk), so pages without charts do not pay for it.
 */
export function EChart({ option, height = 300, empty, emptyText, notMerge = true, onClick, ...rest }: EChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [chart, setChart] = useState<Instance | null>(null);
  const clickRef = useRef(onClick);
  useEffect(() => {
    clickRef.current = onClick;
  }, [onClick]);

  useEffect(() => {
    const el = ref.current;
    if (!el || empty) return;
    let instance: Instance | null = null;
    let ro: ResizeObserver | null = null;
    let disposed = false;
    void import('./echarts').then(({ echarts }) => {
      if (disposed) return;
      instance = echarts.init(el, THEME_NAME, { renderer: 'canvas' });
      instance.on('click', (p) => {
        clickRef.current?.(p as { name: string; seriesName?: string; dataIndex: number; data: unknown });
      });
      const inst = instance;
      ro = new ResizeObserver(() => inst.resize());
      ro.observe(el);
      setChart(instance);
    });
    return () => {
      disposed = true;
      ro?.disconnect();
      instance?.dispose();
      setChart(null);
    };
  }, [empty]);

  useEffect(() => {
    chart?.setOption(option, { notMerge });
  }, [chart, option, notMerge]);

  if (empty) {
    return (
      <div
        style={{ height, display: 'flex', alignItems: 'center', justifyContent: 'center' }}
        data-testid={rest['data-testid']}
        data-empty="true"
      >
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={emptyText} />
      </div>
    );
  }
  return (
    <div style={{ position: 'relative', width: '100%', height }} data-testid={rest['data-testid']} data-ready={chart ? 'true' : 'false'}>
      <div ref={ref} style={{ width: '100%', height }} />
      {chart ? null : (
        <div style={{ position: 'absolute', inset: 0, display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
          <Spin />
        </div>
      )}
    </div>
  );
}
