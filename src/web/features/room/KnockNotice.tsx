import { useEffect, useRef } from 'react';
import { useTranslation } from '../../i18n/index.js';
import type { WaitingGuest } from '../../../shared/signaling.js';
import { playKnock } from './knock-sound.js';
import { PersonBadge } from './PersonBadge.js';
import styles from './hosts.module.css';

interface KnockNoticeProps {
  knocks: WaitingGuest[];
  onAdmit: (waitingId: string) => void;
  onDeny: (waitingId: string) => void;
  onAdmitAll: () => void;
}

/** Hosts: who waits to come in, with a chime for each new one, announced to screen readers. */
export function KnockNotice({ knocks, onAdmit, onDeny, onAdmitAll }: KnockNoticeProps) {
  const { t } = useTranslation();
  const heard = useRef(new Set<string>());
  useEffect(() => {
    const fresh = knocks.filter((k) => !heard.current.has(k.waitingId));
    for (const knock of fresh) heard.current.add(knock.waitingId);
    if (fresh.length > 0) playKnock();
  }, [knocks]);

  return (
    <section
      className={knocks.length > 0 ? styles.knocks : 'visually-hidden'}
      aria-labelledby="knocks-title"
      aria-live="polite"
      data-testid="room-knocks"
    >
      <h2 id="knocks-title">
        {knocks.length > 0 ? t('hosts.knocksTitle', { count: knocks.length }) : ''}
      </h2>
      <ul className={styles.knockList}>
        {knocks.map((knock) => (
          <li key={knock.waitingId} className={styles.person} data-testid="room-knock">
            <PersonBadge name={knock.displayName} avatarUrl={knock.avatarUrl} />
            <span className={styles.name}>
              {t('hosts.knockWaits', { name: knock.displayName })}
            </span>
            <span className={styles.actions}>
              <button
                type="button"
                onClick={() => onAdmit(knock.waitingId)}
                aria-label={t('hosts.admitName', { name: knock.displayName })}
                data-testid="room-knock-admit"
              >
                {t('hosts.admit')}
              </button>
              <button
                type="button"
                className={styles.danger}
                onClick={() => onDeny(knock.waitingId)}
                aria-label={t('hosts.denyName', { name: knock.displayName })}
                data-testid="room-knock-deny"
              >
                {t('hosts.deny')}
              </button>
            </span>
          </li>
        ))}
      </ul>
      {knocks.length > 1 && (
        <div className={styles.actions}>
          <button type="button" onClick={onAdmitAll} data-testid="room-knock-admit-all">
            {t('hosts.admitAll')}
          </button>
        </div>
      )}
    </section>
  );
}
