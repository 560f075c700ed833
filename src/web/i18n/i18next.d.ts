import 'i18next';
import type { en } from './en.js';

// Typed keys: a misspelt t('...') key fails the type check instead of showing the key.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}
