import "server-only";
import { randomBytes } from "node:crypto";
import { type Address, getAddress, type Hex, verifyMessage } from "viem";
import { parseSiweMessage } from "viem/siwe";
import { z } from "zod";
import type { Executor } from "@/db";
import {
  consumeNonce,
  deleteExpiredNonces,
  insertNonce,
  upsertUserSignIn,
} from "@/db/queries/auth";
import { AppError } from "@/lib/errors";

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
  // Housekeeping rides along with issuing: unused nonces would otherwise pile up.
  await deleteExpiredNonces(db, now);
  const nonce = newNonce();
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  await insertNonce(db, nonce, expiresAt);
  return { nonce, expiresAt };
}

export const verifyRequestSchema = z.object({
  message: z.string().min(1, "message is required").max(4096, "message is too long"),
  signature: z.string().regex(/^0x[0-9a-fA-F]+$/, "signature must be 0x-prefixed hex"),
});

export type VerifyRequest = z.infer<typeof verifyRequestSchema>;

export type SiweExpectations = {
  /** The site's origin, e.g. http://localhost:3000: the message's domain and URI must match it. */
  origin: string;
  /** The chain the marketplace runs on. */
  chainId: number;
  chainName: string;
  now?: Date;
};

/**
 * Checks a signed EIP-4361 message and consumes its nonce; returns the wallet that signed it.
 * Every refusal is an AppError with a sentence saying what went wrong and what to do.
 * Cheap static checks and the signature come before the nonce, so only the key holder can burn it.
 */
export async function verifySiweSignIn(
  db: Executor,
  request: VerifyRequest,
  expect: SiweExpectations,
): Promise<{ address: Address }> {
  const now = expect.now ?? new Date();
  const fields = parseSiweMessage(request.message);
  if (!fields.address || !fields.domain || !fields.uri || !fields.nonce || !fields.chainId) {
    throw new AppError(
      "bad_request",
      "The sign-in message is not a valid Sign-In with Ethereum message.",
    );
  }
  if (fields.version !== "1") {
    throw new AppError(
      "bad_request",
      "Only version 1 Sign-In with Ethereum messages are accepted.",
    );
  }
  const site = new URL(expect.origin);
  if (fields.domain !== site.host) {
    throw new AppError(
      "forbidden",
      `The sign-in message is for ${fields.domain}, not ${site.host}. Open ${site.origin} and sign in there.`,
    );
  }
  if (!URL.canParse(fields.uri) || new URL(fields.uri).origin !== site.origin) {
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
  if (fields.expirationTime && !(now < fields.expirationTime)) {
    throw new AppError("unauthorized", "The sign-in message has expired. Sign in again.");
  }
  if (fields.notBefore && now < fields.notBefore) {
    throw new AppError(
      "unauthorized",
      "The sign-in message is not valid yet. Check your clock and sign in again.",
    );
  }
  const address = getAddress(fields.address);
  // Recovered locally, so sign-in needs no RPC. Smart-contract wallets (EIP-1271/6492) would need
  // the chain's RPC (publicClient.verifySiweMessage); they are refused here for now.
  let valid = false;
  try {
    valid = await verifyMessage({
      address,
      message: request.message,
      signature: request.signature as Hex,
    });
  } catch {
    valid = false;
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
