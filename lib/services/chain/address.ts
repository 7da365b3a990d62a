import { AppError } from "@/lib/errors";

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** An account address as the index keys it (lowercase), or a bad_request. */
export function accountOf(address: string): string {
  if (!ADDRESS.test(address)) {
    throw new AppError("bad_request", "That is not an account address (0x and 40 hex digits).", {
      address: ["not an address"],
    });
  }
  return address.toLowerCase();
}
