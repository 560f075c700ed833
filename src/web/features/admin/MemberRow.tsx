import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Member } from '../../../shared/api.js';
import { errorText } from '../../i18n/error-text.js';
import { api } from '../../lib/api.js';
import { Avatar } from '../../ui/Avatar.js';
import { Button } from '../../ui/Button.js';
import styles from './admin.module.css';

interface MemberRowProps {
  member: Member;
  isSelf: boolean;
  onChanged: (member: Member) => void;
}

export function MemberRow({ member, isSelf, onChanged }: MemberRowProps) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState('');

  async function toggle() {
    setBusy(true);
    setFailure('');
    try {
      onChanged(await api.updateMember(member.id, { disabled: !member.disabled }));
    } catch (error) {
      setFailure(errorText(t, error));
    } finally {
      setBusy(false);
    }
  }

  const name = member.displayName;
  return (
    <li
      className={styles.row}
      data-testid="member-row"
      data-username={member.username}
      data-disabled={member.disabled}
    >
      <Avatar name={name} url={member.avatarUrl} />
      <div className={styles.rowMain}>
        <p className={styles.name}>
          {name} {isSelf ? <span className={styles.muted}>{t('admin.you')}</span> : null}
        </p>
        <p className={styles.meta}>
          {member.username} · {member.email}
        </p>
        <p className={styles.meta}>
          {t(`admin.role_${member.role}`)} ·{' '}
          <span className={member.disabled ? styles.disabled : styles.active}>
            {member.disabled ? t('admin.disabled') : t('admin.active')}
          </span>
        </p>
        {failure ? (
          <p role="alert" className={styles.error}>
            {failure}
          </p>
        ) : null}
      </div>
      {isSelf ? null : (
        <Button
          variant={member.disabled ? 'secondary' : 'quiet'}
          disabled={busy}
          aria-label={t(member.disabled ? 'admin.enableLabel' : 'admin.disableLabel', { name })}
          onClick={() => void toggle()}
        >
          {member.disabled ? t('admin.enable') : t('admin.disable')}
        </Button>
      )}
    </li>
  );
}
