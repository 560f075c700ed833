import { useState } from 'react';
import { useTranslation } from '../../i18n/index.js';
import { useNavigate } from 'react-router';
import { api } from '../../lib/api.js';
import { useDocumentTitle } from '../../ui/use-document-title.js';
import { newMeetingValues } from './meeting-form-values.js';
import { passwordCreateFields } from './meeting-password.js';
import { MeetingForm } from './MeetingForm.js';

export function NewMeetingPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('meeting.newTitle'));
  const navigate = useNavigate();
  const [initialValues] = useState(() => newMeetingValues());
  return (
    <>
      <h1>{t('meeting.newTitle')}</h1>
      <MeetingForm
        initialValues={initialValues}
        save={(body, password) => api.createMeeting({ ...body, ...passwordCreateFields(password) })}
        onSaved={(meeting) => void navigate(`/meetings/${meeting.id}`)}
        onCancel={() => void navigate('/meetings')}
      />
    </>
  );
}
