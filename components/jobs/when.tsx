const absolute = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "medium",
  timeZone: "UTC",
});

/** "3 min ago" relative to the render, with the absolute UTC time on hover. */
export function relativeTime(at: Date, now: Date): string {
  const ms = at.getTime() - now.getTime();
  const s = Math.abs(ms) / 1000;
  const past = ms <= 0;
  if (s < 60) return past ? "just now" : "in under a minute";
  let text: string;
  if (s < 3600) text = `${Math.round(s / 60)} min`;
  else if (s < 86_400) text = `${Math.round(s / 3600)} h`;
  else text = `${Math.round(s / 86_400)} d`;
  return past ? `${text} ago` : `in ${text}`;
}

export function When({ at, now }: { at: Date; now: Date }) {
  return (
    <time dateTime={at.toISOString()} title={`${absolute.format(at)} UTC`}>
      {relativeTime(at, now)}
    </time>
  );
}
