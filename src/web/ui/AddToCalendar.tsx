import { useTranslation } from '../i18n/index.js';
import type { CalendarLinks } from '../../shared/calendar-links.js';
import styles from './AddToCalendar.module.css';

/** "Add to calendar": the .ics file, and Google's and Outlook's web forms (new tabs). */
export function AddToCalendar({ links }: { links: CalendarLinks }) {
  const { t } = useTranslation();
  return (
    <section
      className={styles.calendar}
      aria-labelledby="add-to-calendar"
      data-testid="add-to-calendar"
    >
      <h2 id="add-to-calendar" className={styles.title}>
        {t('calendar.title')}
      </h2>
      <ul className={styles.links}>
        <li>
          <a href={links.icsUrl} download="meeting.ics">
            {t('calendar.ics')}
          </a>
        </li>
        <li>
          <a href={links.googleUrl} target="_blank" rel="noopener noreferrer">
            {t('calendar.google')}
          </a>
        </li>
        <li>
          <a href={links.outlookUrl} target="_blank" rel="noopener noreferrer">
            {t('calendar.outlook')}
          </a>
        </li>
      </ul>
      <p className={styles.note}>{t('calendar.webNote')}</p>
    </section>
  );
}
