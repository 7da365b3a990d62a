import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto flex max-w-xl flex-col items-center px-6 py-24 text-center">
      <p className="font-mono text-sm text-emerald-400">404</p>
      <h1 className="mt-3 text-3xl font-semibold tracking-tight text-zinc-50">Page not found</h1>
      <p className="mt-4 text-zinc-400">
        There is nothing at this address. It may have moved, or the link may be mistyped.
      </p>
      <Link
        href="/"
        className="mt-8 rounded-lg bg-emerald-500 px-4 py-2.5 text-sm font-medium text-zinc-950 hover:bg-emerald-400"
      >
        Back to the home page
      </Link>
    </main>
  );
}
