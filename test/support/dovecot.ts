// A private, throwaway Dovecot (IMAP + LMTP) for integration tests.
// Each workaround below is for a Dovecot 2.3 pitfall met when run as root from Node.
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { existsSync, openSync, closeSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface MailUser {
  user: string;
  password: string;
}

export interface DovecotServer {
  host: '127.0.0.1';
  imapPort: number;
  imapsPort: number;
  lmtpPort: number;
  /** PEM of the self-signed certificate; pass it as `tls.ca`. */
  tlsCa: string;
  dir: string;
  users: MailUser[];
  stop(): Promise<void>;
  /** Stop, then start again on the same ports and maildirs; mail is preserved. */
  restart(): Promise<void>;
}

/** The mailbox Epistle reads, and the moderator's, as IMAP/SMTP clients log in with them. */
export const EPISTLE = { user: 'epistle@example.test', pass: 'epistle-pass' };
export const OWNER = { user: 'owner@example.test', pass: 'owner-pass' };

export const DEFAULT_USERS: MailUser[] = [EPISTLE, OWNER].map(({ user, pass }) => ({ user, password: pass }));

const HOST = '127.0.0.1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let installing: Promise<void> | undefined;

// Debian puts dovecot in /usr/sbin, which is not always on a CI user's PATH.
function dovecotBinary(): string | undefined {
  return ['/usr/sbin/dovecot', '/usr/bin/dovecot'].find((p) => existsSync(p));
}

async function ensureInstalled(): Promise<string> {
  if (!dovecotBinary() || !existsSync('/usr/bin/openssl')) {
    installing ??= (async () => {
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      const opts = { env, maxBuffer: 64 * 1024 * 1024 };
      await run('apt-get', ['update'], opts);
      await run('apt-get', ['install', '-y', '--no-install-recommends', 'dovecot-imapd', 'dovecot-lmtpd', 'openssl'], opts);
    })();
    await installing;
  }
  const bin = dovecotBinary();
  if (!bin) throw new Error('dovecot is still missing after apt-get install');
  return bin;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function config(dir: string, ports: { imap: number; imaps: number; lmtp: number }): string {
  return `
instance_name = epistle-test-${ports.imap}
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
listen = ${HOST}
protocols = imap lmtp
ssl = yes
ssl_cert = <${dir}/cert.pem
ssl_key = <${dir}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
# The default 2 s delay before a failed-login reply would slow wrong-password tests
# (Dovecot still flushes failures on a 0.5 s timer, so expect ~0.5 s anyway).
auth_failure_delay = 0
# Dovecot refuses uid 0 for mail, so mail is owned by nobody (hence the dir under /tmp).
first_valid_uid = 1
mail_uid = nobody
mail_gid = nogroup
mail_location = maildir:${dir}/mail/%u
mail_fsync = never
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/users
  default_fields = uid=nobody gid=nogroup home=${dir}/mail/%u
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Processed {
    auto = subscribe
  }
  mailbox Rejected {
    auto = subscribe
  }
}
service imap-login {
  inet_listener imap {
    port = ${ports.imap}
  }
  inet_listener imaps {
    port = ${ports.imaps}
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    port = ${ports.lmtp}
  }
}
protocol lmtp {
  # No STARTTLS offer: nodemailer would upgrade and then reject the self-signed cert.
  ssl = no
  postmaster_address = postmaster@example.test
}
`;
}

// A killed master stays a zombie until its parent (init) reaps it; count that as gone.
async function isAlive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && !/^\d+ \(.*\) Z/.test(stat);
}

// Resolves once the server has sent its IMAP greeting.
function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, HOST);
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('* OK'));
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startDovecot(opts: { users?: MailUser[] } = {}): Promise<DovecotServer> {
  const bin = await ensureInstalled();
  const users = opts.users ?? DEFAULT_USERS;
  for (const { user, password } of users) {
    if (/[:\n]/.test(user + password)) throw new Error(`passwd-file cannot hold ${user}`);
  }

  const dir = await mkdtemp('/tmp/epistle-dovecot-');
  // mkdtemp makes a 0700 dir; the unprivileged auth and mail processes must get in.
  await chmod(dir, 0o755);
  await mkdir(join(dir, 'mail'), { mode: 0o777 });
  await chmod(join(dir, 'mail'), 0o777);
  await writeFile(join(dir, 'users'), users.map((u) => `${u.user}:{PLAIN}${u.password}::::::\n`).join(''), { mode: 0o644 });
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
    '-days',
    '7',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ]);
  const tlsCa = await readFile(join(dir, 'cert.pem'), 'utf8');

  const ports = { imap: await freePort(), imaps: await freePort(), lmtp: await freePort() };
  const confPath = join(dir, 'dovecot.conf');
  await writeFile(confPath, config(dir, ports));

  let masterPid: number | undefined;

  async function launch(): Promise<void> {
    const logPath = join(dir, 'dovecot.log');
    const pidFile = join(dir, 'run', 'master.pid');
    const penalty = join(dir, 'run', 'anvil-auth-penalty');
    // A SIGKILLed instance leaves these behind; the waits below must only see the new ones.
    await rm(pidFile, { force: true });
    await rm(penalty, { force: true });
    // Without detached stdio the daemonized master keeps our pipes open and the call hangs.
    const log = openSync(logPath, 'a');
    try {
      const child = spawn(bin, ['-c', confPath], { stdio: ['ignore', log, log] });
      const code = await new Promise<number | null>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', resolve);
      });
      if (code !== 0) throw new Error(`dovecot exited ${code}:\n${await readFile(logPath, 'utf8')}`);
    } finally {
      closeSync(log);
    }
    const deadline = Date.now() + 5000;
    const waitFor = async (what: string, ready: () => Promise<boolean>) => {
      while (!(await ready())) {
        if (Date.now() > deadline) {
          throw new Error(`dovecot: no ${what}:\n${await readFile(logPath, 'utf8').catch(() => '')}`);
        }
        await sleep(10);
      }
    };
    await waitFor('master.pid', async () => {
      masterPid = Number.parseInt(await readFile(pidFile, 'utf8').catch(() => ''), 10) || undefined;
      return masterPid !== undefined;
    });
    // Failed logins from 127.0.0.1 are otherwise delayed up to 15 s by anvil. The auth process
    // connects to this socket once, when it starts (on the first login connection), so it must
    // be gone before anything connects; then there is no penalty.
    await waitFor('anvil-auth-penalty', () =>
      unlink(penalty).then(
        () => true,
        () => false,
      ),
    );
    await waitFor('IMAP greeting', () => greets(ports.imap));
  }

  async function halt(): Promise<void> {
    const pid = masterPid;
    masterPid = undefined;
    if (pid === undefined) return;
    // The daemonized master leads its own process group; signalling the group also ends
    // imap/lmtp children whose clients (e.g. in IDLE) would otherwise linger for seconds.
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(-pid, sig);
      } catch {
        // already gone
      }
    };
    signal('SIGTERM');
    for (let i = 0; i < 50 && (await isAlive(pid)); i++) await sleep(20);
    signal('SIGKILL');
    for (let i = 0; i < 100 && (await isAlive(pid)); i++) await sleep(10);
  }

  await launch().catch(async (err: unknown) => {
    await halt();
    await rm(dir, { recursive: true, force: true });
    throw err;
  });

  return {
    host: HOST,
    imapPort: ports.imap,
    imapsPort: ports.imaps,
    lmtpPort: ports.lmtp,
    tlsCa,
    dir,
    users,
    async stop() {
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
    async restart() {
      await halt();
      await launch();
    },
  };
}
