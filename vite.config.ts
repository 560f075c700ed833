import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { precompress } from './scripts/vite-precompress.js';

// The web app is built into dist/web and served by the same Fastify process in production.
// In development (`npm run dev`) Vite serves it with hot reload and proxies the API.
export default defineConfig({
  root: 'src/web',
  plugins: [react(), precompress()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    sourcemap: true,
    // The server reads it to preload the lobby's chunks on a join link's page (lobby-page.ts).
    manifest: true,
    // No modulepreload polyfill nor preload lists for dynamic imports (0.6 KB of gzip in the
    // first chunk): a lazy screen's own imports are fetched once it has loaded. The join link's
    // page preloads the lobby's chunks itself (src/server/http/lobby-page.ts); CSS of lazy
    // chunks is still loaded with them.
    modulePreload: false,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': 'http://localhost:3000',
      '/avatars': 'http://localhost:3000',
      '/healthz': 'http://localhost:3000',
    },
  },
});
