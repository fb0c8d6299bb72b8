import { Suspense, type ReactNode } from 'react';
import { Spin } from 'antd';

/**
 * The spinner of a page or block still loading. Kept apart from QueryState (which pulls the page
 * frame) so the login page and the route fallback load only the spinner.
 */
export function Loading({ tip }: { tip?: string }) {
  return (
    <div style={{ display: 'flex', justifyContent: 'center', alignItems: 'center', padding: 64 }} data-testid="loading">
      <Spin size="large" {...(tip ? { tip } : {})} />
    </div>
  );
}

/** Code that may still be loading (a lazy page or the part behind the login): the spinner meanwhile. */
export function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}
