/** `0x1234…abcd`: enough to recognise a wallet at a glance. */
export function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}
