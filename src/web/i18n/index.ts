/**
 * i18next set up with our two languages. The choice is remembered in localStorage; the first
 * visit follows the browser's languages. A member's saved language is applied by the session.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../../shared/api.js';
import { en } from './en.js';
import { es } from './es.js';

export const LANGUAGES = ['en', 'es'] as const satisfies readonly Language[];
const STORAGE_KEY = 'tertulia.language';

export function isLanguage(value: unknown): value is Language {
  return LANGUAGES.includes(value as Language);
}

function storedLanguage(): Language | undefined {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return isLanguage(value) ? value : undefined;
  } catch {
    return undefined; // storage blocked (privacy mode): fall back to the browser's languages
  }
}

function browserLanguage(): Language {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

export function currentLanguage(): Language {
  return isLanguage(i18next.language) ? i18next.language : 'en';
}

/** Switches the interface language and remembers it in this browser. */
export async function setLanguage(language: Language): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not remembered across visits; the switch itself still works.
  }
  await i18next.changeLanguage(language);
}

export function initI18n(): typeof i18next {
  void i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, es: { translation: es } },
    lng: storedLanguage() ?? browserLanguage(),
    fallbackLng: 'en',
    supportedLngs: LANGUAGES,
    // React escapes text already; escaping here would show "&amp;" in names.
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  const syncDocument = (language: string) => {
    document.documentElement.lang = language;
  };
  syncDocument(currentLanguage());
  i18next.on('languageChanged', syncDocument);
  return i18next;
}
