/** Joins class names, skipping the falsy ones (no dependency needed for so little). */
export function cn(...parts: (string | false | null | undefined)[]): string {
  return parts.filter(Boolean).join(" ");
}
