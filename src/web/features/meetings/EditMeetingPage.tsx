import { useTranslation } from '../../i18n/index.js';
import { Link, useNavigate, useParams } from 'react-router';
import { errorText } from '../../i18n/error-text.js';
import { api } from '../../lib/api.js';
import { Alert } from '../../ui/Alert.js';
import { Loading } from '../../ui/Loading.js';
import { useDocumentTitle } from '../../ui/use-document-title.js';
import { useLoad } from '../../ui/use-load.js';
import { meetingChanges } from './meeting-changes.js';
import { meetingBody, meetingValues } from './meeting-form-values.js';
import { passwordChanges } from './meeting-password.js';
import { MeetingForm } from './MeetingForm.js';

export function EditMeetingPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('meeting.editTitle'));
  const navigate = useNavigate();
  const id = useParams().id ?? '';
  const { loaded } = useLoad(id, (signal) => api.meeting(id, signal));
  const back = `/meetings/${id}`;

  return (
    <>
      <p>
        <Link to={back}>← {t('meeting.backToList')}</Link>
      </p>
      <h1>{t('meeting.editTitle')}</h1>
      {loaded.status === 'loading' ? <Loading /> : null}
      {loaded.status === 'failed' ? <Alert>{errorText(t, loaded.error)}</Alert> : null}
      {loaded.status === 'ready' ? (
        <MeetingForm
          initialValues={meetingValues(loaded.data)}
          initialParticipants={loaded.data.participants}
          saved={loaded.data}
          save={(body, password) => {
            const saved = loaded.data;
            const before = {
              ...meetingBody(
                meetingValues(saved),
                saved.participants.map((participant) => participant.address),
              ),
              waitingRoom: saved.waitingRoom,
              cohosts: saved.cohosts,
            };
            return api.updateMeeting(id, {
              ...meetingChanges(before, body),
              ...passwordChanges(saved.passwordProtected, password),
            });
          }}
          onSaved={() => void navigate(back)}
          onCancel={() => void navigate(back)}
        />
      ) : null}
    </>
  );
}
