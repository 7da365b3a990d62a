import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ChainError } from "../chain/errors";

type Handler = (params: unknown[]) => unknown;
type Request = { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };

const MAX_BODY = 8 * 1024 * 1024;

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST, GET, OPTIONS",
  "access-control-allow-headers": "content-type, authorization",
  "access-control-max-age": "86400",
};

function errorReply(id: unknown, code: number, message: string, data?: unknown) {
  return {
    jsonrpc: "2.0",
    id: id ?? null,
    error: data === undefined ? { code, message } : { code, message, data },
  };
}

async function handleOne(
  methods: Record<string, Handler>,
  req: Request,
  onError: (e: unknown) => void,
): Promise<unknown> {
  if (typeof req !== "object" || req === null || typeof req.method !== "string") {
    return errorReply(req?.id, -32600, "invalid request");
  }
  const handler = Object.hasOwn(methods, req.method) ? methods[req.method] : undefined;
  if (handler === undefined) {
    return errorReply(req.id, -32601, `the method ${req.method} does not exist/is not available`);
  }
  const params = req.params === undefined ? [] : req.params;
  if (!Array.isArray(params)) return errorReply(req.id, -32602, "params must be an array");
  try {
    const result = await handler(params);
    return { jsonrpc: "2.0", id: req.id ?? null, result: result === undefined ? null : result };
  } catch (e) {
    if (e instanceof ChainError) return errorReply(req.id, e.code, e.message, e.data);
    onError(e);
    return errorReply(req.id, -32603, e instanceof Error ? e.message : "internal error");
  }
}

/** Answer a JSON-RPC body (single or batch). Never throws: bad input gets a JSON-RPC error. */
export async function dispatch(
  methods: Record<string, Handler>,
  body: string,
  onError: (e: unknown) => void = () => {},
): Promise<unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return errorReply(null, -32700, "parse error");
  }
  if (Array.isArray(parsed)) {
    if (parsed.length === 0) return errorReply(null, -32600, "empty batch");
    return Promise.all(parsed.map((r) => handleOne(methods, r as Request, onError)));
  }
  return handleOne(methods, parsed as Request, onError);
}

export function startServer(
  methods: Record<string, Handler>,
  host: string,
  port: number,
  onError: (e: unknown) => void,
): Promise<{ server: Server; port: number }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === "OPTIONS") {
      res.writeHead(204, CORS).end();
      return;
    }
    if (req.method !== "POST") {
      res
        .writeHead(200, { ...CORS, "content-type": "text/plain" })
        .end("stylus devnet: POST JSON-RPC here\n");
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        res.writeHead(413, CORS).end();
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      if (res.writableEnded) return;
      void dispatch(methods, Buffer.concat(chunks).toString("utf8"), onError).then((reply) => {
        res.writeHead(200, { ...CORS, "content-type": "application/json" });
        res.end(JSON.stringify(reply));
      });
    });
    req.on("error", () => res.destroy());
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve({ server, port: (server.address() as AddressInfo).port });
    });
  });
}
