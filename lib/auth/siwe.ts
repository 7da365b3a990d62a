import "server-only";
import { randomBytes } from "node:crypto";
import { type Address, type Hex, verifyMessage } from "viem";
import { z } from "zod";
import type { Executor } from "@/db";
import { consumeNonce, insertNonce, upsertUserSignIn } from "@/db/queries/auth";
import { AppError } from "@/lib/errors";
import { text } from "@/lib/validation/text";
import { deleteExpiredAuthRows } from "./cleanup";
import type { ContractSignatureVerifier } from "./contract-signatures";
import { parseCanonicalSiwe } from "./siwe-message";

/** 32 hex characters: EIP-4361 wants at least 8 alphanumerics; 128 bits cannot be guessed. */
export function newNonce(): string {
  return randomBytes(16).toString("hex");
}

/** Issues a single-use nonce that expires after `ttlSeconds`. */
export async function issueNonce(
  db: Executor,
  ttlSeconds: number,
  now = new Date(),
): Promise<{ nonce: string; expiresAt: Date }> {
  // Housekeeping rides along with issuing: expired nonces, sessions and rate-limit windows would
  // otherwise pile up. Each is one indexed DELETE that usually finds nothing.
  await deleteExpiredAuthRows(db, now);
  const nonce = newNonce();
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  await insertNonce(db, nonce, expiresAt);
  return { nonce, expiresAt };
}

/** The most a verify body may hold: the message, and a signature with room for ERC-6492 wrapping. */
export const VERIFY_BODY_MAX_BYTES = 32 * 1024;

export const verifyRequestSchema = z.object({
  message: text().min(1, "message is required").max(4096, "message is too long"),
  signature: text()
    .max(16_384, "signature is too long")
    .regex(/^0x(?:[0-9a-fA-F]{2})+$/, "signature must be 0x-prefixed hex"),
});

export type VerifyRequest = z.infer<typeof verifyRequestSchema>;

/** How far a wallet's clock may be ahead of or behind the server's. */
export const CLOCK_SKEW_SECONDS = 300;

export type SiweExpectations = {
  /** The site's origin, e.g. http://localhost:3000: the message's domain and URI must match it. */
  origin: string;
  /** The chain the marketplace runs on. */
  chainId: number;
  chainName: string;
  /** The nonce lifetime: a message issued longer ago than this (plus the skew) is refused. */
  nonceTtlSeconds: number;
  now?: Date;
  /** Smart-contract wallets (ERC-1271 / ERC-6492) through the chain; absent, only EOAs sign in. */
  verifyContractSignature?: ContractSignatureVerifier;
};

/**
 * Checks a signed EIP-4361 message and consumes its nonce; returns the wallet that signed it.
 * The message must be exactly the canonical rendering of its fields (no extra or repeated lines),
 * with RFC 3339 times that hold now. Every refusal is an AppError with a sentence saying what went
 * wrong and what to do. Cheap static checks and the signature come before the nonce, so only the
 * key holder can burn it.
 */
export async function verifySiweSignIn(
  db: Executor,
  request: VerifyRequest,
  expect: SiweExpectations,
): Promise<{ address: Address }> {
  const now = expect.now ?? new Date();
  const fields = parseCanonicalSiwe(request.message);
  const site = new URL(expect.origin);
  if (fields.domain !== site.host) {
    throw new AppError(
      "forbidden",
      `The sign-in message is for ${fields.domain}, not ${site.host}. Open ${site.origin} and sign in there.`,
    );
  }
  if (new URL(fields.uri).origin !== site.origin) {
    throw new AppError(
      "forbidden",
      `The sign-in message names ${fields.uri}, which is not this site (${site.origin}).`,
    );
  }
  if (fields.scheme !== undefined && `${fields.scheme}:` !== site.protocol) {
    throw new AppError(
      "forbidden",
      `The sign-in message names the wrong scheme (${fields.scheme}).`,
    );
  }
  if (fields.chainId !== expect.chainId) {
    throw new AppError(
      "bad_request",
      `The sign-in message is for chain ${fields.chainId}, but this marketplace runs on ${expect.chainName} (${expect.chainId}). Switch your wallet to ${expect.chainName} and sign in again.`,
    );
  }
  const skewMs = CLOCK_SKEW_SECONDS * 1000;
  const issuedAt = fields.issuedAt.at.getTime();
  if (issuedAt > now.getTime() + skewMs) {
    throw new AppError(
      "unauthorized",
      "The sign-in message says it was issued in the future. Set your device's clock to the correct time and sign in again.",
    );
  }
  if (issuedAt < now.getTime() - expect.nonceTtlSeconds * 1000 - skewMs) {
    throw new AppError(
      "unauthorized",
      "The sign-in message was issued too long ago. Sign in again for a fresh one.",
    );
  }
  if (fields.expirationTime && !(now < fields.expirationTime.at)) {
    throw new AppError("unauthorized", "The sign-in message has expired. Sign in again.");
  }
  if (fields.notBefore && now < fields.notBefore.at) {
    throw new AppError(
      "unauthorized",
      "The sign-in message is not valid yet. Check your clock and sign in again.",
    );
  }
  const address = fields.address;
  const signature = request.signature as Hex;
  // An ordinary key recovers locally, with no RPC; only a signature that does not recover to the
  // address goes to the chain, as a smart-contract wallet's.
  let valid = false;
  try {
    valid = await verifyMessage({ address, message: request.message, signature });
  } catch {
    valid = false;
  }
  if (!valid && expect.verifyContractSignature) {
    valid = await expect.verifyContractSignature({
      address,
      message: request.message,
      signature,
    });
  }
  if (!valid) {
    throw new AppError(
      "unauthorized",
      `The signature does not match ${address}. Sign the message with that wallet.`,
    );
  }
  const nonce = await consumeNonce(db, fields.nonce, now);
  if (nonce === "unknown") {
    throw new AppError(
      "unauthorized",
      "This sign-in request was already used or never issued. Sign in again for a fresh one.",
    );
  }
  if (nonce === "expired") {
    throw new AppError("unauthorized", "This sign-in request timed out. Sign in again.");
  }
  await upsertUserSignIn(db, address, now);
  return { address };
}
