//! Configuration: typed structs filled from command-line flags or `PLACEMATCH_*` environment
//! variables. Each field's doc comment is its `--help` text; the README's configuration table lists
//! the same settings. Nothing else in the crate reads the environment.

use std::net::SocketAddr;
use std::time::Duration;

use clap::{Args, ValueEnum};

/// Default database: an embedded SQLite file, created with its folder when missing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite:data/placematch.db";

/// Settings every subcommand shares.
#[derive(Args, Debug, Clone)]
pub struct GlobalConfig {
    #[command(flatten)]
    pub database: DatabaseConfig,
    #[command(flatten)]
    pub log: LogConfig,
    /// The language of what the command writes for people (explanations, a file's problems,
    /// messages): fr, nl, de or en. Without it, `LANG` decides (`nl_BE.UTF-8` is Dutch), else
    /// French. (`user create --language` is the new user's own preference.)
    #[arg(
        long = "cli-language",
        env = "PLACEMATCH_LANGUAGE",
        global = true,
        value_parser = clap::builder::PossibleValuesParser::new(crate::domain::Language::NAMES)
    )]
    pub cli_language: Option<String>,
}

impl GlobalConfig {
    /// The language the command writes in.
    pub fn language(&self) -> crate::domain::Language {
        self.cli_language
            .as_deref()
            .and_then(|l| l.parse().ok())
            .or_else(|| {
                std::env::var("LANG")
                    .ok()
                    .and_then(|l| crate::domain::Language::from_tag(&l))
            })
            .unwrap_or_default()
    }
}

/// Where the data lives.
#[derive(Args, Debug, Clone)]
pub struct DatabaseConfig {
    /// Database URL: `sqlite:PATH` (embedded, created if missing) or
    /// `postgres://USER:PASSWORD@HOST:PORT/DB` (production).
    #[arg(
        long = "database-url",
        env = "PLACEMATCH_DATABASE_URL",
        default_value = DEFAULT_DATABASE_URL,
        global = true,
        hide_env_values = true
    )]
    pub url: String,

    /// Largest number of pooled database connections.
    #[arg(
        long = "database-max-connections",
        env = "PLACEMATCH_DATABASE_MAX_CONNECTIONS",
        default_value_t = 10,
        global = true
    )]
    pub max_connections: u32,

    /// Seconds to wait for a database connection before giving up (start-up, `/readyz`, requests).
    #[arg(
        long = "database-timeout-secs",
        env = "PLACEMATCH_DATABASE_TIMEOUT_SECS",
        default_value_t = 5,
        global = true
    )]
    pub timeout_secs: u64,

    /// Seconds a token read from the database is reused without reading it again (0: read on
    /// every request). A revocation by this process takes effect at once; one made by another
    /// process (`token revoke`, another replica) within this many seconds.
    #[arg(
        long = "token-cache-secs",
        env = "PLACEMATCH_TOKEN_CACHE_SECS",
        default_value_t = 2,
        global = true
    )]
    pub token_cache_secs: u64,
}

impl DatabaseConfig {
    /// How long to wait for a connection.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs.max(1))
    }

    /// The store's settings.
    pub fn settings(&self) -> crate::store::DatabaseSettings {
        crate::store::DatabaseSettings {
            url: self.url.clone(),
            max_connections: self.max_connections,
            timeout: self.timeout(),
            token_cache_ttl: Duration::from_secs(self.token_cache_secs),
        }
    }
}

/// How the service logs.
#[derive(Args, Debug, Clone)]
pub struct LogConfig {
    /// Log format: `pretty` for a terminal, `json` for a log collector (one object per line).
    #[arg(
        long = "log-format",
        env = "PLACEMATCH_LOG_FORMAT",
        value_enum,
        default_value_t = LogFormat::Pretty,
        global = true
    )]
    pub format: LogFormat,

    /// Log level or filter, in `tracing` syntax: `info`, `debug`, `placematch=debug,tower_http=info`.
    #[arg(
        long = "log-level",
        env = "PLACEMATCH_LOG_LEVEL",
        default_value = "info",
        global = true
    )]
    pub level: String,
}

