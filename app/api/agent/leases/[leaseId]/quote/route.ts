import { agentDeps } from "@/lib/services/agent/config";
import { handleQuote } from "@/lib/services/agent/handlers";

export const dynamic = "force-dynamic";

/** The agent's signed EIP-712 quote for a reserved lease (API key). */
export async function POST(request: Request, context: { params: Promise<{ leaseId: string }> }) {
  const { leaseId } = await context.params;
  return handleQuote(request, await agentDeps(), leaseId);
}
