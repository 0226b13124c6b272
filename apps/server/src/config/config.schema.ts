import { Type, type Static } from '@sinclair/typebox';

/**
 * The server's configuration: one schema, the single source of truth for the environment
 * variables, the optional YAML file and the README's table (each `description` is the doc).
 */
export const ConfigSchema = Type.Object(
  {
    PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'TCP port of the HTTP server.' }),
    HOST: Type.String({ default: '0.0.0.0', description: 'Address the HTTP server binds to.' }),
    SLUICE_MANAGEMENT_PORT: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, description: 'A second TCP port, on HOST, serving `/metrics` without credentials (for a scraper on a private network) and `/health/live` and `/health/ready` (for probes: how a worker process, which has no API, reports its health); keep it off the public network. Unset (the default): no such port.' })),
    REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://', description: 'Redis URL; selects the BullMQ runtime. Without it the embedded SQLite runtime runs.' })),
    SLUICE_RUNTIME: Type.Optional(Type.Union([Type.Literal('sqlite'), Type.Literal('memory'), Type.Literal('bullmq')], { description: 'Chooses the runtime explicitly: `sqlite` (the default without REDIS_URL: one file in SLUICE_DATA_DIR), `memory` (nothing survives a restart; for tests and plugin authors) or `bullmq`.' })),
    SLUICE_SQLITE_SYNCHRONOUS: Type.Union([Type.Literal('normal'), Type.Literal('full')], { default: 'normal', description: 'SQLite runtime: `normal` makes an acknowledged execution survive a crash of the process; `full` also a power loss or an OS crash, for one disk sync per group commit.' }),
    SLUICE_RETENTION_MAX_AGE_HOURS: Type.Integer({ minimum: 0, default: 168, description: 'Terminated executions and their logs are deleted this many hours after their creation (on Redis: after their last write); 0 keeps them. Running and queued executions are never deleted.' }),
    SLUICE_RETENTION_MAX_EXECUTIONS: Type.Optional(Type.Integer({ minimum: 1, description: 'Past this many executions the oldest terminated ones and their logs are deleted. Default 100000 on SQLite, 10000 in memory; not available on Redis, which expires by age only.' })),
    SLUICE_RETENTION_LOGS_PER_EXECUTION: Type.Integer({ minimum: 1, default: 10_000, description: 'Log lines kept per execution; past it the oldest are dropped.' }),
    SLUICE_REDIS_PREFIX: Type.String({ default: 'sluice', minLength: 1, description: 'Prefix of every Redis key, so several installations can share one Redis.' }),
    SLUICE_USERNAME: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Basic-auth user name of the API.' })),
    SLUICE_PASSWORD: Type.Optional(Type.String({ minLength: 8, maxLength: 256, description: 'Basic-auth password of the API (at least 8 characters).' })),
    SLUICE_AUTH_MAX_FAILURES: Type.Integer({ minimum: 1, default: 10, description: 'Failed API logins from one address within a minute before it gets 429.' }),
    SLUICE_AUTH_LOCKOUT_MS: Type.Integer({ minimum: 0, default: 60_000, description: 'How long an address that failed too often gets 429.' }),
    SLUICE_SESSION_IDLE_MS: Type.Integer({ minimum: 60_000, default: 8 * 3_600_000, description: 'A web UI login session left unused this long ends (8 hours by default: a working day).' }),
    SLUICE_SESSION_MAX_MS: Type.Integer({ minimum: 60_000, default: 24 * 3_600_000, description: 'A web UI login session ends this long after the login however much it is used (24 hours by default).' }),
    SLUICE_UI_DIR: Type.Optional(Type.String({ description: 'Folder of the built web UI (its index.html) served at /ui/. Defaults to the dist folder of the @sluice/ui package (apps/ui/dist in a clone).' })),
    SLUICE_REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 30_000, description: 'A client must send its whole request (headers and body) within this time, or the connection is dropped.' }),
    SLUICE_DATA_DIR: Type.String({ default: '.sluice', description: 'Folder for local state: the SQLite database (`sluice.db` and its `-wal`) and the generated password hash.' }),
    SLUICE_STORAGE_DIR: Type.Optional(Type.String({ description: 'Folder of internal storage: files tasks write (what `http.Download` fetches, what `read()` reads), one folder per execution, deleted with it. Defaults to `storage` inside SLUICE_DATA_DIR. Workers on several machines share files by pointing at one shared folder (NFS, SMB, a mounted volume).' })),
    SLUICE_FLOWS_DIR: Type.Optional(Type.String({ description: 'Folder of flow YAML files loaded at start and reloaded when they change.' })),
    SLUICE_PLUGINS_DIR: Type.Optional(Type.String({ description: 'Folder of third-party plugin packages to load.' })),
    SLUICE_PLUGINS: Type.Optional(Type.String({ description: 'Comma-separated plugin package names to load besides the bundled ones.' })),
    SLUICE_URL: Type.Optional(Type.String({ pattern: '^https?://', description: 'Public base URL, used in `url` fields and webhook URLs. Defaults to http://HOST:PORT.' })),
    SLUICE_WORKER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 1000, default: 16, description: 'Executions one worker runs at once.' }),
    SLUICE_WORKER_LOCK_MS: Type.Integer({ minimum: 500, default: 30_000, description: 'How long a worker holds an execution without renewing its lock; a dead worker\'s executions are picked up again after about this long.' }),
    SLUICE_QUEUE_CARRY_MAX_CHARS: Type.Integer({ minimum: 0, default: 16 * 1024, description: 'An execution whose JSON is at most this many characters travels in its queue job, so a worker starts it without reading it back; 0 keeps jobs to the execution id (for a queue dashboard that must not show execution data).' }),
    SLUICE_MAX_BODY_BYTES: Type.Integer({ minimum: 1, default: 10 * 1024 * 1024, description: 'Largest webhook or API request body, in bytes; larger ones get 413.' }),
    SLUICE_STORE_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 1500, description: 'How long a request that starts a flow (a webhook, a run by hand) waits for Redis to store and queue its execution, one retry after a dropped connection included, before it answers 503 with Retry-After; counted from when its body has arrived.' }),
    SLUICE_WEBHOOK_WAIT_MS: Type.Integer({ minimum: 1, default: 60_000, description: 'How long a `wait: true` webhook waits for its execution before answering 504.' }),
    SLUICE_TRIGGER_LEASE_MS: Type.Integer({ minimum: 300, default: 30_000, description: 'Poll and listen triggers run in one process at a time, under a lease it renews every third of this time: when that process dies, another takes its triggers over within about this long (plus a third). Shorter means a faster takeover for more writes to the store.' }),
    SLUICE_SHUTDOWN_GRACE_MS: Type.Integer({ minimum: 0, default: 10_000, description: 'How long a stopping process lets running work finish.' }),
    SLUICE_HEAP_GROWTH_PERCENT: Type.Integer({ minimum: 0, maximum: 1000, default: 100, description: 'How far the V8 old generation may grow past what the last full collection kept before the next one, in percent (100: to twice as much); 0 leaves it to V8, which lets a busy server grow to about four times. A --heap-growing-percent node flag wins.' }),
    SLUICE_V8_PRETENURING: Type.Union([Type.Literal('off'), Type.Literal('on')], { default: 'off', description: "V8's allocation-site pretenuring: off by default, as a server's objects live as long as a request or an execution, and pretenured ones kept whole requests past young collections (more promotion and full collections). An --allocation-site-pretenuring or --no-allocation-site-pretenuring node flag wins." }),
    SLUICE_LOG_LEVEL: Type.Union(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].map((l) => Type.Literal(l)), { default: 'info', description: 'Level of the server log.' }),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
