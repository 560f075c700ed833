import { useTranslation } from '../i18n/index.js';
import { errorText } from '../i18n/error-text.js';
import { Alert } from './Alert.js';
import { Button } from './Button.js';

interface LoadMoreProps {
  /** How many items are shown, announced when it changes; omit when the page already says it. */
  shownText?: string;
  hasMore: boolean;
  more: { status: 'idle' } | { status: 'loading' } | { status: 'failed'; error: unknown };
  onMore: () => void;
  /** The button's text, e.g. "Show more meetings". */
  label: string;
}

/**
 * Below a paged list: how many items are shown (a polite live region, so a screen reader hears
 * the new count after each page) and a real button for the next page. The button stays where
 * it is while a page loads, so keyboard focus is not lost; it goes once the last page is in.
 */
export function LoadMore({ shownText, hasMore, more, onMore, label }: LoadMoreProps) {
  const { t } = useTranslation();
  const loading = more.status === 'loading';
  return (
    <>
      {shownText === undefined ? null : (
        <p role="status" aria-live="polite" data-testid="list-count">
          {shownText}
        </p>
      )}
      {more.status === 'failed' ? <Alert>{errorText(t, more.error)}</Alert> : null}
      {hasMore ? (
        <Button
          variant="secondary"
          // aria-disabled rather than disabled: a disabled button would drop keyboard focus.
          aria-disabled={loading}
          aria-busy={loading}
          onClick={() => {
            if (!loading) onMore();
          }}
        >
          {loading ? t('app.loading') : label}
        </Button>
      ) : null}
    </>
  );
}
