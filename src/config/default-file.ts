// The file written on a zero-config start: a working demo that documents itself.
export const defaultConfigFile = `# Epistle configuration. Every key is described in docs/configuration.md.
# Any key can be overridden by an environment variable EPISTLE_<SECTION>_<KEY>,
# e.g. EPISTLE_DATABASE_URL or EPISTLE_SITES_DEMO_LOCALE.

[server]
listen = "127.0.0.1:8080"
# The address readers and moderators reach Epistle at (used in links and the demo page).
public_url = "http://localhost:8080"
# Addresses of reverse proxies whose X-Forwarded-For is believed, e.g. ["loopback"].
trusted_proxies = []

[database]
# SQLite file (default) or a PostgreSQL URL such as "postgresql://epistle:secret@localhost:5432/epistle".
url = "file:./data/epistle.db"

[log]
level = "info"

# One table per site. The id ("demo") appears in the API paths: /api/sites/demo/comments
[sites.demo]
name = "Epistle demo"
origins = ["http://localhost:8080", "http://127.0.0.1:8080"]
moderators = ["owner@example.com"]
locale = "en"
rate_limit_per_minute = 5
`;
