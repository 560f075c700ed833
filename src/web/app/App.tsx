import { lazy, Suspense, type ComponentType } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { loadAllTexts } from '../i18n/index.js';
import { SessionProvider } from '../session/SessionProvider.js';
import { Loading } from '../ui/Loading.js';
import { ErrorBoundary } from './ErrorBoundary.js';
import { NotFoundPage } from './NotFoundPage.js';
import { RequireAdmin, RequireMember } from './RequireMember.js';
import { PublicShell, Shell } from './Shell.js';

// Screens are split off, so a first load brings only what its route needs: above all, a guest
// opening a join link never downloads the member app.

/**
 * A screen beyond the first ones (login, lobby): its code and the texts the first screens do
 * without (src/web/i18n/en-rest.ts), both before it renders.
 */
function screen<M>(load: () => Promise<M>, pick: (module: M) => ComponentType) {
  return lazy(async () => {
    const [module] = await Promise.all([load(), loadAllTexts()]);
    return { default: pick(module) };
  });
}

const LoginPage = lazy(() =>
  import('../features/account/LoginPage.js').then((m) => ({ default: m.LoginPage })),
);
const MeetingsPage = screen(
  () => import('../features/meetings/MeetingsPage.js'),
  (m) => m.MeetingsPage,
);
const NewMeetingPage = screen(
  () => import('../features/meetings/NewMeetingPage.js'),
  (m) => m.NewMeetingPage,
);
const MeetingPage = screen(
  () => import('../features/meetings/MeetingPage.js'),
  (m) => m.MeetingPage,
);
const EditMeetingPage = screen(
  () => import('../features/meetings/EditMeetingPage.js'),
  (m) => m.EditMeetingPage,
);
const ProfilePage = screen(
  () => import('../features/account/ProfilePage.js'),
  (m) => m.ProfilePage,
);
const MembersPage = screen(
  () => import('../features/admin/MembersPage.js'),
  (m) => m.MembersPage,
);
const AllMeetingsPage = screen(
  () => import('../features/admin/AllMeetingsPage.js'),
  (m) => m.AllMeetingsPage,
);
const OutboxPage = screen(
  () => import('../features/admin/OutboxPage.js'),
  (m) => m.OutboxPage,
);
const OutboxMessagePage = screen(
  () => import('../features/admin/OutboxMessagePage.js'),
  (m) => m.OutboxMessagePage,
);
const SettingsPage = screen(
  () => import('../features/admin/SettingsPage.js'),
  (m) => m.SettingsPage,
);
const AuditLogPage = screen(
  () => import('../features/admin/AuditLogPage.js'),
  (m) => m.AuditLogPage,
);
const LobbyPage = lazy(() =>
  import('../features/lobby/LobbyPage.js').then((m) => ({ default: m.LobbyPage })),
);
const RsvpPage = screen(
  () => import('../features/rsvp/RsvpPage.js'),
  (m) => m.RsvpPage,
);
const loadRoomPage = () => import('../features/room/RoomPage.js');
const RoomPage = screen(loadRoomPage, (m) => m.RoomPage);

/**
 * The lobby leads to the room: its code is fetched, and WebRTC warmed up, while the guest types
 * their name or checks the camera, so Join does not wait for them
 * (docs/decisions/004-join-keeps-the-page-thread-free.md). Not before Join is enabled, though:
 * on a phone's network, the room's 110 KB would hold up the lobby's own code.
 */
function prefetchRoom() {
  void loadRoomPage().catch(() => {});
  void loadAllTexts().catch(() => {});
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
                <Route path="/r/:token" element={<RsvpPage />} />
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
