"use client";

import { useEffect, useState } from "react";

/** `4:59`, `1:02:03`, `2 d 03:04:05`: the time left, to the second. */
export function countdownText(msLeft: number): string {
  const total = Math.max(0, Math.ceil(msLeft / 1000));
  const days = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  if (days > 0) return `${days} d ${pad(h)}:${pad(m)}:${pad(s)}`;
  if (h > 0) return `${h}:${pad(m)}:${pad(s)}`;
  return `${m}:${pad(s)}`;
}

/**
 * A live countdown to `to` with the absolute time on hover; `ended` once it is reached. The
 * server renders the text at its time, the browser ticks it every second.
 */
export function Countdown({
  to,
  ended = "passed",
  now: serverNow,
  clockOffsetMs = 0,
}: {
  to: Date | string;
  ended?: string;
  /** The time the server rendered at, so the first paint matches hydration. */
  now?: number;
  /** How far the chain's clock runs ahead of this machine's (a devnet after time travel). */
  clockOffsetMs?: number;
}) {
  const target = new Date(to).getTime();
  const [now, setNow] = useState(serverNow ?? target);
  useEffect(() => {
    const tick = () => setNow(Date.now() + clockOffsetMs);
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [clockOffsetMs]);
  const left = target - now;
  const absolute = new Date(target).toISOString().replace("T", " ").slice(0, 19);
  return (
    <time
      dateTime={new Date(target).toISOString()}
      title={`${absolute} UTC`}
      className="tabular-nums"
    >
      {left > 0 ? `in ${countdownText(left)}` : ended}
    </time>
  );
}
