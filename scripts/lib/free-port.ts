import { createServer } from "node:net";

/**
 * Asks the OS for a free TCP port on 127.0.0.1 by binding port 0, then releases it.
 * Another process may grab the port before the caller binds it; callers that
 * start servers should retry on EADDRINUSE.
 */
export async function freePort(): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("could not read the bound port"));
        return;
      }
      const { port } = address;
      server.close((error) => (error === undefined ? resolve(port) : reject(error)));
    });
  });
}
