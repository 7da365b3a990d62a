import type { ButtonHTMLAttributes } from "react";
import { cn } from "./cn";

export type ButtonVariant = "primary" | "secondary" | "ghost" | "danger";
export type ButtonSize = "sm" | "md";

const variants: Record<ButtonVariant, string> = {
  primary: "bg-emerald-500 text-zinc-950 hover:bg-emerald-400 disabled:bg-emerald-500/40",
  secondary:
    "border border-zinc-700 bg-zinc-900 text-zinc-100 hover:border-zinc-500 disabled:text-zinc-500",
  ghost: "text-zinc-300 hover:bg-zinc-800 hover:text-zinc-50 disabled:text-zinc-600",
  danger: "bg-red-500 text-zinc-950 hover:bg-red-400 disabled:bg-red-500/40",
};

const sizes: Record<ButtonSize, string> = {
  sm: "h-8 px-3 text-xs",
  md: "h-10 px-4 text-sm",
};

const wrapSizes: Record<ButtonSize, string> = {
  sm: "min-h-8 px-3 py-1.5 text-left text-xs",
  md: "min-h-10 px-4 py-2 text-left text-sm",
};

/** The classes of a button, for links that look like one (`<Link className={buttonClass()}>`). */
export function buttonClass(
  variant: ButtonVariant = "primary",
  size: ButtonSize = "md",
  wrap = false,
): string {
  return cn(
    "inline-flex items-center justify-center gap-2 rounded-lg font-medium transition-colors",
    // A long label (a no-match fix) wraps onto more lines instead of widening the page: no
    // fixed height then, the size's padding and text only.
    wrap ? wrapSizes[size] : cn("whitespace-nowrap", sizes[size]),
    "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-400",
    "disabled:cursor-not-allowed",
    variants[variant],
  );
}

export function Button({
  variant = "primary",
  size = "md",
  wrap = false,
  className,
  type = "button",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: ButtonVariant;
  size?: ButtonSize;
  wrap?: boolean;
}) {
  return (
    <button type={type} className={cn(buttonClass(variant, size, wrap), className)} {...props} />
  );
}
