// The PostgreSQL connection budget: every app instance opens up to its pool, and the server takes
// at most max_connections, of which superuser_reserved_connections and a few for admin, migrations
// and monitoring are not the app's. Past that, pgbouncer in transaction mode multiplexes the
// instances' pools (its clients, up to max_client_conn) onto default_pool_size server connections
// per database/user pair.
import { figure, fmt, unknownFigure } from "./figure.js";
import type { CapacityInputs, ConnectionBudget, InfrastructureModel } from "./types.js";

function directFit(available: number, pool: number): { maxInstancesDirect: number; pgbouncerAtInstances: number } {
  const maxInstancesDirect = Math.floor(available / pool);
  return { maxInstancesDirect, pgbouncerAtInstances: maxInstancesDirect + 1 };
}

export function connectionBudget(infra: InfrastructureModel, instances: number, inputs: CapacityInputs = { source: "none" }): ConnectionBudget {
  const db = infra.database;
  const pool = db.poolPerInstance;
  const availableV = db.maxConnections - db.reservedConnections - db.adminConnections;
  const available = figure(
    availableV,
    "connections",
    "max_connections - reserved_connections - admin_connections",
    { max_connections: db.maxConnections, reserved_connections: db.reservedConnections, admin_connections: db.adminConnections },
    `${db.maxConnections} - ${db.reservedConnections} - ${db.adminConnections} = ${availableV}`,
  );
  const demandV = instances * pool;
  const demand = figure(demandV, "connections", "instances x pool_per_instance", { instances, pool_per_instance: pool }, `${instances} x ${pool} = ${demandV}`);
  const headroom = figure(availableV - demandV, "connections", "available - demand", { available: availableV, demand: demandV }, `${availableV} - ${demandV} = ${availableV - demandV}`);
  const fit = directFit(availableV, pool);
  const maxInstancesDirect = figure(fit.maxInstancesDirect, "instances", "floor(available / pool_per_instance)", { available: availableV, pool_per_instance: pool }, `floor(${availableV} / ${pool}) = ${fit.maxInstancesDirect}`);
  const pgbouncerAtInstances = figure(
    fit.pgbouncerAtInstances,
    "instances",
    "floor(available / pool_per_instance) + 1",
    { available: availableV, pool_per_instance: pool },
    `floor(${availableV} / ${pool}) + 1 = ${fit.pgbouncerAtInstances}`,
    db.pgbouncer.defaultPoolSize > availableV ? `pgbouncer's default_pool_size ${db.pgbouncer.defaultPoolSize} is itself above the ${availableV} connections available` : undefined,
  );
  const withBouncer = Math.floor(db.pgbouncer.maxClientConnections / pool);
  const maxInstancesWithPgbouncer = figure(
    withBouncer,
    "instances",
    "floor(pgbouncer_max_client_conn / pool_per_instance)",
    { pgbouncer_max_client_conn: db.pgbouncer.maxClientConnections, pool_per_instance: pool, pgbouncer_default_pool_size: db.pgbouncer.defaultPoolSize },
    `floor(${db.pgbouncer.maxClientConnections} / ${pool}) = ${withBouncer}`,
    `server side: ${db.pgbouncer.defaultPoolSize} connections per database/user pair (${db.pgbouncer.poolMode} mode), whatever the instance count`,
  );
  const peak = inputs.dbConnectionsPeakPerInstance;
  const measuredPeakPerInstance =
    peak === undefined
      ? unknownFigure("%", "peak_open_connections_per_instance / pool_per_instance x 100", { peak_open_connections_per_instance: null, pool_per_instance: pool }, ["peak_open_connections_per_instance"])
      : figure(
          (peak / pool) * 100,
          "%",
          "peak_open_connections_per_instance / pool_per_instance x 100",
          { peak_open_connections_per_instance: peak, pool_per_instance: pool },
          `${fmt(peak)} / ${pool} x 100 = ${fmt((peak / pool) * 100, 1)}`,
          [inputs.sources?.dbConnectionsPeakPerInstance, inputs.dbPoolPerInstance !== undefined && inputs.dbPoolPerInstance !== pool ? `measured with a pool of ${inputs.dbPoolPerInstance}; the model plans ${pool}` : undefined].filter(Boolean).join("; ") || undefined,
        );
  const byPool = [db.poolMinPerInstance, pool, db.poolMaxPerInstance]
    .filter((p, i, a) => a.indexOf(p) === i)
    .sort((a, b) => a - b)
    .map((p) => ({ pool: p, ...directFit(availableV, p) }));
  const needsPgbouncer = demandV > availableV;
  return {
    available,
    demand,
    headroom,
    maxInstancesDirect,
    pgbouncerAtInstances,
    maxInstancesWithPgbouncer,
    measuredPeakPerInstance,
    byPool,
    instances,
    needsPgbouncer,
  };
}
