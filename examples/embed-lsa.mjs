#!/usr/bin/env node
// Batch text embedding with latent semantic analysis, in plain JavaScript on the CPU: no model to
// download, no dependencies, runs anywhere Node runs (the agent's process runtime). Each line of
// a text file is a document; it is weighted by TF-IDF and projected onto the top singular
// vectors of the document-term matrix (a randomized truncated SVD with power iterations). Writes
// the document embeddings to $OUTPUT_DIR/embeddings.f32 (float32, little-endian, one row per
// document) and to $OUTPUT_DIR/result.json: the sizes, the share of the matrix's energy the
// dimensions keep, the embedding file's size and sha256, and the nearest documents of each query
// and of a few documents, which anyone can check by reading the corpus.
// Settings: CORPUS_FILE (default: corpus.txt beside this file), DIMENSIONS (16), QUERIES
// (";"-separated, default three), TOP_K (3), SEED (7).
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const num = (name, fallback) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
};
const corpusFile =
  process.env.CORPUS_FILE ||
  path.join(path.dirname(new URL(import.meta.url).pathname), "corpus.txt");
const TOP_K = num("TOP_K", 3);
const queries = (
  process.env.QUERIES || "gpu training loss;bake bread in the oven;fish on the coral reef"
)
  .split(";")
  .map((q) => q.trim())
  .filter(Boolean);
let seed = num("SEED", 7);
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const STOP = new Set(
  "the and for with its his her their then than that this these those from into onto over under when where which while whose what who whom are was were been being has have had does did can could will would should may might must not but all any each every more most some such own same very just also only once after before until about above below between through during again further here there why how both few other off out per via against among once upon them they you your our ours it's".split(
    " ",
  ),
);
const tokens = (text) =>
  (text.toLowerCase().match(/[a-z]+/g) ?? []).filter((t) => t.length > 2 && !STOP.has(t));

const started = performance.now();
const docs = readFileSync(corpusFile, "utf8")
  .split(/\r?\n/)
  .map((l) => l.trim())
  .filter(Boolean);
console.log(`corpus: ${docs.length} documents from ${corpusFile}`);

// Terms in at least two documents: a word seen once says nothing about similarity.
const docTokens = docs.map(tokens);
const df = new Map();
for (const toks of docTokens) for (const t of new Set(toks)) df.set(t, (df.get(t) ?? 0) + 1);
const vocab = [...df.keys()].filter((t) => (df.get(t) ?? 0) >= 2).sort();
const termIndex = new Map(vocab.map((t, i) => [t, i]));
const idf = vocab.map((t) => Math.log(docs.length / (df.get(t) ?? 1)) + 1);

/** A text's TF-IDF row as sparse [index, weight] pairs, unit length. */
function tfidf(toks) {
  const counts = new Map();
  for (const t of toks) {
    const i = termIndex.get(t);
    if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
  }
  const row = [...counts].map(([i, c]) => [i, (1 + Math.log(c)) * idf[i]]);
  const norm = Math.hypot(...row.map(([, w]) => w)) || 1;
  return row.map(([i, w]) => [i, w / norm]);
}
const rows = docTokens.map(tfidf);
const terms = vocab.length;
const DIMS = Math.min(num("DIMENSIONS", 16), docs.length, terms);
console.log(`vocabulary: ${terms} terms in two or more documents; ${DIMS} dimensions`);

// A (docs x terms, sparse) times a dense terms x k matrix, and A^T times a docs x k matrix.
const times = (m, k) =>
  rows.map((row) => {
    const out = new Float64Array(k);
    for (const [i, w] of row) for (let j = 0; j < k; j++) out[j] += w * m[i][j];
    return out;
  });
const timesT = (m, k) => {
  const out = Array.from({ length: terms }, () => new Float64Array(k));
  rows.forEach((row, d) => {
    for (const [i, w] of row) for (let j = 0; j < k; j++) out[i][j] += w * m[d][j];
  });
  return out;
};
/** Orthonormal columns (modified Gram-Schmidt), in place. */
function orthonormalize(m, k) {
  for (let j = 0; j < k; j++) {
    for (let p = 0; p < j; p++) {
      let dot = 0;
      for (const r of m) dot += r[j] * r[p];
      for (const r of m) r[j] -= dot * r[p];
    }
    let norm = 0;
    for (const r of m) norm += r[j] * r[j];
    norm = Math.sqrt(norm) || 1;
    for (const r of m) r[j] /= norm;
  }
  return m;
}

