import { useEffect, useRef, useState } from 'react';
import { useTranslation } from '../../i18n/index.js';
import type { RoomParticipant } from '../../../shared/signaling.js';
import { handsInOrder } from './gestures.js';
import styles from './gestures.module.css';

interface HandsQueueProps {
  participants: RoomParticipant[];
  selfId: string | null;
  /** Hosts lower anyone's hand; everyone lowers their own. */
  host: boolean;
  onLower: (peerId: string) => void;
}

/**
 * The raised hands in the order raised, with a Lower button where the viewer may use one, and
 * an announcement for screen readers of each hand raised or lowered.
 */
export function HandsQueue({ participants, selfId, host, onLower }: HandsQueueProps) {
  const { t } = useTranslation();
  const hands = handsInOrder(participants);
  const announcement = useHandAnnouncement(hands, selfId);
  return (
    <>
      <p className="visually-hidden" aria-live="polite" data-testid="hands-announcement">
        {announcement}
      </p>
      {hands.length > 0 && (
        <section className={styles.hands} aria-labelledby="hands-title" data-testid="hands">
          <h2 id="hands-title" className={styles.handsTitle}>
            {t('gestures.handsTitle', { count: hands.length })}
          </h2>
          <ol className={styles.handsList}>
            {hands.map((p) => {
              const name =
                p.peerId === selfId ? t('room.youName', { name: p.displayName }) : p.displayName;
              return (
                <li
                  key={p.peerId}
                  className={styles.hand}
                  data-testid="hand"
                  data-name={p.displayName}
                >
                  <span aria-hidden="true">✋</span>
                  <span className={styles.handName}>{name}</span>
                  {(host || p.peerId === selfId) && (
                    <button
                      type="button"
                      className={styles.lowerHand}
                      onClick={() => onLower(p.peerId)}
                      aria-label={t('gestures.lowerHandOf', { name })}
                      data-testid="lower-hand"
                    >
                      {t('gestures.lower')}
                    </button>
                  )}
                </li>
              );
            })}
          </ol>
        </section>
      )}
    </>
  );
}

/** The latest change to the hands, as a sentence (raised or lowered, by name). */
function useHandAnnouncement(hands: RoomParticipant[], selfId: string | null): string {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const previous = useRef<Map<string, string> | null>(null);
  const key = hands.map((p) => p.peerId).join(' ');
  useEffect(() => {
    const now = new Map(hands.map((p) => [p.peerId, p.displayName]));
    const before = previous.current;
    previous.current = now;
    if (!before) return;
    const raised = hands.filter((p) => !before.has(p.peerId) && p.peerId !== selfId);
    const lowered = [...before].filter(([peerId]) => !now.has(peerId));
    const sentences = [
      ...raised.map((p) => t('gestures.raisedAnnouncement', { name: p.displayName })),
      ...lowered.map(([peerId, name]) =>
        peerId === selfId
          ? t('gestures.yourHandLowered')
          : t('gestures.loweredAnnouncement', { name }),
      ),
    ];
    if (sentences.length) setText(sentences.join(' '));
    // Keyed by who has a hand up; the names come with it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return text;
}
