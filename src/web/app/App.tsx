import { lazy, Suspense } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { SessionProvider } from '../session/SessionProvider.js';
import { Loading } from '../ui/Loading.js';
import { ErrorBoundary } from './ErrorBoundary.js';
import { NotFoundPage } from './NotFoundPage.js';
import { RequireAdmin, RequireMember } from './RequireMember.js';
import { PublicShell, Shell } from './Shell.js';

// Screens are split off, so a first load brings only what its route needs: above all, a guest
// opening a join link never downloads the member app.
const LoginPage = lazy(() =>
  import('../features/account/LoginPage.js').then((m) => ({ default: m.LoginPage })),
);
const MeetingsPage = lazy(() =>
  import('../features/meetings/MeetingsPage.js').then((m) => ({ default: m.MeetingsPage })),
);
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
const AllMeetingsPage = lazy(() =>
  import('../features/admin/AllMeetingsPage.js').then((m) => ({ default: m.AllMeetingsPage })),
);
const OutboxPage = lazy(() =>
  import('../features/admin/OutboxPage.js').then((m) => ({ default: m.OutboxPage })),
);
const OutboxMessagePage = lazy(() =>
  import('../features/admin/OutboxMessagePage.js').then((m) => ({
    default: m.OutboxMessagePage,
  })),
);
const SettingsPage = lazy(() =>
  import('../features/admin/SettingsPage.js').then((m) => ({ default: m.SettingsPage })),
);
const AuditLogPage = lazy(() =>
  import('../features/admin/AuditLogPage.js').then((m) => ({ default: m.AuditLogPage })),
);
const LobbyPage = lazy(() =>
  import('../features/lobby/LobbyPage.js').then((m) => ({ default: m.LobbyPage })),
);
const loadRoomPage = () => import('../features/room/RoomPage.js');
const RoomPage = lazy(() => loadRoomPage().then((m) => ({ default: m.RoomPage })));

/**
 * The lobby leads to the room: its code is fetched, and WebRTC warmed up, while the guest types
 * their name or checks the camera, so Join does not wait for them
 * (docs/decisions/004-join-keeps-the-page-thread-free.md). Not before Join is enabled, though:
 * on a phone's network, the room's 110 KB would hold up the lobby's own code.
 */
function prefetchRoom() {
  void loadRoomPage().catch(() => {});
  void import('../features/room/webrtc-warmup.js')
    .then(({ warmUpWebRtc }) => warmUpWebRtc())
    .catch(() => {});
}

function LobbyThenRoom() {
  return <LobbyPage onJoinReady={prefetchRoom} />;
}

export function App() {
  return (
    <ErrorBoundary>
      <BrowserRouter>
        <SessionProvider>
          <Suspense fallback={<Loading />}>
            <Routes>
              <Route element={<PublicShell />}>
                <Route path="/login" element={<LoginPage />} />
                <Route path="/m/:token" element={<LobbyThenRoom />} />
                <Route path="/m/:token/room" element={<RoomPage />} />
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
                  path="/admin/meetings"
                  element={
                    <RequireAdmin>
                      <AllMeetingsPage />
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
                <Route
                  path="/admin/settings"
                  element={
                    <RequireAdmin>
                      <SettingsPage />
                    </RequireAdmin>
                  }
                />
                <Route
                  path="/admin/audit"
                  element={
                    <RequireAdmin>
                      <AuditLogPage />
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
