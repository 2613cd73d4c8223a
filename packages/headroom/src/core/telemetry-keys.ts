// The value keys each telemetry collector writes (TelemetryLine.values). Analysis reads these
// names; a collector that cannot measure one leaves it out (absent means "not measured").
// Rates are per second over the interval since the previous sample of the same collector.

export const POSTGRES_KEYS = {
  connections: "connections", // all backends of the database's cluster (pg_stat_activity, client backends)
  active: "connections_active",
  idle: "connections_idle",
  idleInTx: "connections_idle_in_tx",
  maxConnections: "max_connections",
  connectionsPct: "connections_pct", // connections / max_connections * 100
  lockWaits: "lock_waits", // backends waiting on a lock now
  xactPerSec: "xact_commit_per_sec",
  rollbackPerSec: "xact_rollback_per_sec",
  cacheHitPct: "blks_hit_pct", // buffer cache hit ratio over the interval
  deadlocks: "deadlocks_per_sec",
  slowQueries: "slow_queries", // statements over 1 s seen in the interval (pg_stat_statements calls delta with mean > 1s, or active > 1s)
  meanQueryMs: "mean_query_ms", // mean execution time of statements over the interval
  queriesPerSec: "queries_per_sec",
  longestActiveMs: "longest_active_ms",
} as const;
// labels: "slow_statements" = JSON array of {query, calls, meanMs} (top 5 by mean time over the interval);
//         "query_source" = "pg_stat_statements" | "pg_stat_activity"

export const REDIS_KEYS = {
  hitsPerSec: "keyspace_hits_per_sec",
  missesPerSec: "keyspace_misses_per_sec",
  hitPct: "hit_pct", // hits / (hits + misses) * 100 over the interval
  evictedPerSec: "evicted_keys_per_sec",
  evictionPct: "eviction_pct", // evicted keys / keys written (sets) over the interval * 100, where known
  usedMemoryBytes: "used_memory_bytes",
  maxMemoryBytes: "maxmemory_bytes", // 0 = no limit
  memoryPct: "memory_pct", // used / maxmemory * 100 (absent when maxmemory is 0)
  clients: "connected_clients",
  opsPerSec: "ops_per_sec",
  keys: "keys",
} as const;
// labels: "maxmemory_policy"

export const PROCESS_KEYS = {
  cpuPct: "cpu_pct", // % of one core
  rssBytes: "rss_bytes",
  fds: "open_fds",
  threads: "threads",
} as const;
// labels: "pid", "command"

export const HOST_KEYS = {
  cpuPct: "cpu_pct", // % of all cores (0-100)
  memUsedPct: "mem_used_pct",
  memUsedBytes: "mem_used_bytes",
  memTotalBytes: "mem_total_bytes",
  diskUsedPct: "disk_used_pct",
  netRxBytesPerSec: "net_rx_bytes_per_sec",
  netTxBytesPerSec: "net_tx_bytes_per_sec",
  load1: "load1",
  cores: "cores",
  // /proc/net/netstat TcpExt counters of the collector's network namespace, per second:
  listenOverflowsPerSec: "listen_overflows_per_sec", // ListenOverflows: a full accept queue turned a connection away
  listenDropsPerSec: "listen_drops_per_sec", // ListenDrops: SYNs dropped at a listener (overflows included)
  tcpTimeoutsPerSec: "tcp_timeouts_per_sec", // TCPTimeouts: retransmission timeouts (a dropped SYN is retried after 1 s)
} as const;

// source "prometheus": every sample of the scraped endpoint, keyed `name` or `name{k="v",...}`
// exactly as exposed (histograms: their _bucket/_sum/_count series). The MueJam API's names are in
// apps/backend/src/metrics.ts.
