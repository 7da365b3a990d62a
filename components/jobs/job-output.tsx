import type { JobOutput } from "@/lib/services/agent/job-output";
import { formatDuration } from "@/lib/web3/amounts";

/** The most log text the page shows: the tail, where a running job's progress is. */
const SHOWN_LOG_CHARS = 64 * 1024;

/**
 * What the provider's node reported for the job: its log (the tail, refreshed with the page while
 * the job runs) and its result with a download link. Only the job's consumer gets here: the
 * page reads it through `jobOutput`, which refuses anyone else.
 */
export function JobOutputView({
  jobId,
  output,
  resultHashOnChain,
}: {
  jobId: string;
  output: JobOutput;
  resultHashOnChain: string | null;
}) {
  const text = output.logs.map((l) => l.text).join("");
  const shown = text.length > SHOWN_LOG_CHARS ? text.slice(-SHOWN_LOG_CHARS) : text;
  const result = output.result;
  return (
    <div className="space-y-3">
      {shown ? (
        <>
          <p className="text-xs text-zinc-400">
            {(output.logBytes / 1024).toFixed(1)} KB of log
            {shown.length < text.length ? "; the last 64 KB shown" : ""}
          </p>
          <pre
            data-testid="job-logs"
            className="max-h-80 overflow-auto whitespace-pre-wrap break-all rounded-lg bg-zinc-950 p-3 font-mono text-xs leading-5 text-zinc-300"
          >
            {shown}
          </pre>
        </>
      ) : (
        <p>
          {output.startedAt
            ? "The provider's node started the job; its log appears here as it runs."
            : "Nothing yet. Logs and the result appear here once the provider's node reports them."}
        </p>
      )}
      {result ? (
        <div data-testid="job-result" className="space-y-1">
          <p className="text-zinc-300">
            Result: {(result.size / 1024).toFixed(1)} KB
            {result.exitCode !== null ? `, exit code ${result.exitCode}` : ""}
            {result.usedSeconds !== null ? `, ran ${formatDuration(result.usedSeconds)}` : ""}
          </p>
          <p className="break-all font-mono text-xs text-zinc-400">
            keccak256 {result.hash}
            {resultHashOnChain && resultHashOnChain.toLowerCase() !== result.hash.toLowerCase()
              ? " (differs from the hash submitted on chain: dispute inside the window)"
              : ""}
          </p>
          <a
            href={`/api/agent/output/${jobId}/result`}
            download
            className="inline-block text-emerald-400 underline-offset-4 hover:underline"
          >
            Download the result
          </a>
        </div>
      ) : null}
    </div>
  );
}