/// Log output format.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line.
    Json,
}

/// Settings of `placematch serve`.
#[derive(Args, Debug, Clone)]
pub struct ServeConfig {
    /// Address and port to listen on. Port 0 picks a free port (the chosen address is printed).
    #[arg(long, env = "PLACEMATCH_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Seconds a request may take before it is answered with 503.
    #[arg(
        long = "request-timeout-secs",
        env = "PLACEMATCH_REQUEST_TIMEOUT_SECS",
        default_value_t = 30
    )]
    pub request_timeout_secs: u64,

    /// Largest accepted request body, in bytes.
    #[arg(
        long = "max-body-bytes",
        env = "PLACEMATCH_MAX_BODY_BYTES",
        default_value_t = 1024 * 1024
    )]
    pub max_body_bytes: usize,

    /// Skip applying database migrations at start-up (run `placematch migrate` yourself).
    #[arg(long = "no-migrate", env = "PLACEMATCH_NO_MIGRATE")]
    pub no_migrate: bool,

    #[command(flatten)]
    pub connections: ConnectionConfig,

    #[command(flatten)]
    pub candidates: CandidateConfig,

    #[command(flatten)]
    pub sessions: SessionConfig,

    #[command(flatten)]
    pub oidc: OidcConfig,

    /// Minutes between housekeeping passes (expire proposals, pause stale openings); 0 = never.
    #[arg(
        long = "housekeeping-every-minutes",
        env = "PLACEMATCH_HOUSEKEEPING_EVERY_MINUTES",
        default_value_t = 60
    )]
    pub housekeeping_every_minutes: u64,

    #[command(flatten)]
    pub housekeeping: HousekeepingArgs,

    #[command(flatten)]
    pub rebalancing: RebalancingArgs,

    #[command(flatten)]
    pub schedule: ScheduleArgs,
}

impl Default for ServeConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            request_timeout_secs: 30,
            max_body_bytes: 1024 * 1024,
            no_migrate: false,
            connections: ConnectionConfig::default(),
            candidates: CandidateConfig::default(),
            sessions: SessionConfig::default(),
            oidc: OidcConfig::default(),
            housekeeping_every_minutes: 60,
            housekeeping: Default::default(),
            rebalancing: Default::default(),
            schedule: Default::default(),
        }
    }
}

/// How many connections the server keeps open, and how slow a client may be.
#[derive(Args, Debug, Clone, Copy)]
pub struct ConnectionConfig {
    /// Seconds a client has to send a whole request head; also the longest idle wait between
    /// requests on a kept-alive connection. Slower clients are disconnected.
    #[arg(
        long = "header-read-timeout-secs",
        env = "PLACEMATCH_HEADER_READ_TIMEOUT_SECS",
        default_value_t = 10
    )]
    pub header_read_timeout_secs: u64,

    /// Most connections open at once; one more is answered 503 and closed. Lowered at start-up
    /// if the open-file limit (raised to its hard maximum) cannot hold it.
    #[arg(
        long = "max-connections",
        env = "PLACEMATCH_MAX_CONNECTIONS",
        default_value_t = 1024
    )]
    pub open_connections: usize,
}

impl Default for ConnectionConfig {
    fn default() -> Self {
        Self {
            header_read_timeout_secs: 10,
            open_connections: 1024,
        }
    }
}

impl ConnectionConfig {
    /// The limits, the open-file limit raised and the cap fitted to it.
    pub fn limits(&self) -> crate::server::ConnectionLimits {
        crate::server::ConnectionLimits {
            header_read_timeout: Duration::from_secs(self.header_read_timeout_secs.max(1)),
            max_connections: crate::server::fit_connections(self.open_connections),
        }
    }
}

