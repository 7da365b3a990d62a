import { Panel } from "@/components/ui/page-header";

export function SignInFirst({ what }: { what: string }) {
  return (
    <Panel title="Sign in to continue">
      <p>
        {what} belong to the wallet you provide from. Connect that wallet and sign in with the
        button at the top right.
      </p>
    </Panel>
  );
}
