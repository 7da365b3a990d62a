import { authDeps } from "@/lib/auth/config";
import { errorResponse, handleVerify } from "@/lib/auth/handlers";

/**
 * Checks a signed SIWE message (JSON, at most 32 KiB, rate-limited per client), consumes its
 * nonce, opens a new session and sets its cookie.
 */
export async function POST(request: Request) {
  try {
    return await handleVerify(request, await authDeps());
  } catch (error) {
    return errorResponse(error);
  }
}
