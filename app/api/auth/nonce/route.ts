import { authDeps } from "@/lib/auth/config";
import { errorResponse, handleNonce } from "@/lib/auth/handlers";

/** A fresh single-use nonce for the next Sign-In with Ethereum message (rate-limited per client). */
export async function GET(request: Request) {
  try {
    return await handleNonce(request, await authDeps());
  } catch (error) {
    return errorResponse(error);
  }
}
