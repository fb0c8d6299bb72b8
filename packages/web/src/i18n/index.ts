import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { zhCN } from './zh-CN';
import { en } from './en';
import { MODULE_TEXTS } from '../modules/texts';

/** Base text plus each feature module's own text (under its own top-level keys). */
function withModules(base: Record<string, unknown>, lang: 'zh-CN' | 'en'): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const m of MODULE_TEXTS) Object.assign(out, m[lang]);
  return out;
}

export type Lang = 'zh-CN' | 'en';

/** Languages offered in the header, each named in its own language (so never translated). */
export const LANGUAGES: readonly { code: Lang; label: string }[] = [
  { code: 'zh-CN', label: '中文' },
  { code: 'en', label: 'English' },
];

export const LANG_STORAGE_KEY = 'yy.lang';

function storedLang(): Lang {
  try {
    const v = localStorage.getItem(LANG_STORAGE_KEY);
    if (v === 'en' || v === 'zh-CN') return v;
  } catch {
    // storage unavailable (private mode): fall back to the default
  }
  return 'zh-CN';
}

function applySideEffects(lang: Lang): void {
  dayjs.locale(lang === 'zh-CN' ? 'zh-cn' : 'en');
  document.documentElement.lang = lang;
}

const initial = storedLang();
applySideEffects(initial);

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: withModules(zhCN, 'zh-CN') }, en: { translation: withModules(en, 'en') } },
  lng: initial,
  fallbackLng: 'zh-CN',
  supportedLngs: ['zh-CN', 'en'],
  interpolation: { escapeValue: false },
  returnNull: false,
});

export function currentLang(): Lang {
  return i18n.language === 'en' ? 'en' : 'zh-CN';
}

export async function setLang(lang: Lang): Promise<void> {
  try {
    localStorage.setItem(LANG_STORAGE_KEY, lang);
  } catch {
    // ignore: the choice then lasts for this page only
  }
  applySideEffects(lang);
  await i18n.changeLanguage(lang);
}

export default i18n;
