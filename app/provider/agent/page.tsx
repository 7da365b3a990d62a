import type { Metadata } from "next";
import { relativeTime } from "@/components/jobs/when";
import { CreateApiKey, RevokeApiKey } from "@/components/provider/api-keys";
import { Empty, Figure, tableClass, tdClass, thClass } from "@/components/provider/figure";
import { SignInFirst } from "@/components/provider/sign-in-first";
import { PageHeader, Panel } from "@/components/ui/page-header";
import { agentPanel } from "@/lib/services/providers/agent-panel";
import { providerOverview } from "@/lib/services/providers/dashboard";
import { providerContext } from "../context";

export const metadata: Metadata = { title: "Agent keys" };

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

export default async function AgentPage() {
  const ctx = await providerContext();
  if (!ctx) return <SignInFirst what="Agent keys" />;
  const { provider, keys } = await providerOverview(ctx.db, ctx.session.address);
  if (!provider) {
    return (
      <Panel title="Register first">
        <p>Agent keys belong to a provider profile. Register on the Overview tab first.</p>
      </Panel>
    );
  }
  const now = new Date();
  const agent = await agentPanel(ctx.db, provider.id, now);
  const gpuCount = agent ? agent.hardware.gpus.length : null;
  return (
    <div className="space-y-8">
      <PageHeader title="Agent keys">
        The node agent on your GPU machine uses an API key to pick up matched jobs and report
        heartbeats, logs and results. Give each machine its own key; revoke one and that agent is
        refused at once.
      </PageHeader>
      <section aria-labelledby="agent" className="rounded-xl border border-zinc-800 p-6">
        <h2 id="agent" className="mb-4 text-lg font-medium text-zinc-100">
          Agent
        </h2>
        {agent ? (
          <dl className="grid grid-cols-2 gap-6 md:grid-cols-5">
            <Figure label="Status">{agent.silent ? "silent" : agent.providerStatus}</Figure>
            <Figure
              label="Online since"
              note={agent.onlineSince ? utc(agent.onlineSince) : "not online now"}
              testId="agent-online-since"
            >
              {agent.onlineSince ? relativeTime(agent.onlineSince, now) : "—"}
            </Figure>
            <Figure label="Last heartbeat" note={utc(agent.lastHeartbeatAt)}>
              {relativeTime(agent.lastHeartbeatAt, now)}
            </Figure>
            <Figure label="GPUs seen">{gpuCount ?? "—"}</Figure>
            <Figure
              label="Measured"
              note={agent.tflopsDevice ? `on ${agent.tflopsDevice}` : undefined}
            >
              {agent.tflops ? `${agent.tflops.toFixed(1)} TFLOPS` : "—"}
            </Figure>
          </dl>
        ) : (
          <Empty title="No agent has reported yet">
            Start the node agent with one of the keys below; it appears here with its first
            heartbeat.
          </Empty>
        )}
      </section>
      <Panel title="New key">
        <CreateApiKey />
      </Panel>
      <section aria-labelledby="keys" className="space-y-3">
        <h2 id="keys" className="text-lg font-medium text-zinc-100">
          Keys
        </h2>
        {keys.length === 0 ? (
          <Empty title="No keys yet">Create one above for your first machine.</Empty>
        ) : (
          <div className="relative overflow-x-auto">
            <table className={tableClass}>
              <thead>
                <tr>
                  <th className={thClass}>Label</th>
                  <th className={thClass}>Key</th>
                  <th className={thClass}>Created</th>
                  <th className={thClass}>Last used</th>
                  <th className={thClass}>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => (
                  <tr key={k.id} className="border-t border-zinc-800" data-testid="api-key">
                    <td className={tdClass}>{k.label}</td>
                    <td className={`${tdClass} font-mono`}>{k.prefix}…</td>
                    <td className={tdClass} title={utc(k.createdAt)}>
                      {relativeTime(k.createdAt, now)}
                    </td>
                    <td className={tdClass} title={k.lastUsedAt ? utc(k.lastUsedAt) : undefined}>
                      {k.lastUsedAt ? relativeTime(k.lastUsedAt, now) : "never"}
                    </td>
                    <td className={`${tdClass} text-right`}>
                      {k.revokedAt ? (
                        <span className="text-xs text-red-300" data-testid="key-revoked">
                          revoked {relativeTime(k.revokedAt, now)}
                        </span>
                      ) : (
                        <RevokeApiKey keyId={k.id} label={k.label} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
