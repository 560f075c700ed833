/**
 * i18next set up with our two languages. The choice is remembered in localStorage; the first
 * visit follows the browser's languages. A member's saved language is applied by the session.
 * Only the language in use is downloaded (each is a chunk of about 8 KB gzip); the other is
 * fetched when someone switches to it.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../../shared/api.js';
import type { en } from './en.js';

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

/** The language's texts, as a chunk of their own. */
function loadTexts(language: Language): Promise<typeof en> {
  return language === 'es'
    ? import('./es.js').then((m) => m.es)
    : import('./en.js').then((m) => m.en);
}

/** Switches the interface language and remembers it in this browser. */
export async function setLanguage(language: Language): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not remembered across visits; the switch itself still works.
  }
  if (!i18next.hasResourceBundle(language, 'translation')) {
    i18next.addResourceBundle(language, 'translation', await loadTexts(language));
  }
  await i18next.changeLanguage(language);
}

/** The language to start in; its texts should be fetched as early as possible. */
export function initialLanguage(): Language {
  return storedLanguage() ?? browserLanguage();
}

/** Sets i18next up once `language`'s texts are in (es.ts has every key of en.ts: no fallback). */
export async function initI18n(language: Language): Promise<typeof i18next> {
  const texts = await loadTexts(language);
  await i18next.use(initReactI18next).init({
    resources: { [language]: { translation: texts } },
    lng: language,
    fallbackLng: false,
    supportedLngs: LANGUAGES,
    // React escapes text already; escaping here would show "&amp;" in names.
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  const syncDocument = (active: string) => {
    document.documentElement.lang = active;
  };
  syncDocument(currentLanguage());
  i18next.on('languageChanged', syncDocument);
  return i18next;
}
