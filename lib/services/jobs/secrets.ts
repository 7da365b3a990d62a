import "server-only";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import type { StoredEnvVar } from "@/db/schema";
import { sessionSecret } from "@/lib/auth/config";
import { env } from "@/lib/env";

/**
 * The AES-256 key for job secrets: JOB_SECRETS_KEY when set, otherwise derived from the session
 * secret (SESSION_SECRET, or the one generated into the data folder), so the embedded defaults
 * never seal secrets under a key anyone could read in the source.
 */
export function jobSecretsKey(): Buffer {
  const configured = env().JOB_SECRETS_KEY;
  const material = configured ? `key:${configured}` : `session:${sessionSecret()}`;
  return createHash("sha256").update(`job-secrets-v1\0${material}`).digest();
}

/** AES-256-GCM: "v1.<iv>.<tag>.<ciphertext>", base64url parts. The job id is the AAD. */
export function encryptSecret(plain: string, aad: string, key = jobSecretsKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64url"));
  return `v1.${parts.join(".")}`;
}

export function decryptSecret(sealed: string, aad: string, key = jobSecretsKey()): string {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || body === undefined) throw new Error("bad secret format");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([
    decipher.update(Buffer.from(body, "base64url")),
    decipher.final(),
  ]).toString("utf8");
}

export function sealEnv(
  env: readonly { name: string; value: string; secret: boolean }[],
  jobId: string,
): StoredEnvVar[] {
  return env.map((v) =>
    v.secret
      ? { name: v.name, secret: true, ciphertext: encryptSecret(v.value, jobId) }
      : { name: v.name, secret: false, value: v.value },
  );
}

/** The env as the job's runtime needs it; only the agent that runs the job should call this. */
export function openEnv(env: readonly StoredEnvVar[], jobId: string): Record<string, string> {
  return Object.fromEntries(
    env.map((v) => [v.name, v.secret ? decryptSecret(v.ciphertext, jobId) : v.value]),
  );
}

/** What pages may show: secret values masked. */
export function redactEnv(env: readonly StoredEnvVar[]) {
  return env.map((v) => ({ name: v.name, secret: v.secret, value: v.secret ? "••••••" : v.value }));
}
