const browsers: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\/(\d+)/, "Edge"],
  [/\b(?:OPR|Opera)\/(\d+)/, "Opera"],
  [/\bSamsungBrowser\/(\d+)/, "Samsung Internet"],
  [/\b(?:Firefox|FxiOS)\/(\d+)/, "Firefox"],
  [/\b(?:Chrome|CriOS|Chromium)\/(\d+)/, "Chrome"],
  [/\bVersion\/(\d+)[^ ]* (?:Mobile\/\S+ )?Safari\//, "Safari"],
];

const systems: [RegExp, string][] = [
  [/\b(?:iPhone|iPad|iPod)\b/, "iOS"],
  [/\bAndroid\b/, "Android"],
  [/\bCrOS\b/, "ChromeOS"],
  [/\bWindows\b/, "Windows"],
  [/\bMac OS X\b|\bMacintosh\b/, "macOS"],
  [/\bLinux\b/, "Linux"],
];

/**
 * A short, display-safe name for a User-Agent header, e.g. "Firefox 128 on Linux": what a person
 * needs to recognise their own sessions. Unknown agents keep their first product token.
 */
export function describeUserAgent(header: string): string {
  const ua = header.replace(/[^\x20-\x7e]/g, "").slice(0, 512);
  if (!ua.trim()) return "Unknown browser";
  const system = systems.find(([re]) => re.test(ua))?.[1];
  for (const [re, name] of browsers) {
    const match = re.exec(ua);
    if (match) return `${name} ${match[1]}${system ? ` on ${system}` : ""}`;
  }
  const product = (/^[A-Za-z][\w.-]*/.exec(ua.trim())?.[0] ?? "Unknown browser").slice(0, 40);
  return system ? `${product} on ${system}` : product;
}
