import { agentDeps } from "@/lib/services/agent/config";
import { handleResult } from "@/lib/services/agent/handlers";

export const dynamic = "force-dynamic";

/** The job's result bytes (API key), size-capped, hashed, stored once. */
export async function PUT(request: Request, context: { params: Promise<{ jobId: string }> }) {
  const { jobId } = await context.params;
  return handleResult(request, await agentDeps(), jobId);
}
