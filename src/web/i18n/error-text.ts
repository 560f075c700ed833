import type { TFunction } from './translate.js';
import { isApiError } from '../lib/api-error.js';

/**
 * What to tell a person about a failed request: our translation for a known code, otherwise the
 * server's own message (VALIDATION messages name the field, which a generic text would lose).
 */
export function errorText(t: TFunction, error: unknown): string {
  if (!isApiError(error)) return t('errors.INTERNAL');
  if (error.code === 'VALIDATION') return error.message;
  return t(`errors.${error.code}`, { defaultValue: error.message });
}
