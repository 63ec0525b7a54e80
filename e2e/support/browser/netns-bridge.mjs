// Runs inside Chromium's empty network namespace (see loopback-bridge.ts), as
// `node netns-bridge.mjs <socket dir> <port,port,…> <browser> <browser args…>`:
// brings the namespace's own loopback up, listens on 127.0.0.1 and ::1 at each given port and pipes every
// connection to `<socket dir>/<port>.sock` (a Unix socket: the file system crosses network namespaces,
// TCP does not), then runs the browser with this process's standard streams and Playwright's pipe
// (file descriptors 3 and 4). Plain JavaScript so it starts without a TypeScript loader.
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';

const [dir, portList, browser, ...args] = process.argv.slice(2);
if (!dir || !portList || !browser) {
  process.stderr.write('usage: netns-bridge.mjs <socket dir> <port,port,…> <browser> [args…]\n');
  process.exit(2);
}

const lo = spawnSync('ip', ['link', 'set', 'lo', 'up'], { stdio: 'inherit' });
if (lo.status !== 0) {
  process.stderr.write(`netns-bridge: "ip link set lo up" failed (status ${lo.status})\n`);
  process.exit(1);
}

const listen = (port, host) =>
  new Promise((resolve, reject) => {
    const server = net.createServer((client) => {
      const upstream = net.connect(join(dir, `${port}.sock`));
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    server.once('error', reject).listen(port, host, () => resolve(server));
  });

const ports = portList.split(',').map(Number);
await Promise.all(ports.map((port) => listen(port, '127.0.0.1')));
// localhost may resolve to ::1 first; a machine without IPv6 has no ::1 to listen on, which is fine.
await Promise.allSettled(ports.map((port) => listen(port, '::1')));

const child = spawn(browser, args, { stdio: [0, 1, 2, 3, 4] });
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
