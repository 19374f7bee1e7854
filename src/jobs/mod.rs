//! Scheduled work: housekeeping (expiring unanswered proposals, pausing stale openings) and the
//! nightly rebalancing. Jobs are typed, logged without personal data, idempotent and safe to kill:
//! each step is one statement or one transaction.

pub mod housekeeping;
pub mod rebalancing;
pub mod schedule;
