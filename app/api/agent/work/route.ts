import { agentDeps } from "@/lib/services/agent/config";
import { handleWork } from "@/lib/services/agent/handlers";

export const dynamic = "force-dynamic";

/** The provider's leases (API key), long-polled: see handleWork. */
export async function GET(request: Request) {
  return handleWork(request, await agentDeps());
}
