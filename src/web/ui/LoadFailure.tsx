import { useTranslation } from '../i18n/index.js';
import { errorText } from '../i18n/error-text.js';
import { Alert } from './Alert.js';
import { Button } from './Button.js';

/** What a screen shows when its data could not be loaded: the reason, and a way to try again. */
export function LoadFailure({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <>
      <Alert>{errorText(t, error)}</Alert>
      <Button variant="quiet" onClick={onRetry}>
        {t('app.reload')}
      </Button>
    </>
  );
}
