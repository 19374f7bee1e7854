//! Expires proposals nobody answered, pauses openings nobody updated and clears ended sessions.
//! Each is a single statement: running twice changes nothing the second time, and a kill leaves no half state.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::store::{Store, StoreError};

/// Housekeeping settings (filled from flags by `config.rs`). Not law: defaults follow what
/// platforms in the field do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HousekeepingConfig {
    /// Days after which a proposal nobody answered expires.
    pub proposal_expiry_days: u32,
    /// Days after which an open opening nobody updated is paused.
    pub opening_stale_days: u32,
}

impl Default for HousekeepingConfig {
    fn default() -> Self {
        Self {
            proposal_expiry_days: 30,
            opening_stale_days: 90,
        }
    }
}

/// What one pass changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HousekeepingReport {
    pub proposals_expired: u64,
    pub openings_paused: u64,
}

/// One pass at `now`.
pub async fn run(
    store: &Arc<dyn Store>,
    config: HousekeepingConfig,
    now: time::OffsetDateTime,
) -> Result<HousekeepingReport, StoreError> {
    let days = |d: u32| time::Duration::days(i64::from(d));
    let proposals_expired = store
        .expire_proposals(now - days(config.proposal_expiry_days))
        .await?;
    let reason = format!(
        "paused automatically: not updated for {} days; update or reopen it to receive proposals again",
        config.opening_stale_days
    );
    let openings_paused = store
        .pause_stale_openings(now - days(config.opening_stale_days), &reason)
        .await?;
    // Sessions are checked at each use; this only clears the rows of those surely over: idle a
    // day or older than a week, the longest either setting allows.
    let sessions_deleted = store
        .delete_expired_sessions(now - time::Duration::days(1), now - time::Duration::days(7))
        .await?;
    let report = HousekeepingReport {
        proposals_expired,
        openings_paused,
    };
    tracing::info!(
        proposals_expired,
        openings_paused,
        sessions_deleted,
        "housekeeping done"
    );
    Ok(report)
}

/// Runs [`run`] now and then every `every`, until the task is dropped.
pub async fn every(store: Arc<dyn Store>, config: HousekeepingConfig, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tick.tick().await;
        if let Err(err) = run(&store, config, time::OffsetDateTime::now_utc()).await {
            tracing::warn!(error = %err, "housekeeping failed; retrying at the next tick");
        }
    }
}
