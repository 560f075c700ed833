import { useState, type FormEvent } from 'react';
import { useTranslation } from '../../i18n/index.js';
import type { Member, NewMember, Role } from '../../../shared/api.js';
import { errorText } from '../../i18n/error-text.js';
import { api } from '../../lib/api.js';
import { isApiError } from '../../lib/api-error.js';
import { Alert, Notice } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { Field } from '../../ui/Field.js';
import styles from './admin.module.css';

// Mirrors src/shared/api.ts (createMemberBody); values from there would bring zod into the bundle.
const PASSWORD_MIN = 10;
const USERNAME = /^[a-z0-9][a-z0-9._-]{1,31}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type FieldName = Exclude<keyof NewMember, 'role'>;
const EMPTY: NewMember = { email: '', username: '', displayName: '', role: 'member', password: '' };

export function CreateMemberForm({ onCreated }: { onCreated: (member: Member) => void }) {
  const { t } = useTranslation();
  const [values, setValues] = useState<NewMember>(EMPTY);
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [failure, setFailure] = useState('');
  const [created, setCreated] = useState('');
  const [busy, setBusy] = useState(false);

  const set = (field: keyof NewMember) => (value: string) =>
    setValues((previous) => ({ ...previous, [field]: value }));

  function check(member: NewMember) {
    const found: Partial<Record<FieldName, string>> = {};
    if (!member.email) found.email = t('admin.required');
    else if (!EMAIL.test(member.email)) found.email = t('admin.emailInvalid');
    if (!member.username) found.username = t('admin.required');
    else if (!USERNAME.test(member.username)) found.username = t('admin.usernameInvalid');
    if (!member.displayName) found.displayName = t('admin.required');
    if (member.password.length < PASSWORD_MIN) {
      found.password = t('admin.passwordTooShort', { min: PASSWORD_MIN });
    }
    return found;
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFailure('');
    setCreated('');
    const member: NewMember = {
      ...values,
      email: values.email.trim().toLowerCase(),
      username: values.username.trim().toLowerCase(),
      displayName: values.displayName.trim(),
    };
    const found = check(member);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const saved = await api.createMember(member);
      onCreated(saved);
      setValues(EMPTY);
      setCreated(t('admin.created', { name: saved.displayName }));
    } catch (error) {
      if (isApiError(error, 'EMAIL_TAKEN')) setErrors({ email: errorText(t, error) });
      else if (isApiError(error, 'USERNAME_TAKEN')) setErrors({ username: errorText(t, error) });
      else setFailure(errorText(t, error));
    } finally {
      setBusy(false);
    }
  }

  const text = (field: FieldName, type: string, autoComplete: string, help?: string) => (
    <Field label={t(`admin.${field}`)} error={errors[field]} help={help}>
      {(control) => (
        <input
          {...control}
          type={type}
          name={field}
          autoComplete={autoComplete}
          value={values[field]}
          onChange={(event) => set(field)(event.target.value)}
        />
      )}
    </Field>
  );

  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate className={styles.card}>
      <h2>{t('admin.createTitle')}</h2>
      <Alert>{failure}</Alert>
      <div className={styles.grid}>
        {text('email', 'email', 'off')}
        {text('username', 'text', 'off', t('admin.usernameHelp'))}
        {text('displayName', 'text', 'off')}
        <Field label={t('admin.role')}>
          {(control) => (
            <select
              {...control}
              name="role"
              value={values.role}
              onChange={(event) => set('role')(event.target.value as Role)}
            >
              <option value="member">{t('admin.role_member')}</option>
              <option value="admin">{t('admin.role_admin')}</option>
            </select>
          )}
        </Field>
        {text('password', 'text', 'new-password', t('admin.passwordHelp', { min: PASSWORD_MIN }))}
      </div>
      <Notice>{created}</Notice>
      <Button type="submit" disabled={busy}>
        {busy ? t('admin.creating') : t('admin.create')}
      </Button>
    </form>
  );
}
