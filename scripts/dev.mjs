// `npm run dev`: the API with restart on change (tsx watch) and the web app with hot reload
// (Vite on http://localhost:5173, proxying /api to the API on port 3000).
import { spawn } from 'node:child_process';
import { ensureInstalled, root } from './lib/prepare.mjs';

ensureInstalled();
const children = [
  spawn('npx', ['tsx', 'watch', 'src/server/main.ts'], { cwd: root, stdio: 'inherit' }),
  spawn('npx', ['vite'], { cwd: root, stdio: 'inherit' }),
];
const stop = () => children.forEach((child) => child.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
children.forEach((child) => child.on('exit', stop));
