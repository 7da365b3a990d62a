import "server-only";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import {
  type AgentDeps,
  handleHeartbeat,
  handleLogs,
  handleOutput,
  handleQuote,
  handleResult,
  handleResultDownload,
  handleStart,
  handleSubmitted,
  handleWork,
} from "./handlers";

type Route = [string, RegExp, (request: Request, deps: AgentDeps, id: string) => Promise<Response>];

const ID = "([^/]+)";
/** The same paths and methods as app/api/agent/** (Next serves those in the app). */
const routes: Route[] = [
  ["POST", /^\/api\/agent\/heartbeat$/, (r, d) => handleHeartbeat(r, d)],
  ["GET", /^\/api\/agent\/work$/, (r, d) => handleWork(r, d)],
  ["POST", new RegExp(`^/api/agent/leases/${ID}/quote$`), handleQuote],
  ["POST", new RegExp(`^/api/agent/jobs/${ID}/start$`), handleStart],
  ["POST", new RegExp(`^/api/agent/jobs/${ID}/logs$`), handleLogs],
  ["PUT", new RegExp(`^/api/agent/jobs/${ID}/result$`), handleResult],
  ["POST", new RegExp(`^/api/agent/jobs/${ID}/submitted$`), handleSubmitted],
  ["GET", new RegExp(`^/api/agent/output/${ID}$`), handleOutput],
  ["GET", new RegExp(`^/api/agent/output/${ID}/result$`), handleResultDownload],
];

export type AgentHttpServer = { url: string; port: number; close: () => Promise<void> };

/**
 * The agent API's route handlers behind a plain node:http server: for tests and benchmarks that
 * run the real handlers over real HTTP without building the Next app.
 */
export async function serveAgentApi(deps: AgentDeps, port = 0): Promise<AgentHttpServer> {
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    const method = req.method ?? "GET";
    const route = routes.find(([m, pattern]) => m === method && pattern.test(url.pathname));
    if (!route) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ code: "not_found", message: "No such agent route." }));
      return;
    }
    const id = decodeURIComponent(route[1].exec(url.pathname)?.[1] ?? "");
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(name, value);
    }
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method,
      headers,
      body: method === "GET" ? undefined : (Readable.toWeb(req) as ReadableStream),
      duplex: "half",
      signal: abort.signal,
    } as RequestInit);
    try {
      const response = await route[2](request, deps, id);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      // Streamed answers (the agent's work stream) go out line by line, as Next sends them.
      if (response.body) {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          res.write(chunk);
        }
      }
      res.end();
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(500);
      res.end(String(error));
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
