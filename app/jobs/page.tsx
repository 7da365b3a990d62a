import type { Metadata } from "next";
import { PageHeader, Panel } from "@/components/ui/page-header";
import { shortAddress } from "@/components/wallet/short-address";
import { getSession } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Jobs" };

export default async function JobsPage() {
  const session = await getSession();
  return (
    <main className="mx-auto max-w-6xl px-6 py-12">
      <PageHeader title="Jobs">
        Every job you submit, from matching through escrow, the run, the result and settlement, with
        what you paid and what came back to you.
      </PageHeader>
      {session ? (
        <Panel title={`Signed in as ${shortAddress(session.address)}`}>
          <p>You have not submitted any jobs. Jobs you submit from the market are listed here.</p>
        </Panel>
      ) : (
        <Panel title="Sign in to see your jobs">
          <p>
            Jobs belong to the wallet that submitted them. Connect your wallet and sign in with the
            button at the top right.
          </p>
        </Panel>
      )}
    </main>
  );
}
