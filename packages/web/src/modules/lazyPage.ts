import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

/**
 * A page loaded on first visit: the console is split by route, so the login page does not wait
 * for every feature's code (and ECharts). Routes render it inside a `<Suspense>` (App.tsx).
 *
 *     const OrdersPage = lazyPage(() => import('./OrdersPage'), 'OrdersPage');
 */
// React's own `lazy` takes ComponentType<any>: a page's props are whatever the page declares.
type Page = ComponentType<any>;

export function lazyPage<M extends Record<K, Page>, K extends keyof M & string>(
  load: () => Promise<M>,
  name: K,
): LazyExoticComponent<M[K]> {
  return lazy(async () => ({ default: (await load())[name] }));
}
