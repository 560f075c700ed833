/** Shared facts of the end-to-end environment (the servers are started by playwright.config.ts). */
export const e2eAdmin = { email: 'admin@e2e.test', password: 'e2e-admin-password' };

/** The app alone (no mail or SMS service). */
export const appPort = Number(process.env.E2E_PORT ?? 3100);
/** The app wired to real SMTP and SMPP test servers. */
export const transportsPort = appPort + 1;
/** JSON of what the test SMTP and SMPP servers behind `transportsPort` received. */
export const mailboxPort = appPort + 100;