// Randomized truncated SVD: a random start, four power iterations, then the small problem.
const K = Math.min(DIMS + 8, docs.length, terms);
let omega = Array.from({ length: terms }, () =>
  Float64Array.from({ length: K }, () => random() * 2 - 1),
);
let Q = orthonormalize(times(omega, K), K);
for (let it = 0; it < 4; it++) {
  omega = orthonormalize(timesT(Q, K), K);
  Q = orthonormalize(times(omega, K), K);
  console.log(`power iteration ${it + 1}/4`);
}
// B = Q^T A (K x terms); the eigenvectors of B B^T (K x K, Jacobi) give U = Q W, sigma^2.
const Bt = timesT(Q, K);
const G = Array.from({ length: K }, (_, a) =>
  Array.from({ length: K }, (_, b) => {
    let s = 0;
    for (const r of Bt) s += r[a] * r[b];
    return s;
  }),
);
const W = Array.from({ length: K }, (_, a) =>
  Array.from({ length: K }, (_, b) => (a === b ? 1 : 0)),
);
for (let sweep = 0; sweep < 50; sweep++) {
  let off = 0;
  for (let p = 0; p < K; p++) {
    for (let q = p + 1; q < K; q++) {
      off += G[p][q] ** 2;
      if (Math.abs(G[p][q]) < 1e-15) continue;
      const theta = (G[q][q] - G[p][p]) / (2 * G[p][q]);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      for (let r = 0; r < K; r++) {
        const gp = G[r][p];
        const gq = G[r][q];
        G[r][p] = c * gp - s * gq;
        G[r][q] = s * gp + c * gq;
      }
      for (let r = 0; r < K; r++) {
        const gp = G[p][r];
        const gq = G[q][r];
        G[p][r] = c * gp - s * gq;
        G[q][r] = s * gp + c * gq;
      }
      for (let r = 0; r < K; r++) {
        const wp = W[r][p];
        const wq = W[r][q];
        W[r][p] = c * wp - s * wq;
        W[r][q] = s * wp + c * wq;
      }
    }
  }
  if (off < 1e-20) break;
}
const order = Array.from({ length: K }, (_, i) => i)
  .sort((a, b) => G[b][b] - G[a][a])
  .slice(0, DIMS);
const sigma = order.map((i) => Math.sqrt(Math.max(G[i][i], 0)));
// V (terms x DIMS) = B^T W / sigma: a text's embedding is its TF-IDF row times V.
const V = Bt.map((r) =>
  Float64Array.from(order, (i, j) => {
    let s = 0;
    for (let a = 0; a < K; a++) s += r[a] * W[a][i];
    return sigma[j] > 1e-12 ? s / sigma[j] : 0;
  }),
);
const embed = (row) => {
  const out = new Float64Array(DIMS);
  for (const [i, w] of row) for (let j = 0; j < DIMS; j++) out[j] += w * V[i][j];
  return out;
};
const embeddings = rows.map(embed);
const energy = rows.reduce((s, row) => s + row.reduce((t, [, w]) => t + w * w, 0), 0);
const kept = sigma.reduce((s, x) => s + x * x, 0) / energy;
console.log(
  `singular values: ${sigma
    .slice(0, 6)
    .map((s) => s.toFixed(3))
    .join(", ")}...; the ${DIMS} dimensions keep ${(kept * 100).toFixed(1)} % of the energy`,
);

const cosine = (a, b) => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let j = 0; j < a.length; j++) {
    dot += a[j] * b[j];
    na += a[j] * a[j];
    nb += b[j] * b[j];
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
};
const nearest = (vector, skip = -1) =>
  embeddings
    .map((e, d) => ({ document: d, score: cosine(vector, e) }))
    .filter((n) => n.document !== skip)
    .sort((a, b) => b.score - a.score)
    .slice(0, TOP_K)
    .map((n) => ({
      document: n.document,
      score: Number(n.score.toFixed(4)),
      text: docs[n.document].slice(0, 80),
    }));

const queryResults = queries.map((query) => {
  const hits = nearest(embed(tfidf(tokens(query))));
  console.log(`query "${query}":`);
  for (const h of hits) console.log(`  ${h.score.toFixed(3)}  #${h.document}  ${h.text}`);
  return { query, nearest: hits };
});
const documentNeighbours = embeddings.map((e, d) => nearest(e, d)[0]?.document ?? -1);

const out = process.env.OUTPUT_DIR ?? ".";
mkdirSync(out, { recursive: true });
const flat = new Float32Array(docs.length * DIMS);
embeddings.forEach((e, d) => {
  flat.set(e, d * DIMS);
});
const bytes = Buffer.from(flat.buffer);
writeFileSync(path.join(out, "embeddings.f32"), bytes);
const sha256 = createHash("sha256").update(bytes).digest("hex");
console.log(`embeddings.f32: ${bytes.byteLength} bytes, sha256 ${sha256}`);
writeFileSync(
  path.join(out, "result.json"),
  `${JSON.stringify(
    {
      method: "TF-IDF + randomized truncated SVD (latent semantic analysis), float32",
      documents: docs.length,
      terms,
      dimensions: DIMS,
      energyKept: Number(kept.toFixed(4)),
      singularValues: sigma.map((s) => Number(s.toFixed(4))),
      embeddings: { file: "embeddings.f32", bytes: bytes.byteLength, sha256 },
      queries: queryResults,
      documentNeighbours,
      seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
    },
    null,
    2,
  )}\n`,
);
console.log(`done in ${((performance.now() - started) / 1000).toFixed(2)} s`);
