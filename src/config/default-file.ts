// The file written on a zero-config start: a working demo that documents itself. It follows the
// address Epistle is started with (EPISTLE_SERVER_LISTEN=127.0.0.1:9090 npm start writes a demo on
// 9090), so the demo page's form posts from an allowed origin and lands back on a page that exists.
import { listenPattern } from './schema.js';

const defaultListen = '127.0.0.1:8080';

/** Hosts a browser on this machine reaches a server listening on `host` by. */
function browserHosts(host: string): string[] {
  const bare = host.replace(/^\[|\]$/g, '');
  const loopbackOrAny = ['0.0.0.0', '::', '127.0.0.1', '::1', 'localhost'].includes(bare);
  const own = bare.includes(':') ? `[${bare}]` : bare;
  return loopbackOrAny ? ['localhost', '127.0.0.1'] : ['localhost', '127.0.0.1', own];
}

/** `listen` as given at creation (EPISTLE_SERVER_LISTEN); the default when absent or not host:port. */
export function defaultConfigFile(listen?: string): string {
  const address = listen !== undefined && listenPattern.test(listen) ? listen : defaultListen;
  const i = address.lastIndexOf(':');
  const host = address.slice(0, i);
  const port = address.slice(i + 1);
  const origins = browserHosts(host).map((h) => `"http://${h}:${port}"`);
  return `# Epistle configuration. Every key is described in docs/configuration.md.
# Any key can be overridden by an environment variable EPISTLE_<SECTION>_<KEY>,
# e.g. EPISTLE_DATABASE_URL or EPISTLE_SITES_DEMO_LOCALE.

[server]
listen = "${address}"
# The address readers and moderators reach Epistle at (used in links and the demo page).
public_url = "http://localhost:${port}"
# Addresses of reverse proxies whose X-Forwarded-For is believed, e.g. ["loopback"].
trusted_proxies = []

[database]
# SQLite file (default) or a PostgreSQL URL such as "postgresql://epistle:secret@localhost:5432/epistle".
url = "file:./data/epistle.db"

[log]
level = "info"

# One table per site. The id ("demo") appears in the API paths: /api/sites/demo/comments
# The origins are where the site's pages are served; here Epistle's own demo page at /demo.
[sites.demo]
name = "Epistle demo"
origins = [${origins.join(', ')}]
moderators = ["owner@example.com"]
locale = "en"
rate_limit_per_minute = 5
`;
}
