// The baseline: a bare node:http server answering every request with the same bytes Epistle
// served, with the same header shape (Content-Type, Content-Length). Run as its own process:
//   node --import tsx bench/static-server.ts <body file> <content type>
// It listens on a free loopback port and prints "listening <port>".
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [file, contentType = 'application/json; charset=utf-8'] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: static-server.ts <body file> [content type]\n');
  process.exit(2);
}
const body = readFileSync(file);
const headers = { 'Content-Type': contentType, 'Content-Length': String(body.length) };

const server = createServer((_req, res) => {
  res.writeHead(200, headers);
  res.end(body);
});
server.keepAliveTimeout = 65_000; // as Epistle's server
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
