export default function HomePage() {
  return (
    <main className="mx-auto max-w-5xl px-6 py-16">
      <h1 className="text-4xl font-semibold tracking-tight">GPU compute for AI, paid by the second</h1>
    </main>
  );
}
