import { lazy, Suspense } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { LoginPage } from '../features/account/LoginPage.js';
import { MeetingsPage } from '../features/meetings/MeetingsPage.js';
import { SessionProvider } from '../session/SessionProvider.js';
import { Loading } from '../ui/Loading.js';
import { ErrorBoundary } from './ErrorBoundary.js';
import { NotFoundPage } from './NotFoundPage.js';
import { RequireAdmin, RequireMember } from './RequireMember.js';
import { PublicShell, Shell } from './Shell.js';

// Screens most visits never open are split off, so the first load stays small.
const NewMeetingPage = lazy(() =>
  import('../features/meetings/NewMeetingPage.js').then((m) => ({ default: m.NewMeetingPage })),
);
const MeetingPage = lazy(() =>
  import('../features/meetings/MeetingPage.js').then((m) => ({ default: m.MeetingPage })),
);
const EditMeetingPage = lazy(() =>
  import('../features/meetings/EditMeetingPage.js').then((m) => ({ default: m.EditMeetingPage })),
);
const ProfilePage = lazy(() =>
  import('../features/account/ProfilePage.js').then((m) => ({ default: m.ProfilePage })),
);
const MembersPage = lazy(() =>
  import('../features/admin/MembersPage.js').then((m) => ({ default: m.MembersPage })),
);
const OutboxPage = lazy(() =>
  import('../features/admin/OutboxPage.js').then((m) => ({ default: m.OutboxPage })),
);
const OutboxMessagePage = lazy(() =>
  import('../features/admin/OutboxMessagePage.js').then((m) => ({
    default: m.OutboxMessagePage,
  })),
);
const JoinPage = lazy(() =>
  import('../features/join/JoinPage.js').then((m) => ({ default: m.JoinPage })),
);

export function App() {
  return (
    <ErrorBoundary>
      <BrowserRouter>
        <SessionProvider>
          <Suspense fallback={<Loading />}>
            <Routes>
              <Route element={<PublicShell />}>
                <Route path="/login" element={<LoginPage />} />
                <Route path="/m/:token" element={<JoinPage />} />
              </Route>
              <Route
                element={
                  <RequireMember>
                    <Shell />
                  </RequireMember>
                }
              >
                <Route index element={<Navigate to="/meetings" replace />} />
                <Route path="/meetings" element={<MeetingsPage />} />
                <Route path="/meetings/new" element={<NewMeetingPage />} />
                <Route path="/meetings/:id" element={<MeetingPage />} />
                <Route path="/meetings/:id/edit" element={<EditMeetingPage />} />
                <Route path="/profile" element={<ProfilePage />} />
                <Route
                  path="/admin/members"
                  element={
                    <RequireAdmin>
                      <MembersPage />
                    </RequireAdmin>
                  }
                />
                <Route
                  path="/admin/outbox"
                  element={
                    <RequireAdmin>
                      <OutboxPage />
                    </RequireAdmin>
                  }
                />
                <Route
                  path="/admin/outbox/:id"
                  element={
                    <RequireAdmin>
                      <OutboxMessagePage />
                    </RequireAdmin>
                  }
                />
                <Route path="*" element={<NotFoundPage />} />
              </Route>
            </Routes>
          </Suspense>
        </SessionProvider>
      </BrowserRouter>
    </ErrorBoundary>
  );
}
