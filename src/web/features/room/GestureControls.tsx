import { useEffect, useRef, useState } from 'react';
import { useTranslation } from '../../i18n/index.js';
import { REACTIONS, type Reaction } from '../../../shared/signaling.js';
import { REACTION_PICTURES } from './gestures.js';
import styles from './gestures.module.css';
import roomStyles from './room.module.css';

interface GestureControlsProps {
  handRaised: boolean;
  onHand: (raised: boolean) => void;
  onReact: (reaction: Reaction) => void;
}

/** The hand button and the reactions menu, in the meeting's toolbar. */
export function GestureControls({ handRaised, onHand, onReact }: GestureControlsProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const menu = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (open) menu.current?.querySelector('button')?.focus();
  }, [open]);

  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };

  return (
    <>
      <button
        type="button"
        className={`${roomStyles.control} ${handRaised ? roomStyles.controlOn : ''}`}
        aria-pressed={handRaised}
        onClick={() => onHand(!handRaised)}
        data-testid="room-hand"
      >
        <span aria-hidden="true">✋</span>
        <span className={roomStyles.controlLabel}>
          {t(handRaised ? 'gestures.lowerHand' : 'gestures.raiseHand')}
        </span>
      </button>
      <span className={styles.reactionsAnchor}>
        <button
          ref={toggle}
          type="button"
          className={roomStyles.control}
          aria-expanded={open}
          aria-haspopup="true"
          onClick={() => setOpen(!open)}
          data-testid="room-reactions"
        >
          <span aria-hidden="true">🙂</span>
          <span className={roomStyles.controlLabel}>{t('gestures.reactions')}</span>
        </button>
        {open && (
          <div
            ref={menu}
            className={styles.reactionMenu}
            role="group"
            aria-label={t('gestures.reactions')}
            onKeyDown={(event) => {
              if (event.key === 'Escape') close();
            }}
          >
            {REACTIONS.map((reaction) => (
              <button
                key={reaction}
                type="button"
                className={styles.reactionChoice}
                aria-label={t(`gestures.reaction_${reaction}`)}
                title={t(`gestures.reaction_${reaction}`)}
                onClick={() => {
                  onReact(reaction);
                  close();
                }}
                data-testid={`reaction-${reaction}`}
              >
                <span aria-hidden="true">{REACTION_PICTURES[reaction]}</span>
              </button>
            ))}
          </div>
        )}
      </span>
    </>
  );
}
