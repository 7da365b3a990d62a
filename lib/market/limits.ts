/** Bounds on what offers and jobs may ask for; zod enforces them at every entry point. */
export const limits = {
  maxGpusPerOffer: 1024,
  maxGpusPerJob: 64,
  maxHours: 720,
  maxCommandChars: 4096,
  maxImageChars: 512,
  maxEnvEntries: 64,
  maxEnvValueChars: 4096,
  maxEnvTotalChars: 32_768,
  maxNameChars: 80,
  maxIdempotencyKeyChars: 128,
  maxUint256: 2n ** 256n - 1n,
  /** How long a provider-signed quote stays fundable. */
  quoteTtlSeconds: 15 * 60,
} as const;
