import { describe, expect, it } from "vitest";
import { ChainError } from "../chain/errors";
import { dispatch } from "./server";

const methods = {
  echo: (params: unknown[]) => params[0],
  boom: () => {
    throw new Error("kaput");
  },
  revert: () => {
    throw new ChainError(3, "execution reverted", "0x1234");
  },
};

describe("JSON-RPC dispatch", () => {
  it("answers requests and batches", async () => {
    expect(
      await dispatch(methods, '{"jsonrpc":"2.0","id":7,"method":"echo","params":[1]}'),
    ).toEqual({
      jsonrpc: "2.0",
      id: 7,
      result: 1,
    });
    const batch = (await dispatch(
      methods,
      '[{"id":1,"method":"echo","params":["a"]},{"id":2,"method":"echo"}]',
    )) as { result: unknown }[];
    expect(batch.map((r) => r.result)).toEqual(["a", null]);
  });

  it("turns every kind of bad input into a JSON-RPC error", async () => {
    const code = async (body: string) =>
      ((await dispatch(methods, body)) as { error: { code: number } }).error.code;
    expect(await code("{")).toBe(-32700);
    expect(await code("[]")).toBe(-32600);
    expect(await code("null")).toBe(-32600);
    expect(await code('{"id":1,"method":"nope"}')).toBe(-32601);
    expect(await code('{"id":1,"method":"toString"}')).toBe(-32601);
    expect(await code('{"id":1,"method":"echo","params":{"a":1}}')).toBe(-32602);
    expect(await code('{"id":1,"method":"boom"}')).toBe(-32603);
  });

  it("carries revert data geth-style", async () => {
    expect(await dispatch(methods, '{"id":1,"method":"revert"}')).toEqual({
      jsonrpc: "2.0",
      id: 1,
      error: { code: 3, message: "execution reverted", data: "0x1234" },
    });
  });
});
