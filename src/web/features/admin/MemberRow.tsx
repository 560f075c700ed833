import { useState } from 'react';
import { useTranslation } from '../../i18n/index.js';
import type { Member, Role } from '../../../shared/api.js';
import { errorText } from '../../i18n/error-text.js';
import { api } from '../../lib/api.js';
import { Avatar } from '../../ui/Avatar.js';
import { Button } from '../../ui/Button.js';
import styles from './admin.module.css';
import { ResetPassword } from './ResetPassword.js';

interface MemberRowProps {
  member: Member;
  isSelf: boolean;
  onChanged: (member: Member) => void;
}

export function MemberRow({ member, isSelf, onChanged }: MemberRowProps) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState('');

  async function change(changes: { disabled?: boolean; role?: Role }) {
    setBusy(true);
    setFailure('');
    try {
      onChanged(await api.updateMember(member.id, changes));
    } catch (error) {
      setFailure(errorText(t, error));
    } finally {
      setBusy(false);
    }
  }

  const name = member.displayName;
  const isAdmin = member.role === 'admin';
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
        <div className={styles.actions}>
          <Button
            variant="quiet"
            disabled={busy}
            data-testid="member-role"
            aria-label={t(isAdmin ? 'admin.makeMemberLabel' : 'admin.makeAdminLabel', { name })}
            onClick={() => void change({ role: isAdmin ? 'member' : 'admin' })}
          >
            {isAdmin ? t('admin.makeMember') : t('admin.makeAdmin')}
          </Button>
          <Button
            variant={member.disabled ? 'secondary' : 'quiet'}
            disabled={busy}
            aria-label={t(member.disabled ? 'admin.enableLabel' : 'admin.disableLabel', { name })}
            onClick={() => void change({ disabled: !member.disabled })}
          >
            {member.disabled ? t('admin.enable') : t('admin.disable')}
          </Button>
          <ResetPassword member={member} />
        </div>
      )}
    </li>
  );
}
