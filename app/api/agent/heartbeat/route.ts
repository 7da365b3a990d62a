import { agentDeps } from "@/lib/services/agent/config";
import { handleHeartbeat } from "@/lib/services/agent/handlers";

export const dynamic = "force-dynamic";

/** The agent's heartbeat (API key): hardware, measured TFLOPS, version. */
export async function POST(request: Request) {
  return handleHeartbeat(request, await agentDeps());
}
