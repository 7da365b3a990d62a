import type { Ref, SelectHTMLAttributes } from "react";
import { cn } from "./cn";
import { controlClass } from "./input";

export type SelectOption = { value: string; label: string };

/** A native select: keyboard, screen readers and phones handle it without any script. */
export function Select({
  options,
  placeholder,
  className,
  ref,
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & {
  options: readonly SelectOption[];
  placeholder?: string;
  ref?: Ref<HTMLSelectElement>;
}) {
  return (
    <select ref={ref} className={cn(controlClass, "pr-8", className)} {...props}>
      {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
