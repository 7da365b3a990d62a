import { authDeps } from "@/lib/auth/config";
import { errorResponse, handleVerify } from "@/lib/auth/handlers";

/** Checks a signed SIWE message, consumes its nonce and sets the session cookie. */
export async function POST(request: Request) {
  try {
    return await handleVerify(request, await authDeps());
  } catch (error) {
    return errorResponse(error);
  }
}
