// A free loopback port, for a server that binds it right away.
import net from 'node:net';

/** Asks the OS for a free loopback port. Racy in theory, fine for tests that bind right away. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
