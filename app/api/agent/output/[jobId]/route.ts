import { agentDeps } from "@/lib/services/agent/config";
import { handleOutput } from "@/lib/services/agent/handlers";

export const dynamic = "force-dynamic";

/** The signed-in consumer's job logs and result metadata (session). */
export async function GET(request: Request, context: { params: Promise<{ jobId: string }> }) {
  const { jobId } = await context.params;
  return handleOutput(request, await agentDeps(), jobId);
}
