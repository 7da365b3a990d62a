#!/usr/bin/env node
// A small multilayer perceptron trained from scratch on a synthetic two-spirals dataset, in plain
// JavaScript on the CPU: real work, no dependencies, runs anywhere Node runs (the agent's process
// runtime). Prints loss and accuracy per epoch and writes the final metrics and weights to
// $OUTPUT_DIR/result.json. Settings: EPOCHS (default 30), HIDDEN (32), SAMPLES (1000), SEED (7),
// LEARNING_RATE (0.05).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const num = (name, fallback) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const EPOCHS = num("EPOCHS", 30);
const HIDDEN = num("HIDDEN", 32);
const SAMPLES = num("SAMPLES", 1000);
const LR = num("LEARNING_RATE", 0.05);
let seed = num("SEED", 7);

// A small deterministic generator (mulberry32), so a run can be repeated exactly.
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const gaussian = () =>
  Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());

// Two interleaved spirals: not linearly separable, so the hidden layer has to learn.
const xs = [];
const ys = [];
for (let i = 0; i < SAMPLES; i++) {
  const label = i % 2;
  const r = (i / SAMPLES) * 5 + 0.3;
  const angle = r * 1.75 + label * Math.PI;
  xs.push([
    (r * Math.cos(angle)) / 5 + gaussian() * 0.03,
    (r * Math.sin(angle)) / 5 + gaussian() * 0.03,
  ]);
  ys.push(label);
}
// A random 80/20 split into training and held-out test points.
const order = xs.map((_, i) => i);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [order[i], order[j]] = [order[j], order[i]];
}
const split = Math.floor(SAMPLES * 0.8);
const testSet = order.slice(split);

// Two hidden tanh layers and a sigmoid output.
const layer = (inputs, outputs) => ({
  w: Array.from({ length: outputs }, () =>
    Array.from({ length: inputs }, () => gaussian() * Math.sqrt(1 / inputs)),
  ),
  b: new Array(outputs).fill(0),
});
const l1 = layer(2, HIDDEN);
const l2 = layer(HIDDEN, HIDDEN);
const l3 = layer(HIDDEN, 1);

const forward = (x) => {
  const h1 = l1.w.map((row, j) => Math.tanh(row[0] * x[0] + row[1] * x[1] + l1.b[j]));
  const h2 = l2.w.map((row, j) => Math.tanh(row.reduce((s, w, k) => s + w * h1[k], l2.b[j])));
  const z = l3.w[0].reduce((s, w, k) => s + w * h2[k], l3.b[0]);
  return { h1, h2, p: 1 / (1 + Math.exp(-z)) };
};

const evaluate = (indices) => {
  let loss = 0;
  let correct = 0;
  for (const i of indices) {
    const { p } = forward(xs[i]);
    const y = ys[i];
    loss -= y * Math.log(p + 1e-9) + (1 - y) * Math.log(1 - p + 1e-9);
    if ((p > 0.5 ? 1 : 0) === y) correct++;
  }
  return { loss: loss / indices.length, accuracy: correct / indices.length };
};

const started = Date.now();
console.log(
  `training a 2-${HIDDEN}-${HIDDEN}-1 MLP on ${SAMPLES} two-spiral points for ${EPOCHS} epochs`,
);
let last;
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  // Shuffle the training part.
  for (let i = split - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (let n = 0; n < split; n++) {
    const i = order[n];
    const x = xs[i];
    const { h1, h2, p } = forward(x);
    const dz = p - ys[i];
    const d2 = h2.map((h, k) => dz * l3.w[0][k] * (1 - h * h));
    const d1 = h1.map((h, k) => d2.reduce((s, d, j) => s + d * l2.w[j][k], 0) * (1 - h * h));
    for (let k = 0; k < HIDDEN; k++) l3.w[0][k] -= LR * dz * h2[k];
    l3.b[0] -= LR * dz;
    for (let j = 0; j < HIDDEN; j++) {
      for (let k = 0; k < HIDDEN; k++) l2.w[j][k] -= LR * d2[j] * h1[k];
      l2.b[j] -= LR * d2[j];
      l1.w[j][0] -= LR * d1[j] * x[0];
      l1.w[j][1] -= LR * d1[j] * x[1];
      l1.b[j] -= LR * d1[j];
    }
  }
  const train = evaluate(order.slice(0, split));
  const test = evaluate(testSet);
  last = {
    epoch,
    trainLoss: train.loss,
    trainAccuracy: train.accuracy,
    testLoss: test.loss,
    testAccuracy: test.accuracy,
  };
  console.log(
    `epoch ${String(epoch).padStart(3)}  loss ${train.loss.toFixed(4)}  accuracy ${(train.accuracy * 100).toFixed(1)}%  test loss ${test.loss.toFixed(4)}  test accuracy ${(test.accuracy * 100).toFixed(1)}%`,
  );
}
const seconds = (Date.now() - started) / 1000;
console.log(`done in ${seconds.toFixed(1)} s`);
const out = process.env.OUTPUT_DIR ?? ".";
mkdirSync(out, { recursive: true });
writeFileSync(
  path.join(out, "result.json"),
  JSON.stringify({
    model: `mlp-2-${HIDDEN}-${HIDDEN}-1`,
    samples: SAMPLES,
    epochs: EPOCHS,
    seconds,
    final: last,
    weights: { l1, l2, l3 },
  }),
);
