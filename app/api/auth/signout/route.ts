import { authDeps } from "@/lib/auth/config";
import { errorResponse, handleSignOut } from "@/lib/auth/handlers";

/** Ends this session on the server (the cookie stops working everywhere) and clears the cookie. */
export async function POST(request: Request) {
  try {
    return await handleSignOut(request, await authDeps());
  } catch (error) {
    return errorResponse(error);
  }
}
