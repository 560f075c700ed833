import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from '../../i18n/index.js';
import { MAX_CHAT_CHARS, type ChatMessage } from '../../../shared/signaling.js';
import { linkify } from '../../lib/linkify.js';
import styles from './room.module.css';

interface ChatPanelProps {
  messages: ChatMessage[];
  selfId: string | null;
  failed: boolean;
  onSend: (text: string) => boolean;
  onClose: () => void;
}

/** The meeting's shared chat: text and links only, newest at the bottom, read out politely. */
export function ChatPanel({ messages, selfId, failed, onSend, onClose }: ChatPanelProps) {
  const { t, language } = useTranslation();
  const [draft, setDraft] = useState('');
  const listRef = useRef<HTMLOListElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const time = new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit' });

  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [messages.length]);

  useEffect(() => inputRef.current?.focus(), []);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const text = draft.trim();
    if (!text) return;
    if (onSend(text)) setDraft('');
  }

  return (
    <aside className={styles.chat} aria-labelledby="chat-title" data-testid="room-chat">
      <div className={styles.chatHeader}>
        <h2 id="chat-title">{t('room.chat')}</h2>
        <button type="button" className={styles.chatClose} onClick={onClose}>
          {t('room.closeChat')}
        </button>
      </div>
      <ol ref={listRef} className={styles.chatList} aria-live="polite" aria-relevant="additions">
        {messages.length === 0 && <li className={styles.chatEmpty}>{t('room.chatEmpty')}</li>}
        {messages.map((message) => (
          <li key={message.id} className={styles.chatMessage} data-testid="chat-message">
            <span className={styles.chatMeta}>
              <strong>{message.peerId === selfId ? t('room.you') : message.displayName}</strong>{' '}
              <time dateTime={message.sentAt}>{time.format(new Date(message.sentAt))}</time>
            </span>
            <span className={styles.chatText} data-testid="chat-text">
              {linkify(message.text).map((piece, index) =>
                piece.kind === 'link' ? (
                  <a key={index} href={piece.href} target="_blank" rel="noopener noreferrer">
                    {piece.text}
                  </a>
                ) : (
                  piece.text
                ),
              )}
            </span>
          </li>
        ))}
      </ol>
      <form className={styles.chatForm} onSubmit={submit}>
        <label htmlFor="chat-input" className="visually-hidden">
          {t('room.chatMessage')}
        </label>
        <input
          ref={inputRef}
          id="chat-input"
          value={draft}
          maxLength={MAX_CHAT_CHARS}
          autoComplete="off"
          onChange={(event) => setDraft(event.target.value)}
          placeholder={t('room.chatPlaceholder')}
          aria-describedby={failed ? 'chat-failed' : undefined}
          data-testid="room-chat-input"
        />
        <button type="submit" data-testid="room-chat-send">
          {t('room.send')}
        </button>
      </form>
      {failed && (
        <p id="chat-failed" role="alert" className={styles.chatFailed}>
          {t('room.chatFailed')}
        </p>
      )}
    </aside>
  );
}
