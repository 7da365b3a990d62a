"use client";

import { useCallback, useState } from "react";
import { useSession } from "./session-provider";
import {
  primary,
  SignedIn,
  sessionTitle,
  type WalletIntent,
  WithError,
} from "./wallet-button-parts";
import { useWalletLoader } from "./wallet-loader";

/**
 * The header's wallet control. Until the wallet libraries load it is drawn from the session alone
 * (who is signed in, from the server): hovering or focusing it starts the load, and a click is
 * remembered and carried out by the loaded control (the connect or account modal).
 */
export function WalletButton() {
  const session = useSession();
  const { runtime, error: loadError, load } = useWalletLoader();
  const [intent, setIntent] = useState<WalletIntent | null>(null);
  const intentDone = useCallback(() => setIntent(null), []);

  if (runtime) {
    const { WalletScope, LiveWalletButton } = runtime;
    return (
      <WalletScope>
        <LiveWalletButton intent={intent} onIntentDone={intentDone} />
      </WalletScope>
    );
  }
  const prefetch = () => void load();
  const ask = (wanted: WalletIntent) => () => {
    setIntent(wanted);
    void load();
  };
  const control =
    session.status === "authenticated" && session.address ? (
      <SignedIn
        address={session.address}
        title={sessionTitle(session.address)}
        handlers={{ onClick: ask("account"), onPointerEnter: prefetch, onFocus: prefetch }}
        onSignOut={() => void session.signOut()}
      />
    ) : (
      <button
        type="button"
        className={primary}
        aria-busy={intent ? true : undefined}
        onClick={ask("connect")}
        onPointerEnter={prefetch}
        onFocus={prefetch}
      >
        Connect wallet
      </button>
    );
  return (
    <WithError
      control={control}
      error={loadError ?? session.error}
      onDismiss={loadError ? undefined : session.dismissError}
    />
  );
}
