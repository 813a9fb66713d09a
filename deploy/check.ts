/**
 * `npm run deploy:check`: the deploy/ example, checked on this machine as far as it can be. A throwaway PostgreSQL
 * cluster, two instances of the assistant on loopback sharing it (TRUST_PROXY=true, as behind nginx), and nginx in
 * front of them with deploy/nginx's upstream and location files (only the instance ports and the listen address
 * differ). Through the balancer: health, an FAQ turn, a support request, the website chat's Direct Line (token,
 * stream over WebSocket, posts) — and a look at nginx's log to see both instances served. The systemd unit is
 * checked with systemd-analyze verify. Without nginx the instances are checked directly, and it says so.
 *
 * Prints one line per check; exits 1 when one fails. Everything it starts is stopped and removed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { DirectLineClient } from '../test/bot/directline/client.ts';
import {
  type AssistantProcess,
  killAssistants,
  ROOT,
  startAssistant,
  stopAssistant,
} from '../test/support/assistantProcess.ts';
import { Customer, ticketsIn } from '../test/support/httpCustomer.ts';
import {
  findPostgresBin,
  freePort,
  type PostgresCluster,
  startPostgresCluster,
} from '../test/support/postgresCluster.ts';

const DEPLOY = resolve(ROOT, 'deploy');
const results: { ok: boolean; what: string }[] = [];

function report(ok: boolean, what: string): void {
  results.push({ ok, what });
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'}  ${what}\n`);
}

async function check(what: string, run: () => Promise<string | undefined>): Promise<void> {
  try {
    const detail = await run();
    report(true, detail ? `${what}: ${detail}` : what);
  } catch (error) {
    report(false, `${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function nginxBinary(): string | undefined {
  for (const candidate of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (existsSync(candidate)) return candidate;
  return undefined;
}

/** nginx in the foreground with deploy/nginx's files; the upstream's server lines point at the given ports. */
async function startNginx(binary: string, dir: string, ports: readonly number[]) {
  const upstream = readFileSync(join(DEPLOY, 'nginx/wowrack-assistant-upstream.conf'), 'utf8');
  const servers = ports.map((port) => `    server 127.0.0.1:${port} max_fails=3 fail_timeout=10s;`).join('\n');
  const ours = upstream.replace(/(?:^ {4}server 127\.0\.0\.1:\d+[^\n]*\n)+/m, `${servers}\n`);
  if (ours === upstream) throw new Error('the upstream file has no server lines to point at the instances');
  const temp = join(dir, 'temp');
  mkdirSync(temp);
  chmodSync(temp, 0o777); // nginx's workers (nobody, when started as root) write request bodies there
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  log_format upstreams '$request_method $uri $status $upstream_addr';
  access_log ${dir}/access.log upstreams;
  client_body_temp_path ${temp}/body;
  proxy_temp_path ${temp}/proxy;
  fastcgi_temp_path ${temp}/fastcgi;
  uwsgi_temp_path ${temp}/uwsgi;
  scgi_temp_path ${temp}/scgi;
${ours}
  server {
    listen 127.0.0.1:${port};
    include ${join(DEPLOY, 'nginx/wowrack-assistant-locations.conf')};
  }
}
`,
  );
  execFileSync(binary, ['-t', '-q', '-p', dir, '-c', conf], { stdio: 'pipe' });
  const child = spawn(binary, ['-p', dir, '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  for (let i = 0; i < 50; i += 1) {
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      () => true,
      () => false,
    );
    if (up) break;
    await new Promise((done) => setTimeout(done, 100));
  }
  return {
    base: `http://127.0.0.1:${port}`,
    accessLog: () => readFileSync(join(dir, 'access.log'), 'utf8'),
    stop: async () => {
      child.kill('SIGQUIT');
      await exited;
    },
  };
}

async function createDatabase(cluster: PostgresCluster): Promise<string> {
  const client = new pg.Client({ connectionString: cluster.url('postgres') });
  await client.connect();
  await client.query('CREATE DATABASE assistant');
  await client.end();
  return cluster.url('assistant');
}

