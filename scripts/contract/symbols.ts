/**
 * Rust v0 mangled symbols (`_R...`) made readable enough for a size profile: the
 * identifiers in order (`compute_market::state::ComputeMarket::save_job`), without crate
 * hashes, disambiguators or generic arguments' encoding. Not a full demangler.
 */
export function readableSymbol(name: string): string {
  if (!name.startsWith("_R")) return name;
  const body = name.slice(2).replace(/Cs[0-9A-Za-z]+_/g, "");
  const idents: string[] = [];
  let i = 0;
  while (i < body.length) {
    const digits = /^\d+/.exec(body.slice(i));
    if (!digits) {
      i += 1;
      continue;
    }
    const n = Number(digits[0]);
    const ident = body.slice(i + digits[0].length, i + digits[0].length + n);
    if (ident.length === n && /^(?:[A-Za-z]|_[A-Za-z])[A-Za-z0-9_]*$/.test(ident)) {
      if (idents.at(-1) !== ident) idents.push(ident);
      i += digits[0].length + n;
    } else {
      i += digits[0].length;
    }
  }
  return idents.length > 0 ? idents.join("::") : name;
}
