//! The optional rebalancing schedule inside `placematch serve`: a cron expression read in a time
//! zone (nights are local, and daylight saving moves them in UTC). At each firing every office is
//! rebalanced one after the other, each under its own lock, so a replica whose neighbour is
//! already running an office skips it instead of waiting. Off unless a schedule is configured.

use std::str::FromStr;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::rebalancing::{RebalancingConfig, RunError, run_office};
use crate::store::Store;

/// A parsed schedule.
#[derive(Debug, Clone)]
pub struct Schedule {
    cron: cron::Schedule,
    zone: Tz,
    pub apply: bool,
}

/// A schedule setting that does not parse; the message names the setting.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error(
        "PLACEMATCH_REBALANCE_SCHEDULE (--rebalance-schedule) {0:?} is not a cron expression with seconds (e.g. \"0 30 2 * * *\"): {1}"
    )]
    Cron(String, String),
    #[error(
        "PLACEMATCH_REBALANCE_TIME_ZONE (--rebalance-time-zone) {0:?} is not an IANA time zone (e.g. \"Europe/Luxembourg\")"
    )]
    Zone(String),
}

impl Schedule {
    /// The schedule of cron expression `expr` (with seconds) read in the IANA time zone `zone`,
    /// or `None` when `expr` is unset or blank.
    pub fn parse(
        expr: Option<&str>,
        zone: &str,
        apply: bool,
    ) -> Result<Option<Schedule>, ScheduleError> {
        let Some(expr) = expr.map(str::trim) else {
            return Ok(None);
        };
        if expr.is_empty() {
            return Ok(None);
        }
        let cron = cron::Schedule::from_str(expr)
            .map_err(|e| ScheduleError::Cron(expr.to_owned(), e.to_string()))?;
        let zone = Tz::from_str(zone.trim()).map_err(|_| ScheduleError::Zone(zone.to_owned()))?;
        Ok(Some(Schedule { cron, zone, apply }))
    }

    /// The first firing strictly after `now`, or `None` if the expression never fires again.
    pub fn next_after(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.cron
            .after(&now.with_timezone(&self.zone))
            .next()
            .map(|t| t.with_timezone(&Utc))
    }
}

/// Runs every office at each firing, until the task is aborted.
pub async fn every(store: Arc<dyn Store>, schedule: Schedule, config: RebalancingConfig) {
    loop {
        let now = Utc::now();
        let Some(next) = schedule.next_after(now) else {
            tracing::warn!("the rebalancing schedule never fires again; scheduler stopped");
            return;
        };
        let wait = (next - now).to_std().unwrap_or_default();
        tracing::info!(next = %next, "next scheduled rebalancing");
        tokio::time::sleep(wait).await;
        run_all(&store, schedule.apply, &config).await;
    }
}

async fn run_all(store: &Arc<dyn Store>, apply: bool, config: &RebalancingConfig) {
    let offices = match store.list_offices().await {
        Ok(offices) => offices,
        Err(err) => {
            tracing::error!(error = %err, "scheduled rebalancing: offices could not be read");
            return;
        }
    };
    let today = time::OffsetDateTime::now_utc().date();
    let matching = config.matching();
    for office in offices {
        match run_office(store, office.id, apply, &matching, today).await {
            Ok(summary) => tracing::info!(
                run_id = %summary.run_id,
                office_id = %office.id,
                new = summary.new,
                moved = summary.moved,
                certified_optimal = summary.certified_optimal,
                "scheduled rebalancing done"
            ),
            Err(RunError::InProgress) => tracing::info!(
                office_id = %office.id,
                "scheduled rebalancing skipped: a run of this office is in progress"
            ),
            Err(err) => tracing::error!(
                office_id = %office.id,
                error = %err,
                "scheduled rebalancing failed"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn schedule(expr: &str, zone: &str) -> Result<Option<Schedule>, ScheduleError> {
        Schedule::parse(Some(expr), zone, false)
    }

    #[test]
    fn no_schedule_means_no_scheduled_runs() {
        assert!(
            Schedule::parse(None, "Europe/Brussels", false)
                .unwrap()
                .is_none()
        );
        assert!(schedule("  ", "UTC").unwrap().is_none());
    }

    #[test]
    fn a_night_in_brussels_is_read_in_local_time_across_daylight_saving() {
        let s = schedule("0 30 2 * * *", "Europe/Brussels")
            .unwrap()
            .unwrap();
        // Winter: 02:30 in Brussels is 01:30 UTC.
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap();
        assert_eq!(
            s.next_after(now),
            Some(Utc.with_ymd_and_hms(2026, 11, 26, 1, 30, 0).unwrap())
        );
        // Summer: 02:30 in Brussels is 00:30 UTC.
        let now = Utc.with_ymd_and_hms(2026, 7, 1, 10, 0, 0).unwrap();
        assert_eq!(
            s.next_after(now),
            Some(Utc.with_ymd_and_hms(2026, 7, 2, 0, 30, 0).unwrap())
        );
    }

    #[test]
    fn a_bad_expression_or_zone_names_the_setting() {
        let err = schedule("every night", "UTC").unwrap_err().to_string();
        assert!(err.contains("PLACEMATCH_REBALANCE_SCHEDULE"), "{err}");
        let err = schedule("0 30 2 * * *", "Europe/Atlantis")
            .unwrap_err()
            .to_string();
        assert!(err.contains("PLACEMATCH_REBALANCE_TIME_ZONE"), "{err}");
        assert!(err.contains("Europe/Atlantis"), "{err}");
    }
}
