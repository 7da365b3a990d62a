import { authDeps } from "@/lib/auth/config";
import { errorResponse, handleNonce } from "@/lib/auth/handlers";

/** A fresh single-use nonce for the next Sign-In with Ethereum message. */
export async function GET() {
  try {
    return await handleNonce(await authDeps());
  } catch (error) {
    return errorResponse(error);
  }
}
