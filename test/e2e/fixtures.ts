/** Shared facts of the end-to-end environment (the server is started by playwright.config.ts). */
export const e2eAdmin = { email: 'admin@e2e.test', password: 'e2e-admin-password' };
