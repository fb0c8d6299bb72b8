import type { ReactNode } from 'react';

/** One page in the side menu. `labelKey` is an i18n key; the item shows only with `permission`. */
export interface NavItem {
  key: string;
  path: string;
  permission: string;
  icon: ReactNode;
  labelKey: string;
}

/** A titled group of the side menu (商品, 库存, 订单 …), rendered only if one of its items is allowed. */
export interface NavGroup {
  key: string;
  labelKey: string;
  /** Position in the menu; settings is 1000. */
  order: number;
  items: NavItem[];
}

export interface ModuleRoute {
  /** Path without the leading slash, e.g. `orders/:id`. */
  path: string;
  permission: string;
  element: ReactNode;
}

/**
 * What a feature contributes to the console: menu groups, routes, and its UI text. Each feature
 * folder exports one of these from `module.tsx`; `modules/index.ts` lists them.
 */
export interface FeatureModule {
  key: string;
  groups: NavGroup[];
  routes: ModuleRoute[];
}

/**
 * A feature's UI text, under top-level keys of its own, in both languages with the same keys.
 * Kept apart from pages (in the feature's `i18n.ts`) so the i18n set-up imports no components.
 */
export interface FeatureTexts {
  'zh-CN': Record<string, unknown>;
  en: Record<string, unknown>;
}
