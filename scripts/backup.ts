// `npm run backup -- --out FILE.tar.gz`: the database and uploaded pictures `npm start` uses.
import { runBackupCli } from '../src/server/storage/backup-cli.js';

process.exitCode = await runBackupCli(process.argv.slice(2), process.env, console);
