/**
 * Stand-in for the optional `@x402/*` packages. wagmi's Base Account connector reaches
 * @coinbase/cdp-sdk, whose x402 payment helpers import them; this marketplace never pays over
 * x402, so the bundler gets these names instead and any call fails loudly.
 */
function unavailable(): never {
  throw new Error("x402 payments are not part of this marketplace.");
}

export const toClientEvmSigner = unavailable;
export const x402Client = unavailable;
export const ExactEvmScheme = unavailable;
export const UptoEvmScheme = unavailable;
export const ExactSvmScheme = unavailable;
export const registerExactEvmScheme = unavailable;
export default {};
