"use client";

export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return (
    <main className="mx-auto flex max-w-xl flex-col items-center px-6 py-24 text-center">
      <h1 className="text-3xl font-semibold tracking-tight text-zinc-50">
        This page failed to load
      </h1>
      <p className="mt-4 text-zinc-400">
        Something went wrong on our side. Try again; if it keeps failing, check /api/health.
      </p>
      <button
        type="button"
        onClick={reset}
        className="mt-8 rounded-lg bg-emerald-500 px-4 py-2.5 text-sm font-medium text-zinc-950 hover:bg-emerald-400"
      >
        Try again
      </button>
    </main>
  );
}
