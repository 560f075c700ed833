import { useTranslation } from 'react-i18next';
import type { Member } from '../../../shared/api.js';
import { errorText } from '../../i18n/error-text.js';
import { api } from '../../lib/api.js';
import { useMember } from '../../session/session-context.js';
import { Alert } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { Loading } from '../../ui/Loading.js';
import { useDocumentTitle } from '../../ui/use-document-title.js';
import { useLoad } from '../../ui/use-load.js';
import styles from './admin.module.css';
import { CreateMemberForm } from './CreateMemberForm.js';
import { MemberRow } from './MemberRow.js';

/** Admins: the organization's members, creating one, and disabling or enabling one. */
export function MembersPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('admin.title'));
  const me = useMember();
  const { loaded, reload, replace } = useLoad('members', (signal) => api.listMembers(signal));
  const members = loaded.status === 'ready' ? loaded.data : [];

  const upsert = (member: Member) =>
    replace(
      members.some((m) => m.id === member.id)
        ? members.map((m) => (m.id === member.id ? member : m))
        : [...members, member],
    );

  return (
    <>
      <h1>{t('admin.title')}</h1>
      <CreateMemberForm onCreated={upsert} />
      <h2 id="members-heading">{t('admin.listLabel')}</h2>
      {loaded.status === 'loading' ? <Loading /> : null}
      {loaded.status === 'failed' ? (
        <>
          <Alert>{errorText(t, loaded.error)}</Alert>
          <Button variant="quiet" onClick={reload}>
            {t('app.reload')}
          </Button>
        </>
      ) : null}
      {loaded.status === 'ready' && members.length === 0 ? <p>{t('admin.empty')}</p> : null}
      {members.length > 0 ? (
        <ul className={styles.list} aria-labelledby="members-heading">
          {members.map((member) => (
            <MemberRow
              key={member.id}
              member={member}
              isSelf={member.id === me.id}
              onChanged={upsert}
            />
          ))}
        </ul>
      ) : null}
    </>
  );
}
