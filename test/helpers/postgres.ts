import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './net.ts';

/**
 * A throwaway PostgreSQL server for tests: `initdb` in a temp dir under /tmp, `pg_ctl start` on a
 * free loopback port (its unix socket in the same temp dir), trust authentication, fsync off; stopped
 * and removed by `stop()` (and, should the test process die first, at its exit).
 *
 * initdb and postgres refuse to run as root: as root (CI) they run as the `postgres` user that
 * Debian's package creates (`runuser -u postgres --`), with the temp dir owned by it.
 *
 * Tests skip — saying why — only when the binaries are absent (`postgresMissing()`); .ci/run installs
 * Debian's postgresql and sets POLICYBOT_TEST_POSTGRES=required, so there a missing binary fails.
 */
export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  adminUrl: string;
  port: number;
  /** A fresh, empty database; its URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

const RUN_AS = 'postgres';

/** The folder with initdb and pg_ctl: PG_BINDIR, Debian's /usr/lib/postgresql/<newest>/bin, pg_config --bindir, or PATH. */
export function postgresBinDir(): string | null {
  const candidates: string[] = [];
  if (process.env['PG_BINDIR']) candidates.push(process.env['PG_BINDIR']);
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    const versions = fs
      .readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(path.join(debian, v, 'bin'));
  }
  const cfg = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (cfg.status === 0 && cfg.stdout.trim()) candidates.push(cfg.stdout.trim());
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) if (dir) candidates.push(dir);
  return candidates.find((d) => fs.existsSync(path.join(d, 'initdb')) && fs.existsSync(path.join(d, 'pg_ctl'))) ?? null;
}

/** Why PostgreSQL tests cannot run here (null: they can). Only absent binaries are a reason to skip. */
export function postgresMissing(): string | null {
  if (postgresBinDir()) return null;
  const why = 'PostgreSQL binaries (initdb, pg_ctl) not found: install Debian\'s postgresql package (apt-get install postgresql) or set PG_BINDIR';
  if (process.env['POLICYBOT_TEST_POSTGRES'] === 'required') throw new Error(`${why} — POLICYBOT_TEST_POSTGRES=required`);
  return why;
}

/** Runs a PostgreSQL binary, as the postgres user when this process is root. */
function runPg(bin: string, args: string[], opts: { timeoutMs?: number } = {}): string {
  const root = process.getuid?.() === 0;
  const [cmd, argv] = root ? ['runuser', ['-u', RUN_AS, '--', bin, ...args]] : [bin, args];
  try {
    return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: opts.timeoutMs ?? 60_000, cwd: '/tmp' });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${path.basename(bin)} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

function ownerIds(user: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

let dbSeq = 0;

/** Starts a server (on `opts.port`, else a free port). */
export async function startPostgres(opts: { port?: number } = {}): Promise<TestPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(postgresMissing() ?? 'PostgreSQL binaries not found');
  const base = fs.mkdtempSync(path.join('/tmp', 'pb-pg-'));
  if (process.getuid?.() === 0) {
    const { uid, gid } = ownerIds(RUN_AS);
    fs.chownSync(base, uid, gid);
  }
  const dataDir = path.join(base, 'data');
  const logFile = path.join(base, 'server.log');
  runPg(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
  const port = opts.port ?? (await freePort());
  const serverOpts = [`-p ${port}`, `-k ${base}`, "-c listen_addresses='127.0.0.1'", '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off', '-c max_connections=100'].join(' ');
  const stopNow = () => {
    try {
      runPg(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], { timeoutMs: 30_000 });
    } catch {
      // already stopped
    }
    fs.rmSync(base, { recursive: true, force: true });
  };
  // Should the test process end without stop(), the server must not outlive it.
  process.once('exit', stopNow);
  try {
    runPg(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-l', logFile, '-o', serverOpts, '-w', '-t', '60', 'start'], { timeoutMs: 90_000 });
  } catch (err) {
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : '';
    process.removeListener('exit', stopNow);
    stopNow();
    throw new Error(`${(err as Error).message}\n${log}`);
  }
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let stopped = false;
  return {
    adminUrl,
    port,
    async createDatabase(name = `policybot_test_${process.pid}_${++dbSeq}`) {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', stopNow);
      stopNow();
    },
  };
}

