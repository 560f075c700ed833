/**
 * The interface language: English or Spanish. The choice is remembered in localStorage; the
 * first visit follows the browser's languages. A member's saved language is applied by the
 * session. Only the language in use is downloaded, and of it first only what the first screens
 * need (2.7 KB gzip of 7.5): a guest's lobby waits for no more.
 */
import { useSyncExternalStore } from 'react';
import type { Language } from '../../shared/api.js';
import { translator, type TFunction, type Texts } from './translate.js';

export type { TextKey, TFunction } from './translate.js';

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

/** The language to start in, before anything is fetched. */
export function initialLanguage(): Language {
  return storedLanguage() ?? browserLanguage();
}

/**
 * Texts come in two parts per language, each a chunk: what every first screen may need
 * (en-start.ts: the frame, login, lobby, errors) and the rest, fetched with any other screen.
 */
type Part = 'start' | 'rest';

function loadPart(language: Language, part: Part): Promise<Partial<Texts>> {
  if (language === 'es') {
    return part === 'start'
      ? import('./es-start.js').then((m) => m.esStart)
      : import('./es-rest.js').then((m) => m.esRest);
  }
  return part === 'start'
    ? import('./en-start.js').then((m) => m.enStart)
    : import('./en-rest.js').then((m) => m.enRest);
}

interface Active {
  language: Language;
  t: TFunction;
}

/** Until the first texts are in, keys show as themselves (nothing renders before that). */
let active: Active = { language: 'en', t: translator('en', {} as Texts) };
/** The language last asked for. */
let target: Language = 'en';
const wanted = new Set<Part>(['start']);
const listeners = new Set<() => void>();
let generation = 0;
let newest: Promise<void> = Promise.resolve();

/**
 * Loads the wanted parts in the language last asked for and makes them the texts in use. A
 * later call (a switch, or more parts) overtakes one still on its way: that one then resolves
 * with the later one, never putting older texts back.
 */
function activateTarget(): Promise<void> {
  const mine = ++generation;
  const language = target;
  newest = Promise.all([...wanted].map((part) => loadPart(language, part))).then((parts) => {
    if (mine !== generation) return newest;
    // A part not wanted yet shows its keys as themselves, but no screen that uses them renders
    // before asking for all texts (App.tsx).
    active = { language, t: translator(language, Object.assign({}, ...parts) as Texts) };
    document.documentElement.lang = language;
    for (const listener of listeners) listener();
  });
  return newest;
}

export function currentLanguage(): Language {
  return active.language;
}

/** Loads the first screens' texts in `language`; render after this. */
export function initI18n(language: Language): Promise<void> {
  target = language;
  return activateTarget();
}

let allTexts: Promise<void> | null = null;

/** Loads every text of the language in use (and of any switched to later): for a screen. */
export function loadAllTexts(): Promise<void> {
  if (!allTexts) {
    wanted.add('rest');
    allTexts = activateTarget().catch((error: unknown) => {
      allTexts = null; // the next screen tries again
      throw error;
    });
  }
  return allTexts;
}

/** Switches the interface language and remembers it in this browser. */
export async function setLanguage(language: Language): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not remembered across visits; the switch itself still works.
  }
  if (language === target) return;
  target = language;
  await activateTarget();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const snapshot = () => active;

/** The translator and language in use; the component renders again when the language changes. */
export function useTranslation(): Active {
  return useSyncExternalStore(subscribe, snapshot);
}
