//! A placement's life: its states and the moves between them, with who decides each and which
//! fields each takes. The API, the pages and the jobs all go through these rules.
//!
//! `proposed` → `accepted` (the person's office) → `confirmed` (the host) → `active` → `ended`,
//! or `declined` (either side, with a reason) before it starts, or `expired` when nobody answers
//! (housekeeping).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{FieldError, ParseError};
use crate::i18n::Msg;

string_enum!(
    /// Where a placement stands.
    PlacementState, "a placement state (proposed, accepted, confirmed, active, ended, declined or expired)", {
        Proposed => "proposed",
        Accepted => "accepted",
        Confirmed => "confirmed",
        Active => "active",
        Ended => "ended",
        Declined => "declined",
        Expired => "expired",
    }
);

impl PlacementState {
    /// Whether it holds a seat and keeps the person from a second placement.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            PlacementState::Proposed
                | PlacementState::Accepted
                | PlacementState::Confirmed
                | PlacementState::Active
        )
    }
}

string_enum!(
    /// A decision on a placement.
    Move, "a transition (accept, confirm, start, end or decline)", {
        Accept => "accept",
        Confirm => "confirm",
        Start => "start",
        End => "end",
        Decline => "decline",
    }
);

/// Who may make a decision (an admin always may).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The person's office: their caseworker.
    Office,
    /// The opening's organisation.
    Host,
}

impl Move {
    /// The state it leads to.
    pub fn to(self) -> PlacementState {
        match self {
            Move::Accept => PlacementState::Accepted,
            Move::Confirm => PlacementState::Confirmed,
            Move::Start => PlacementState::Active,
            Move::End => PlacementState::Ended,
            Move::Decline => PlacementState::Declined,
        }
    }

    /// The states it may start from, by name (as the store matches them).
    pub fn from_names(self) -> &'static [&'static str] {
        match self {
            Move::Accept => &["proposed"],
            Move::Confirm => &["accepted"],
            Move::Start => &["confirmed"],
            Move::End => &["active"],
            Move::Decline => &["proposed", "accepted", "confirmed"],
        }
    }

    /// Who decides: the person accepts, the host confirms, either side starts, ends or declines.
    pub fn decided_by(self) -> &'static [Party] {
        match self {
            Move::Accept => &[Party::Office],
            Move::Confirm => &[Party::Host],
            Move::Start | Move::End | Move::Decline => &[Party::Office, Party::Host],
        }
    }

    /// Whether the move counts against the host's monthly intake cap.
    pub fn counts_intake(self) -> bool {
        self == Move::Confirm
    }

    /// Checks the fields given with the move: `reason` only on a decline (needed) or an end
    /// (optional), `outcome` only on an end (needed). A reason or an outcome stored on another
    /// move would be read by the host, and overwrite what an end recorded.
    pub fn check_fields(self, reason: Option<&str>, outcome_given: bool) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let has_reason = reason.is_some_and(|r| !r.trim().is_empty());
        if reason.is_some() && !matches!(self, Move::Decline | Move::End) {
            errors.push(FieldError::new(
                "reason",
                Msg::new("placement-reason-not-taken"),
            ));
        }
        if outcome_given && self != Move::End {
            errors.push(FieldError::new(
                "outcome",
                Msg::new("placement-outcome-not-taken"),
            ));
        }
        if self == Move::Decline && !has_reason {
            errors.push(FieldError::new(
                "reason",
                Msg::new("placement-decline-needs-reason"),
            ));
        }
        if self == Move::End && !outcome_given {
            errors.push(FieldError::new(
                "outcome",
                Msg::new("placement-end-needs-outcome"),
            ));
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_move_leads_from_live_states_and_only_the_end_and_decline_leave_them() {
        for m in Move::ALL {
            for from in m.from_names() {
                let from: PlacementState = from.parse().unwrap();
                assert!(from.is_live(), "{m} from {from}");
            }
            assert_eq!(
                m.to().is_live(),
                !matches!(m, Move::End | Move::Decline),
                "{m}"
            );
        }
    }

    #[test]
    fn reasons_and_outcomes_go_with_their_moves_only() {
        assert!(Move::Decline.check_fields(Some("no car"), false).is_empty());
        assert_eq!(Move::Decline.check_fields(None, false)[0].field, "reason");
        assert_eq!(
            Move::Accept.check_fields(Some("x"), false)[0].field,
            "reason"
        );
        assert_eq!(Move::Confirm.check_fields(None, true)[0].field, "outcome");
        assert!(Move::End.check_fields(Some("moved"), true).is_empty());
        assert_eq!(Move::End.check_fields(None, false)[0].field, "outcome");
    }
}
