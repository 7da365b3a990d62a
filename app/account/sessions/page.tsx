import type { Metadata } from "next";
import { PageHeader, Panel } from "@/components/ui/page-header";
import { shortAddress } from "@/components/wallet/short-address";
import { getDb } from "@/db";
import { getSession } from "@/lib/auth/session";
import { listSessions, type SessionView } from "@/lib/auth/sessions";
import { EndSessionButton } from "./_components/end-session-button";

export const metadata: Metadata = { title: "Sessions" };

const absolute = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

/** "3 min ago", "in 6 days": relative to the render, with the absolute UTC time on hover. */
function relative(at: Date, now: Date): string {
  const ms = at.getTime() - now.getTime();
  const past = ms <= 0;
  const s = Math.abs(ms) / 1000;
  if (s < 60) return past ? "just now" : "in under a minute";
  let text: string;
  if (s < 3600) text = `${Math.round(s / 60)} min`;
  else if (s < 86_400) text = `${Math.round(s / 3600)} h`;
  else {
    const days = Math.round(s / 86_400);
    text = `${days} ${days === 1 ? "day" : "days"}`;
  }
  return past ? `${text} ago` : `in ${text}`;
}

function When({ at, now }: { at: Date; now: Date }) {
  return (
    <time dateTime={at.toISOString()} title={`${absolute.format(at)} UTC`}>
      {relative(at, now)}
    </time>
  );
}

function SessionRow({ s, now }: { s: SessionView; now: Date }) {
  return (
    <li className="grid gap-3 px-5 py-4 sm:grid-cols-[1fr_auto] sm:items-center">
      <div className="min-w-0">
        <p className="flex flex-wrap items-center gap-2 font-medium text-zinc-100">
          {s.userAgent || "Unknown browser"}
          {s.current ? (
            <span className="rounded-full bg-emerald-500/15 px-2 py-0.5 text-xs font-medium text-emerald-300">
              This browser
            </span>
          ) : null}
        </p>
        <dl className="mt-1 flex flex-wrap gap-x-5 gap-y-1 text-sm text-zinc-400">
          <div className="flex gap-1">
            <dt className="text-zinc-500">Signed in</dt>
            <dd>
              <When at={s.createdAt} now={now} />
            </dd>
          </div>
          <div className="flex gap-1">
            <dt className="text-zinc-500">Last seen</dt>
            <dd>
              <When at={s.lastSeenAt} now={now} />
            </dd>
          </div>
          <div className="flex gap-1">
            <dt className="text-zinc-500">Ends</dt>
            <dd>
              <When at={s.expiresAt} now={now} />
            </dd>
          </div>
          {s.ipSummary ? (
            <div className="flex gap-1">
              <dt className="text-zinc-500">From</dt>
              <dd className="font-mono text-xs leading-5">{s.ipSummary}</dd>
            </div>
          ) : null}
        </dl>
      </div>
      {s.current ? (
        <p className="text-sm text-zinc-500 sm:text-right">Sign out at the top right</p>
      ) : (
        <EndSessionButton kind="one" sessionId={s.id} label={s.userAgent || "this session"} />
      )}
    </li>
  );
}

export default async function SessionsPage() {
  const session = await getSession();
  const intro = (
    <PageHeader title="Sessions">
      Every browser signed in with your wallet. Signing one out ends it on the server at once: its
      cookie stops working everywhere, even if it was copied.
    </PageHeader>
  );
  if (!session) {
    return (
      <main className="mx-auto max-w-6xl px-6 py-12">
        {intro}
        <Panel title="Sign in to see your sessions">
          <p>
            Sessions belong to the wallet that signed in. Connect your wallet and sign in with the
            button at the top right.
          </p>
        </Panel>
      </main>
    );
  }
  const now = new Date();
  const sessions = await listSessions(await getDb(), session, now);
  const others = sessions.filter((s) => !s.current).length;
  return (
    <main className="mx-auto max-w-6xl px-6 py-12">
      {intro}
      <section
        aria-labelledby="sessions-heading"
        className="rounded-xl border border-zinc-800 bg-zinc-900/40"
      >
        <div className="flex flex-wrap items-start justify-between gap-4 border-b border-zinc-800 px-5 py-4">
          <div>
            <h2 id="sessions-heading" className="text-base font-medium text-zinc-100">
              Signed in as {shortAddress(session.address)}
            </h2>
            <p className="mt-1 text-sm text-zinc-400">
              {sessions.length === 1
                ? "1 active session: this browser."
                : `${sessions.length} active sessions, ${others} in other browsers.`}
            </p>
          </div>
          <EndSessionButton
            kind="others"
            disabledReason={others === 0 ? "No other browser is signed in." : undefined}
          />
        </div>
        <ul className="divide-y divide-zinc-800">
          {sessions.map((s) => (
            <SessionRow key={s.id} s={s} now={now} />
          ))}
        </ul>
      </section>
    </main>
  );
}
