import { agentDeps } from "@/lib/services/agent/config";
import { handleLogs } from "@/lib/services/agent/handlers";

export const dynamic = "force-dynamic";

/** One chunk of a running job's output (API key), capped per job. */
export async function POST(request: Request, context: { params: Promise<{ jobId: string }> }) {
  const { jobId } = await context.params;
  return handleLogs(request, await agentDeps(), jobId);
}
