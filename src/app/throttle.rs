//! Per-token rate limits on what a host could use to probe people: reading candidate lists and
//! writing openings. A sliding hour per token, in memory: each replica counts its own requests,
//! so N replicas allow up to N times the limit (documented in the README).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use uuid::Uuid;

use super::policy::Principal;

/// A caller over its hourly limit of something.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at most {limit} {what} per hour for this token; try again in {retry_after} s")]
pub struct Throttled {
    pub what: &'static str,
    pub limit: u32,
    /// # Units
    /// Seconds.
    pub retry_after: u64,
}

const HOUR: Duration = Duration::from_secs(3600);

/// Requests of each token within the last hour.
struct Window {
    limit: u32,
    seen: Mutex<HashMap<Uuid, VecDeque<Instant>>>,
}

impl Window {
    fn new(limit: u32) -> Self {
        Self {
            limit,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request of `token` at `now`, or says how long until one more is allowed.
    fn take(&self, token: Uuid, now: Instant) -> Result<(), Duration> {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        // Tokens with nothing left in their hour are dropped, so the map stays small.
        if seen.len() > 10_000 {
            seen.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < HOUR));
        }
        let times = seen.entry(token).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= HOUR)
        {
            times.pop_front();
        }
        if times.len() >= self.limit as usize {
            let oldest = *times.front().expect("limit is at least 1 here");
            return Err(HOUR.saturating_sub(now.duration_since(oldest)));
        }
        times.push_back(now);
        Ok(())
    }
}

/// The service's rate limits.
pub struct Throttle {
    candidate_reads: Window,
    opening_writes: Window,
}

impl Throttle {
    pub fn new(candidate_reads_per_hour: u32, opening_writes_per_hour: u32) -> Self {
        Self {
            candidate_reads: Window::new(candidate_reads_per_hour),
            opening_writes: Window::new(opening_writes_per_hour),
        }
    }

    /// One candidate list read by `principal`, unless over the limit.
    pub fn candidate_read(&self, principal: &Principal) -> Result<(), Throttled> {
        Self::check(&self.candidate_reads, principal, "candidate lists read")
    }

    /// One opening created or changed by `principal`, unless over the limit.
    pub fn opening_write(&self, principal: &Principal) -> Result<(), Throttled> {
        Self::check(&self.opening_writes, principal, "opening changes")
    }

    fn check(window: &Window, principal: &Principal, what: &'static str) -> Result<(), Throttled> {
        window
            .take(principal.actor_id(), Instant::now())
            .map_err(|wait| Throttled {
                what,
                limit: window.limit,
                retry_after: wait.as_secs().max(1),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_gets_its_limit_per_hour_and_no_more_and_others_are_unaffected() {
        let w = Window::new(3);
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let t0 = Instant::now();
        for k in 0..3 {
            assert!(w.take(a, t0 + Duration::from_secs(k)).is_ok());
        }
        let wait = w.take(a, t0 + Duration::from_secs(10)).unwrap_err();
        assert_eq!(wait, HOUR - Duration::from_secs(10));
        assert!(w.take(b, t0 + Duration::from_secs(10)).is_ok());
        // An hour after the first, one more is allowed.
        assert!(w.take(a, t0 + HOUR).is_ok());
        assert!(w.take(a, t0 + HOUR).is_err());
    }
}
