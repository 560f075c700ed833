import { useState, type FormEvent } from 'react';
import { useTranslation } from '../../i18n/index.js';
import type { MemberImportReport } from '../../../shared/api.js';
import { errorText } from '../../i18n/error-text.js';
import { api } from '../../lib/api.js';
import { Alert, Notice } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { CopyButton } from '../../ui/CopyButton.js';
import { DataTable } from '../../ui/DataTable.js';
import { Field } from '../../ui/Field.js';
import styles from './admin.module.css';

/** "Import from CSV": upload a file, then a table of what each row became. */
export function ImportMembers({ onImported }: { onImported: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState('');
  const [failure, setFailure] = useState('');
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<MemberImportReport | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFailure('');
    if (!file) {
      setFileError(t('admin.importChooseFile'));
      return;
    }
    setFileError('');
    setBusy(true);
    try {
      const answer = await api.importMembers(file, file.name);
      setReport(answer);
      if (answer.created > 0) onImported();
    } catch (error) {
      setReport(null);
      setFailure(errorText(t, error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate className={styles.card}>
      <h2>{t('admin.importTitle')}</h2>
      <p className={styles.intro}>{t('admin.importHelp')}</p>
      <Alert>{failure}</Alert>
      <Field label={t('admin.importFile')} error={fileError}>
        {(control) => (
          <input
            {...control}
            type="file"
            name="file"
            accept=".csv,text/csv"
            data-testid="members-import-file"
            onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          />
        )}
      </Field>
      <Button type="submit" disabled={busy}>
        {busy ? t('admin.importing') : t('admin.importUpload')}
      </Button>
      <Notice>
        {report
          ? t('admin.importSummary', { created: report.created, refused: report.refused })
          : ''}
      </Notice>
      {report && report.rows.length > 0 ? (
        <div data-testid="members-import-report">
          {report.created > 0 ? (
            <p className={styles.intro}>{t('admin.importPasswordNote')}</p>
          ) : null}
          <DataTable caption={t('admin.importReport')}>
            <thead>
              <tr>
                <th scope="col">{t('admin.importLine')}</th>
                <th scope="col">{t('admin.email')}</th>
                <th scope="col">{t('admin.username')}</th>
                <th scope="col">{t('admin.importResult')}</th>
                <th scope="col">{t('admin.importPassword')}</th>
              </tr>
            </thead>
            <tbody>
              {report.rows.map((row) => (
                <tr key={row.line} data-testid="import-row" data-status={row.status}>
                  <td>{row.line}</td>
                  <td className={styles.title}>{row.email}</td>
                  <td className={styles.title}>{row.username}</td>
                  <td className={styles.reason}>
                    {row.status === 'created' ? (
                      <span className={styles.active}>{t('admin.importCreated')}</span>
                    ) : (
                      <>
                        <span className={styles.disabled}>{t('admin.importRefused')}</span>
                        {/* VALIDATION messages name the field; other codes have our own text. */}
                        <br />
                        {row.code && row.code !== 'VALIDATION'
                          ? t(`errors.${row.code}`)
                          : row.message}
                      </>
                    )}
                  </td>
                  <td>
                    {row.password ? (
                      <>
                        <code className={styles.secret}>{row.password}</code>{' '}
                        <CopyButton
                          text={row.password}
                          label={t('admin.copyPassword')}
                          context={row.email}
                          variant="quiet"
                        />
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </DataTable>
        </div>
      ) : null}
    </form>
  );
}
