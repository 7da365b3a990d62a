import { agentDeps } from "@/lib/services/agent/config";
import { handleResultDownload } from "@/lib/services/agent/handlers";

export const dynamic = "force-dynamic";

/** Downloads the signed-in consumer's job result (session). */
export async function GET(request: Request, context: { params: Promise<{ jobId: string }> }) {
  const { jobId } = await context.params;
  return handleResultDownload(request, await agentDeps(), jobId);
}
