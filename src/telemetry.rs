//! Logging set-up. Logs carry ids, routes, statuses and timings, never personal data: request
//! bodies, query strings and the `Authorization` header are not logged anywhere.

use anyhow::Context;
use tracing_subscriber::EnvFilter;

use crate::config::{LogConfig, LogFormat};

/// Installs the global subscriber. Logs go to standard error so that commands printing JSON on
/// standard output (`solve`, `export`) stay machine-readable.
pub fn init(config: &LogConfig) -> anyhow::Result<()> {
    let filter = EnvFilter::try_new(&config.level).with_context(|| {
        format!(
            "PLACEMATCH_LOG_LEVEL (--log-level): invalid filter '{}'",
            config.level
        )
    })?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match config.format {
        LogFormat::Pretty => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    // A second init (tests running several commands in one process) keeps the first subscriber.
    let _ = result;
    Ok(())
}
