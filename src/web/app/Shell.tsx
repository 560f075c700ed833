import { Suspense, useEffect, useRef, useState } from 'react';
import { useTranslation } from '../i18n/index.js';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { Avatar } from '../ui/Avatar.js';
import { Loading } from '../ui/Loading.js';
import { useMember, useSession } from '../session/session-context.js';
import { LanguageSwitch } from './LanguageSwitch.js';
import styles from './Shell.module.css';

/** The frame of every member page: top bar with navigation, then the page. */
export function Shell() {
  const { t } = useTranslation();
  const member = useMember();
  const { logOut } = useSession();
  const navigate = useNavigate();
  const [leaving, setLeaving] = useState(false);
  const main = useMainFocusOnNavigation();

  async function onLogOut() {
    setLeaving(true);
    try {
      await logOut();
    } finally {
      void navigate('/login', { replace: true });
    }
  }

  const linkClass = ({ isActive }: { isActive: boolean }) =>
    isActive ? `${styles.link} ${styles.active}` : styles.link;

  return (
    <>
      <a href="#main" className={styles.skip}>
        {t('app.skipToContent')}
      </a>
      <header className={styles.bar}>
        <span className={styles.brand}>{t('app.name')}</span>
        <nav aria-label={t('app.mainNav')} className={styles.nav}>
          <NavLink to="/meetings" className={linkClass}>
            {t('nav.meetings')}
          </NavLink>
          {member.role === 'admin' ? (
            <>
              <NavLink to="/admin/members" className={linkClass}>
                {t('nav.members')}
              </NavLink>
              <NavLink to="/admin/meetings" className={linkClass}>
                {t('nav.allMeetings')}
              </NavLink>
              <NavLink to="/admin/outbox" className={linkClass}>
                {t('nav.outbox')}
              </NavLink>
              <NavLink to="/admin/settings" className={linkClass}>
                {t('nav.settings')}
              </NavLink>
              <NavLink to="/admin/audit" className={linkClass}>
                {t('nav.audit')}
              </NavLink>
            </>
          ) : null}
          <NavLink to="/profile" className={linkClass}>
            {t('nav.profile')}
          </NavLink>
        </nav>
        <div className={styles.tools}>
          <span className={styles.who} title={t('nav.signedInAs', { name: member.displayName })}>
            <Avatar name={member.displayName} url={member.avatarUrl} size="small" />
            <span className={styles.whoName}>{member.displayName}</span>
          </span>
          <LanguageSwitch />
          <button type="button" className={styles.logout} onClick={() => void onLogOut()}>
            {leaving ? t('nav.loggingOut') : t('nav.logOut')}
          </button>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1} className={styles.main}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </>
  );
}

/** Frame of public pages (login, join links): brand and language only. */
export function PublicShell() {
  const { t } = useTranslation();
  return (
    <>
      <header className={styles.bar}>
        <span className={styles.brand}>{t('app.name')}</span>
        <div className={styles.tools}>
          <LanguageSwitch />
        </div>
      </header>
      <main id="main" tabIndex={-1} className={styles.main}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </>
  );
}

/**
 * After a client-side navigation, focus the new page's main region, as a full page load would
 * reset focus; otherwise keyboard and screen reader users stay on a link that no longer applies.
 */
function useMainFocusOnNavigation() {
  const { pathname } = useLocation();
  const main = useRef<HTMLElement>(null);
  const previous = useRef(pathname);
  useEffect(() => {
    if (previous.current === pathname) return;
    previous.current = pathname;
    if (!main.current?.contains(document.activeElement)) main.current?.focus();
  }, [pathname]);
  return main;
}
