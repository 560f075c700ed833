import { useEffect, useState } from 'react';
import { useTranslation } from '../../i18n/index.js';
import type { Member } from '../../../shared/api.js';
import { api } from '../../lib/api.js';
import { useMember } from '../../session/session-context.js';
import { Notice } from '../../ui/Alert.js';
import { Field } from '../../ui/Field.js';
import { Loading } from '../../ui/Loading.js';
import { useDocumentTitle } from '../../ui/use-document-title.js';
import { useLoad } from '../../ui/use-load.js';
import styles from './admin.module.css';
import { CreateMemberForm } from './CreateMemberForm.js';
import { ImportMembers } from './ImportMembers.js';
import { MemberRow } from './MemberRow.js';
import { LoadFailure } from '../../ui/LoadFailure.js';

/** Typing pauses this long before the list is fetched again. */
const SEARCH_DEBOUNCE_MS = 300;

/**
 * Admins: the organization's members, searching them, creating one or many (CSV), changing a
 * role, disabling or enabling one and resetting a password.
 */
export function MembersPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('admin.title'));
  const me = useMember();
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  useEffect(() => {
    const timer = window.setTimeout(() => setQuery(search.trim()), SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [search]);
  const { loaded, reload, replace } = useLoad(`members?q=${query}`, (signal) =>
    api.listMembers(signal, query),
  );
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
      <ImportMembers onImported={reload} />
      <h2 id="members-heading">{t('admin.listLabel')}</h2>
      <div className={styles.search}>
        <Field label={t('admin.search')} help={t('admin.searchHelp')}>
          {(control) => (
            <input
              {...control}
              type="search"
              name="q"
              autoComplete="off"
              data-testid="member-search"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
            />
          )}
        </Field>
      </div>
      <Notice>
        {loaded.status === 'ready' && query
          ? members.length === 0
            ? t('admin.noMatch', { query })
            : t('admin.resultCount', { count: members.length })
          : ''}
      </Notice>
      {loaded.status === 'loading' ? <Loading /> : null}
      {loaded.status === 'failed' ? <LoadFailure error={loaded.error} onRetry={reload} /> : null}
      {loaded.status === 'ready' && members.length === 0 && !query ? (
        <p>{t('admin.empty')}</p>
      ) : null}
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
