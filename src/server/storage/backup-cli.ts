/**
 * The argument handling of `npm run backup -- --out FILE` and `npm run restore -- FILE`
 * (scripts/backup.ts, scripts/restore.ts). Answers the exit code: 0 done, 2 refused or bad input.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { BackupError, createBackup, restoreBackup } from './backup.js';

export interface CliOutput {
  log(line: string): void;
  error(line: string): void;
}

const REFUSED = 2;

export async function runBackupCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  out: CliOutput,
): Promise<number> {
  return refusalsAsExitCode(out, async () => {
    const { values } = parse(args, { out: { type: 'string' } });
    const file = values.out;
    if (typeof file !== 'string' || file === '') {
      throw new BackupError('usage: npm run backup -- --out FILE.tar.gz');
    }
    const started = performance.now();
    const manifest = await createBackup(configFrom(env), file);
    const ms = Math.round(performance.now() - started);
    out.log(`backup written to ${file} (schema ${manifest.latestMigration ?? 'empty'}, ${ms} ms)`);
  });
}

export async function runRestoreCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  out: CliOutput,
): Promise<number> {
  return refusalsAsExitCode(out, async () => {
    const { positionals } = parse(args, {});
    const [file, ...extra] = positionals;
    if (file === undefined || extra.length > 0) {
      throw new BackupError('usage: npm run restore -- FILE.tar.gz');
    }
    const aside = await restoreBackup(configFrom(env), file);
    out.log(`restored ${file}; the data it replaced is in ${aside}`);
  });
}

function parse<T extends ParseArgsOptionsConfig>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new BackupError((error as Error).message);
  }
}

function configFrom(env: NodeJS.ProcessEnv): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new BackupError(error.message);
    throw error;
  }
}

async function refusalsAsExitCode(out: CliOutput, action: () => Promise<void>): Promise<number> {
  try {
    await action();
    return 0;
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    out.error(error.message);
    return REFUSED;
  }
}