/// Sign-in sessions of the people who use the service.
#[derive(Args, Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionConfig {
    /// Minutes a session may stay unused before it ends.
    #[arg(long = "session-idle-minutes", env = "PLACEMATCH_SESSION_IDLE_MINUTES", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=1440))]
    pub idle_minutes: u64,
    /// Hours after sign-in when a session ends, used or not.
    #[arg(long = "session-hours", env = "PLACEMATCH_SESSION_HOURS", default_value_t = 12,
          value_parser = clap::value_parser!(u64).range(1..=168))]
    pub hours: u64,
    /// Send the session cookie over plain HTTP too (`Secure` off): for local use without HTTPS
    /// only, never in production.
    #[arg(long = "insecure-cookies", env = "PLACEMATCH_INSECURE_COOKIES")]
    pub insecure_cookies: bool,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            idle_minutes: 30,
            hours: 12,
            insecure_cookies: false,
        }
    }
}

impl SessionConfig {
    /// The settings of sign-in and sessions.
    pub fn settings(&self) -> crate::app::accounts::AccountSettings {
        crate::app::accounts::AccountSettings {
            idle: Duration::from_secs(self.idle_minutes * 60),
            absolute: Duration::from_secs(self.hours * 3600),
            secure_cookies: !self.insecure_cookies,
            ..Default::default()
        }
    }
}

/// Sign-in through an organisation's own OpenID Connect provider (ProConnect, a Keycloak, an
/// Entra ID…): off unless the issuer is set; then the client id, secret and redirect URL are
/// needed too.
#[derive(Args, Clone, Default, PartialEq, Eq)]
pub struct OidcConfig {
    /// Issuer URL of the OpenID provider, exactly as its discovery document
    /// (`ISSUER/.well-known/openid-configuration`) states it. Sign-in through it is off when unset.
    #[arg(long = "oidc-issuer", env = "PLACEMATCH_OIDC_ISSUER")]
    pub issuer: Option<String>,
    /// Client id of this service at the provider.
    #[arg(long = "oidc-client-id", env = "PLACEMATCH_OIDC_CLIENT_ID")]
    pub client_id: Option<String>,
    /// Client secret of this service at the provider (sent with HTTP Basic authentication).
    #[arg(
        long = "oidc-client-secret",
        env = "PLACEMATCH_OIDC_CLIENT_SECRET",
        hide_env_values = true
    )]
    pub client_secret: Option<String>,
    /// This service's callback as registered at the provider: its public URL followed by
    /// `/sign-in/oidc/callback`, e.g. `https://placematch.example.org/sign-in/oidc/callback`.
    #[arg(long = "oidc-redirect-url", env = "PLACEMATCH_OIDC_REDIRECT_URL")]
    pub redirect_url: Option<String>,
    /// The provider's name on the sign-in page's button ("Sign in with …"); without it, "your
    /// organisation's account" in the reader's language.
    #[arg(long = "oidc-name", env = "PLACEMATCH_OIDC_NAME")]
    pub name: Option<String>,
}

impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "…"))
            .field("redirect_url", &self.redirect_url)
            .field("name", &self.name)
            .finish()
    }
}

