import { sessionSecret } from "@/lib/auth/config";
import { errorResponse, handleSession } from "@/lib/auth/handlers";

/** Who is signed in, from the session cookie. */
export function GET(request: Request) {
  try {
    return handleSession(request, { secret: sessionSecret() });
  } catch (error) {
    return errorResponse(error);
  }
}
