import type { TaskLinkKind } from '@yunying/core';

/** Where a task's linked object is handled in the console (null: no page for it). */
export function linkPath(link: { kind: TaskLinkKind; id: string }): string | null {
  const id = encodeURIComponent(link.id);
  switch (link.kind) {
    case 'order':
      return `/orders/${id}`;
    case 'product':
      return `/products/${id}`;
    case 'aftersale':
      return `/aftersales/${id}`;
    case 'customer':
      return `/customers/${id}`;
    case 'plan':
      return `/plans/${id}`;
    case 'finding':
      return `/diagnosis?finding=${id}`;
    case 'activity':
      return '/marketing/calendar';
    case 'url':
      return link.id.startsWith('/') ? link.id : null;
  }
}
