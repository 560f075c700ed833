// `npm run restore -- FILE.tar.gz`: puts a backup in place, with Tertulia stopped.
import { runRestoreCli } from '../src/server/storage/backup-cli.js';

process.exitCode = await runRestoreCli(process.argv.slice(2), process.env, console);
