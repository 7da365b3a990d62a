// Recovers transaction senders off the main thread (plain JS so it runs without a TS loader).
import { parentPort } from "node:worker_threads";
import { ecrecover } from "@ethereumjs/util";

parentPort.on("message", ({ id, msgHash, v, r, s, chainId }) => {
  try {
    const pubKey = ecrecover(msgHash, v, r, s, chainId);
    parentPort.postMessage({ id, pubKey });
  } catch (e) {
    parentPort.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
});
