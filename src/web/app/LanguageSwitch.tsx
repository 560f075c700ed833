import { LANGUAGES, useTranslation } from '../i18n/index.js';
import { useSession } from '../session/session-context.js';
import styles from './LanguageSwitch.module.css';

/** English / Español as two toggle buttons; each name is written in its own language. */
export function LanguageSwitch() {
  const { t, language: active } = useTranslation();
  const { changeLanguage } = useSession();
  return (
    <div role="group" aria-label={t('nav.language')} className={styles.group}>
      {LANGUAGES.map((language) => (
        <button
          key={language}
          type="button"
          lang={language}
          className={styles.option}
          aria-pressed={language === active}
          onClick={() => void changeLanguage(language).catch(() => undefined)}
        >
          {t(`language.${language}`)}
        </button>
      ))}
    </div>
  );
}
