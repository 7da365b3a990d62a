import { agentDeps } from "@/lib/services/agent/config";
import { handleStart } from "@/lib/services/agent/handlers";

export const dynamic = "force-dynamic";

/** The agent's acknowledgeStart transaction for a funded job (API key). */
export async function POST(request: Request, context: { params: Promise<{ jobId: string }> }) {
  const { jobId } = await context.params;
  return handleStart(request, await agentDeps(), jobId);
}
