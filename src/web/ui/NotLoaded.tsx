import type { ReactNode } from 'react';
import { useTranslation } from '../i18n/index.js';
import { errorText } from '../i18n/error-text.js';
import { isApiError } from '../lib/api-error.js';
import { Alert } from './Alert.js';
import { Loading } from './Loading.js';
import type { Loaded } from './use-load.js';

/**
 * What a page about one thing (a meeting, a message) shows until it has it: that it is loading,
 * or, under the way back, why it could not; a 404 gets the page's own words for "not found".
 */
export function NotLoaded({
  loaded,
  back,
  notFound,
}: {
  loaded: Exclude<Loaded<unknown>, { status: 'ready' }>;
  back: ReactNode;
  notFound: string;
}) {
  const { t } = useTranslation();
  if (loaded.status === 'loading') return <Loading />;
  const missing = isApiError(loaded.error) && loaded.error.status === 404;
  return (
    <>
      {back}
      <Alert>{missing ? notFound : errorText(t, loaded.error)}</Alert>
    </>
  );
}