impl OidcConfig {
    /// The settings, `None` without an issuer, or the setting at fault.
    pub fn settings(&self) -> anyhow::Result<Option<crate::app::oidc::OidcSettings>> {
        use openidconnect::{ClientId, ClientSecret, IssuerUrl, RedirectUrl};
        let Some(issuer) = self
            .issuer
            .as_deref()
            .map(str::trim)
            .filter(|i| !i.is_empty())
        else {
            return Ok(None);
        };
        let needed = |value: &Option<String>, name: &str| -> anyhow::Result<String> {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| {
                    anyhow::anyhow!("{name} is needed when PLACEMATCH_OIDC_ISSUER is set")
                })
        };
        let client_id = needed(
            &self.client_id,
            "PLACEMATCH_OIDC_CLIENT_ID (--oidc-client-id)",
        )?;
        let client_secret = needed(
            &self.client_secret,
            "PLACEMATCH_OIDC_CLIENT_SECRET (--oidc-client-secret)",
        )?;
        let redirect_url = needed(
            &self.redirect_url,
            "PLACEMATCH_OIDC_REDIRECT_URL (--oidc-redirect-url)",
        )?;
        let issuer = IssuerUrl::new(issuer.to_owned())
            .map_err(|e| anyhow::anyhow!("PLACEMATCH_OIDC_ISSUER (--oidc-issuer): {e}"))?;
        let redirect_url = RedirectUrl::new(redirect_url).map_err(|e| {
            anyhow::anyhow!("PLACEMATCH_OIDC_REDIRECT_URL (--oidc-redirect-url): {e}")
        })?;
        Ok(Some(crate::app::oidc::OidcSettings {
            issuer,
            client_id: ClientId::new(client_id),
            client_secret: ClientSecret::new(client_secret),
            redirect_url,
            display_name: self
                .name
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_owned),
        }))
    }
}

/// What a host can learn from its openings' candidate lists.
#[derive(Args, Debug, Clone, Default)]
pub struct CandidateConfig {
    /// Hours a host's change to an opening's programmes, physical demands or place (or a host's
    /// new opening) waits before its candidates follow it; an admin's review ends it sooner.
    #[arg(
        long = "candidate-hold-hours",
        env = "PLACEMATCH_CANDIDATE_HOLD_HOURS",
        default_value_t = 72
    )]
    pub hold_hours: u64,

    /// Fewest eligible people for a candidate list to be shown at all.
    #[arg(
        long = "candidate-min-count",
        env = "PLACEMATCH_CANDIDATE_MIN_COUNT",
        default_value_t = 5
    )]
    pub min_count: usize,

    /// Secret of candidate references, 64 hex digits; give every replica the same one.
    /// Without it, a random secret is drawn at start-up (references then change on restart).
    #[arg(
        long = "candidate-ref-key",
        env = "PLACEMATCH_CANDIDATE_REF_KEY",
        hide_env_values = true
    )]
    pub ref_key: Option<String>,

    /// Candidate lists one token may read per hour.
    #[arg(
        long = "candidate-reads-per-hour",
        env = "PLACEMATCH_CANDIDATE_READS_PER_HOUR",
        default_value_t = 60
    )]
    pub reads_per_hour: u32,

    /// Openings one host token may create or change per hour.
    #[arg(
        long = "opening-writes-per-hour",
        env = "PLACEMATCH_OPENING_WRITES_PER_HOUR",
        default_value_t = 30
    )]
    pub opening_writes_per_hour: u32,
}

impl CandidateConfig {
    /// The settings, or the setting at fault.
    pub fn settings(&self) -> anyhow::Result<crate::app::candidates::CandidateSettings> {
        let mut settings = crate::app::candidates::CandidateSettings {
            hold: Duration::from_secs(self.hold_hours * 3600),
            min_count: self.min_count,
            reads_per_hour: self.reads_per_hour.max(1),
            opening_writes_per_hour: self.opening_writes_per_hour.max(1),
            ..Default::default()
        };
        if let Some(key) = &self.ref_key {
            let bytes = hex::decode(key.trim()).ok().filter(|b| b.len() == 32);
            let Some(bytes) = bytes else {
                anyhow::bail!(
                    "PLACEMATCH_CANDIDATE_REF_KEY (--candidate-ref-key): expected 64 hex digits"
                );
            };
            settings.ref_key.copy_from_slice(&bytes);
        }
        Ok(settings)
    }
}

