import type { FeatureTexts } from './types';

/** The UI text of every feature module (each feature's `i18n.ts`). Add one import and one entry per feature. */
export const MODULE_TEXTS: readonly FeatureTexts[] = [];
