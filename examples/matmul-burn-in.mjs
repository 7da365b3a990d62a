#!/usr/bin/env node
// Multiplies 256x256 float32 matrices for DURATION_SECONDS seconds (default 10) and prints the GFLOPS
// reached each second; writes the figures to $OUTPUT_DIR/result.json. CPU, one thread.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const seconds = Math.max(Number(process.env.DURATION_SECONDS) || 10, 1);
const n = 256;
const a = Float32Array.from({ length: n * n }, (_, i) => ((i * 7) % 13) / 13);
const b = Float32Array.from({ length: n * n }, (_, i) => ((i * 11) % 17) / 17);
const c = new Float32Array(n * n);
const perSecond = [];
for (let s = 1; s <= seconds; s++) {
  const start = performance.now();
  let products = 0;
  while (performance.now() - start < 1000) {
    c.fill(0);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < n; k++) {
        const aik = a[i * n + k];
        for (let j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
      }
    products++;
  }
  const gflops = (2 * n ** 3 * products) / ((performance.now() - start) / 1000) / 1e9;
  perSecond.push(Number(gflops.toFixed(3)));
  console.log(
    `second ${s}: ${gflops.toFixed(2)} GFLOPS (${products} products), checksum ${c[n * n - 1].toFixed(3)}`,
  );
}
const out = process.env.OUTPUT_DIR ?? ".";
mkdirSync(out, { recursive: true });
writeFileSync(
  path.join(out, "result.json"),
  JSON.stringify({ n, seconds, gflopsPerSecond: perSecond }),
);