/// Housekeeping flags (see [`crate::jobs::housekeeping::HousekeepingConfig`]).
#[derive(Args, Debug, Clone, Copy, PartialEq, Eq)]
pub struct HousekeepingArgs {
    /// Days after which a proposal nobody answered expires.
    #[arg(long = "proposal-expiry-days", env = "PLACEMATCH_PROPOSAL_EXPIRY_DAYS", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=365))]
    pub proposal_expiry_days: u32,
    /// Days after which an open opening nobody updated is paused.
    #[arg(long = "opening-stale-days", env = "PLACEMATCH_OPENING_STALE_DAYS", default_value_t = 90,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub opening_stale_days: u32,
}

impl Default for HousekeepingArgs {
    fn default() -> Self {
        let d = crate::jobs::housekeeping::HousekeepingConfig::default();
        Self {
            proposal_expiry_days: d.proposal_expiry_days,
            opening_stale_days: d.opening_stale_days,
        }
    }
}

impl HousekeepingArgs {
    pub fn settings(&self) -> crate::jobs::housekeeping::HousekeepingConfig {
        crate::jobs::housekeeping::HousekeepingConfig {
            proposal_expiry_days: self.proposal_expiry_days,
            opening_stale_days: self.opening_stale_days,
        }
    }
}

/// Stability flags of rebalancing runs (see [`crate::jobs::rebalancing::RebalancingConfig`]).
#[derive(Args, Debug, Clone, Copy, PartialEq, Eq)]
pub struct RebalancingArgs {
    /// Extra cost of moving or withdrawing a person's current proposal, in score points (a
    /// perfect fit is worth 1,000): a move must improve the fit by more than this.
    #[arg(long = "move-penalty", env = "PLACEMATCH_MOVE_PENALTY", default_value_t = 150,
          value_parser = clap::value_parser!(i64).range(0..=100_000))]
    pub move_penalty: i64,
    /// Most proposals one run may move or withdraw; no limit when unset.
    #[arg(long = "max-moves", env = "PLACEMATCH_MAX_MOVES")]
    pub max_moves: Option<u32>,
}

impl Default for RebalancingArgs {
    fn default() -> Self {
        let d = crate::jobs::rebalancing::RebalancingConfig::default();
        Self {
            move_penalty: d.move_penalty,
            max_moves: d.max_moves,
        }
    }
}

impl RebalancingArgs {
    pub fn settings(&self) -> crate::jobs::rebalancing::RebalancingConfig {
        crate::jobs::rebalancing::RebalancingConfig {
            move_penalty: self.move_penalty,
            max_moves: self.max_moves,
        }
    }
}

/// When the service rebalances on its own.
#[derive(Args, Debug, Clone, Default, PartialEq)]
pub struct ScheduleArgs {
    /// Cron expression of the nightly rebalancing inside `serve`, with seconds:
    /// `SEC MIN HOUR DAY MONTH WEEKDAY`, e.g. `0 30 2 * * *` for 02:30 every night. Off when unset.
    #[arg(long = "rebalance-schedule", env = "PLACEMATCH_REBALANCE_SCHEDULE")]
    pub rebalance_schedule: Option<String>,

    /// IANA time zone the schedule is read in.
    #[arg(
        long = "rebalance-time-zone",
        env = "PLACEMATCH_REBALANCE_TIME_ZONE",
        default_value = "Europe/Brussels"
    )]
    pub rebalance_time_zone: String,

    /// Scheduled runs turn their result into proposals; without it they are dry runs whose
    /// reports a caseworker or admin applies (`POST /v1/rebalancing-runs/{id}/apply`).
    #[arg(long = "rebalance-apply", env = "PLACEMATCH_REBALANCE_APPLY")]
    pub rebalance_apply: bool,
}

impl ScheduleArgs {
    /// The schedule, or `None` when none is configured.
    pub fn parse(
        &self,
    ) -> Result<Option<crate::jobs::schedule::Schedule>, crate::jobs::schedule::ScheduleError> {
        crate::jobs::schedule::Schedule::parse(
            self.rebalance_schedule.as_deref(),
            &self.rebalance_time_zone,
            self.rebalance_apply,
        )
    }
}
