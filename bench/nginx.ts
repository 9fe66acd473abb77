// Optional second baseline: nginx from Debian serving the same bytes from a file, one worker
// (Epistle and the node baseline are one process each), access log off, keep-alive unlimited.
import type { ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, start } from './children.js';

export const nginxBinary = '/usr/sbin/nginx';

export async function startNginx(dir: string, bodyFile: string, contentType: string): Promise<{ child: ChildProcess; port: number }> {
  const root = join(dir, 'nginx');
  mkdirSync(join(root, 'www'), { recursive: true });
  copyFileSync(bodyFile, join(root, 'www', 'body.json'));
  // Workers run as "nobody" when started by root: the files must be readable by them.
  for (const path of [dir, root, join(root, 'www')]) chmodSync(path, 0o755);
  chmodSync(join(root, 'www', 'body.json'), 0o644);
  const port = await freePort();
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${root}/${t};`).join(' ');
  const conf = `daemon off;
worker_processes 1;
pid ${root}/nginx.pid;
error_log ${root}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000; keepalive_timeout 65s;
  ${temp}
  server {
    listen 127.0.0.1:${port};
    root ${root}/www;
    location / { types {} default_type "${contentType}"; try_files /body.json =404; }
  }
}
`;
  writeFileSync(join(root, 'nginx.conf'), conf);
  const child = start(nginxBinary, ['-e', join(root, 'error.log'), '-p', root, '-c', join(root, 'nginx.conf')]);
  return { child, port };
}
