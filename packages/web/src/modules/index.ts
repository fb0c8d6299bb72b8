import { settingsModule } from './settings';
import type { FeatureModule, NavGroup } from './types';

/** Every feature module of the console. Add a feature here (one import, one entry). */
export const MODULES: readonly FeatureModule[] = [settingsModule];

export function navGroups(): NavGroup[] {
  return MODULES.flatMap((m) => m.groups).sort((a, b) => a.order - b.order);
}

export type { FeatureModule, FeatureTexts, NavGroup, NavItem, ModuleRoute } from './types';
