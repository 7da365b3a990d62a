import { agentDeps } from "@/lib/services/agent/config";
import { handleSubmitted } from "@/lib/services/agent/handlers";

export const dynamic = "force-dynamic";

/** The agent's submitResult transaction (API key). */
export async function POST(request: Request, context: { params: Promise<{ jobId: string }> }) {
  const { jobId } = await context.params;
  return handleSubmitted(request, await agentDeps(), jobId);
}