function checkSystemdUnit(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wowrack-unit-'));
  try {
    writeFileSync(
      join(dir, 'wowrack-assistant@.service'),
      readFileSync(join(DEPLOY, 'systemd/wowrack-assistant@.service')),
    );
    const output = execFileSync(
      'sh',
      ['-c', `cd ${dir} && systemd-analyze verify --man=no ./wowrack-assistant@3978.service 2>&1`],
      { encoding: 'utf8' },
    );
    // The unit names a user and paths of the target machine; only problems with the unit itself count.
    const problems = output.split('\n').filter((line) => line.includes('wowrack-assistant@') && line.trim() !== '');
    if (problems.length > 0) throw new Error(problems.join('; '));
    return 'systemd-analyze verify found nothing to fix';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  const dir = mkdtempSync(join(tmpdir(), 'wowrack-deploy-check-'));
  const cluster = await startPostgresCluster(bin);
  const instances: AssistantProcess[] = [];
  let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
  try {
    const url = await createDatabase(cluster);
    const env = (n: number) => ({ DATABASE_URL: url, DATA_DIR: join(dir, `instance-${n}`), TRUST_PROXY: 'true' });
    instances.push(...(await Promise.all([startAssistant(env(1)), startAssistant(env(2))])));
    report(true, `two instances on one database: ports ${instances.map((i) => i.port).join(', ')}`);

    const binary = nginxBinary();
    if (binary)
      nginx = await startNginx(
        binary,
        dir,
        instances.map((i) => i.port),
      );
    else report(true, 'nginx is not installed (apt-get install nginx-light): the instances are checked directly');
    const base = nginx?.base ?? instances[0]?.base ?? '';
    const ports = nginx ? [Number(new URL(base).port)] : instances.map((i) => i.port);

    await check('health through the balancer', async () => {
      for (let i = 0; i < 4; i += 1) {
        const res = await fetch(`${base}/healthz`);
        if (res.status !== 200) throw new Error(`GET /healthz answered ${res.status}`);
      }
      return undefined;
    });

    await check('a support request through the balancer', async () => {
      const customer = new Customer(`deploy-check-${Date.now()}`, 'deploy.check@example.com', '127.0.0.1');
      await customer.toConfirmation(ports);
      const reply = await customer.confirm(ports[0] ?? 0);
      const ticket = ticketsIn(reply.text)[0];
      if (!ticket) throw new Error(`no ticket named: ${reply.text ?? reply.error}`);
      return ticket;
    });

    await check('the website chat (Direct Line) through the balancer: token, WebSocket stream, posts', async () => {
      const { client, stream } = await DirectLineClient.connect(base);
      try {
        for (const text of ['apakah data saya dijual?', 'cookie itu apa?', 'terima kasih', 'siapa anda?']) {
          const id = await client.say(text);
          await stream.turn(id);
        }
        return `${stream.botMessages.length} replies on the stream`;
      } finally {
        await stream.close();
      }
    });

    if (nginx) {
      const log = nginx.accessLog();
      await check('nginx spread the requests over both instances', async () => {
        const served = instances.map((i) => log.split('\n').filter((line) => line.endsWith(`:${i.port}`)).length);
        if (served.some((n) => n === 0)) throw new Error(`requests per instance: ${served.join(', ')}`);
        return `requests per instance: ${served.join(', ')}`;
      });
      await check('the stream was upgraded through nginx (101)', async () => {
        if (!/GET \/v3\/directline\/conversations\/[^ ]+\/stream 101 /.test(log)) throw new Error('no 101 in the log');
        return undefined;
      });
    }

    if (existsSync('/usr/bin/systemd-analyze') || existsSync('/bin/systemd-analyze'))
      await check('systemd unit', async () => checkSystemdUnit());
    else report(true, 'systemd-analyze is not installed: the unit was not verified');
  } finally {
    await nginx?.stop();
    await Promise.all(instances.map((i) => stopAssistant(i)));
    await killAssistants();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => {
    const failed = results.filter((r) => !r.ok).length;
    process.stdout.write(failed ? `\n${failed} check(s) failed\n` : '\nall checks passed\n');
    process.exit(failed ? 1 : 0);
  },
  (error: unknown) => {
    process.stderr.write(`deploy check could not run: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
