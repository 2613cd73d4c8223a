// The MueJam API's public surface, for headroom and tests.
export { build, APP_VERSION, type BuildOptions, type MueJamApp } from "./app.js";
export { startPlatform, type StartPlatformOptions, type RunningPlatform } from "./platform/start-platform.js";
export { startEmbeddedPostgres, type EmbeddedPostgres } from "./platform/embedded-postgres.js";
export { startServer, type RunningServer } from "./server.js";
export { mintTokens, type MintedToken } from "./auth/mint-tokens.js";
export { signToken, verifyToken, type TokenClaims } from "./auth/tokens.js";
export { METRIC, type CacheLabel } from "./metrics.js";
export { migrate, type MigrateResult } from "./db/migrate.js";
export { seedDatabase, DEFAULT_SEED, GENRES, type SeedSize, type SeedResult } from "./db/seed.js";
export {
  resolveConfig,
  LAB_FAULTS,
  DEFAULT_RATE_LIMITS,
  DEFAULT_LAB_TUNING,
  DEFAULT_TOKEN_SECRET,
  POOL_SIZE_DEFAULT,
  TINY_POOL_SIZE,
  type AppConfig,
  type AppConfigInput,
  type LabFault,
  type LabTuning,
  type RateLimits,
} from "./config.js";
export { ConfigError } from "./errors.js";
