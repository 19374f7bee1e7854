//! Explanations in words. The matching core says why with codes and figures (an
//! [`Exclusion`], a criterion's [`CriterionFacts`], a rebalancing [`Outcome`]); this module
//! names the message for each ([`Msg`], rendered in the reader's language by [`crate::i18n`]),
//! and the JSON shapes that carry them (the answer of `placematch suggest`, the lines of a
//! stored rebalancing report). Every door that shows an explanation goes through here, so
//! each sentence is written once per language, in `locales/`.

use serde::Serialize;
use uuid::Uuid;

use crate::i18n::{Language, Msg};

use crate::matching::evaluate::CriterionFacts;
use crate::matching::rebalance::{
    EXPLAINED_NEAREST, MoveReason, Outcome, PersonResult, Unassigned, WithdrawReason,
};
use crate::matching::{Criterion, Exclusion, Suggestions};

/// The sentence a caseworker understands for a rule that excludes an opening.
pub fn exclusion(e: &Exclusion) -> Msg {
    match e {
        Exclusion::Programme { programme } => {
            Msg::new("exclusion-programme").term("programme", "programme", programme.as_str())
        }
        Exclusion::KindNotAllowed { kind, programme } => Msg::new("exclusion-kind-not-allowed")
            .term("kind", "kind", kind)
            .term("programme", "programme", programme.as_str()),
        Exclusion::TooFar { minutes, limit } => Msg::new("exclusion-too-far")
            .int("minutes", *minutes)
            .int("limit", *limit),
        Exclusion::LanguageBelowLevel {
            language,
            needed,
            has: Some(has),
        } => Msg::new("exclusion-language-below")
            .term("language", "language", language.as_str())
            .text("needed", needed.as_str())
            .text("has", has.as_str()),
        Exclusion::LanguageBelowLevel {
            language,
            needed,
            has: None,
        } => Msg::new("exclusion-language-missing")
            .term("language", "language", language.as_str())
            .text("needed", needed.as_str()),
        Exclusion::RequiredSkillMissing { skill } => {
            Msg::new("exclusion-required-skill").text("skill", skill.as_str())
        }
        Exclusion::TooManyHours { needed, available } => Msg::new("exclusion-too-many-hours")
            .dec("needed", *needed, 1)
            .dec("available", *available, 1),
        Exclusion::EndsBeforeStart { end, earliest } => Msg::new("exclusion-ends-before-start")
            .date("end", *end)
            .date("earliest", *earliest),
        Exclusion::HealthLimit { demand } => {
            Msg::new("exclusion-health").term("demand", "demand", demand.as_str())
        }
        Exclusion::RefusedSector { sector } => {
            Msg::new("exclusion-refused-sector").text("sector", sector.as_str())
        }
        Exclusion::NoSeatLeft => Msg::new("exclusion-no-seat-left"),
        Exclusion::HostIntakeCapReached { cap } => {
            Msg::new("exclusion-host-intake-cap").int("cap", *cap)
        }
    }
}

/// The sentence that says why a criterion has its points.
pub fn criterion(facts: &CriterionFacts) -> Msg {
    match *facts {
        CriterionFacts::Skills { matched: None } => Msg::new("criterion-skills-none-asked"),
        CriterionFacts::Skills { matched: Some(m) } => {
            Msg::new("criterion-skills").dec("percent", (m * 100.0).round(), 0)
        }
        CriterionFacts::Language { margin: None } => Msg::new("criterion-language-none-asked"),
        CriterionFacts::Language { margin: Some(m) } => {
            Msg::new("criterion-language").int("margin", m)
        }
        CriterionFacts::Travel {
            minutes,
            mobility,
            limit,
        } => Msg::new("criterion-travel")
            .dec("minutes", minutes.round(), 0)
            .term("mobility", "mobility", mobility.as_str())
            .int("limit", limit),
        CriterionFacts::Hours { asked, available } => Msg::new("criterion-hours")
            .dec("asked", asked, 1)
            .dec("available", available, 1),
        CriterionFacts::Waiting { days, full_from } => Msg::new("criterion-waiting")
            .int("days", days)
            .int("full_from", full_from),
    }
}

/// Why a proposal moves, as the withdrawal reason and the report say it.
pub fn moved(why: &MoveReason) -> Msg {
    match why {
        MoveReason::CurrentNoLongerFits => Msg::new("moved-current-no-longer-fits"),
        MoveReason::SeatNeeded => Msg::new("moved-seat-needed"),
        MoveReason::Gains(gains) => {
            let gains = gains
                .iter()
                .map(|(c, d)| {
                    Msg::new("gain")
                        .term("criterion", "criterion-name", c.as_str())
                        .text("delta", format!("{d:+}"))
                })
                .collect();
            Msg::new("moved-gains").list("gains", gains)
        }
    }
}

/// Why a proposal is withdrawn with nothing in its place.
pub fn withdrawn(why: WithdrawReason) -> Msg {
    match why {
        WithdrawReason::NoLongerFits => Msg::new("withdrawn-no-longer-fits"),
        WithdrawReason::SeatNeeded => Msg::new("withdrawn-seat-needed"),
    }
}

/// Why a person is left without a proposal.
pub fn unassigned(reason: &Unassigned) -> Msg {
    match reason {
        Unassigned::NoEligibleOpening { rules, .. } if rules.is_empty() => {
            Msg::new("unassigned-nothing-within-reach")
        }
        Unassigned::NoEligibleOpening { rules, looked_at } => {
            let named = rules
                .iter()
                .map(|(code, n)| {
                    Msg::new("rule-count")
                        .term("rule", "rule", code)
                        .int("count", *n as i64)
                })
                .collect();
            let looked_at = if *looked_at >= EXPLAINED_NEAREST {
                *looked_at as i64
            } else {
                0
            };
            Msg::new("unassigned-no-eligible-opening")
                .int("nearest", looked_at)
                .list("rules", named)
        }
        Unassigned::OutCompeted {
            decided_by, margin, ..
        } => Msg::new("unassigned-out-competed")
            .term("criterion", "criterion-name", decided_by.as_str())
            .text("margin", format!("{margin:+}")),
        Unassigned::NoSeatLeft { .. } => Msg::new("unassigned-no-seat-left"),
    }
}

/// One rule that excluded an opening: its code, its figures and its sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonView {
    pub code: &'static str,
    /// The rule's figures (`minutes` and `limit` for `travel_time`, …), for a client that
    /// writes its own sentences.
    pub params: serde_json::Map<String, serde_json::Value>,
    pub explanation: String,
}

impl ReasonView {
    pub fn new(e: &Exclusion, lang: Language) -> Self {
        let mut params = match serde_json::to_value(e) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        };
        params.remove("rule");
        Self {
            code: e.code(),
            params,
            explanation: exclusion(e).render(lang),
        }
    }
}

/// One criterion's points and the sentence that says why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartView {
    pub criterion: Criterion,
    pub points: i64,
    pub explanation: String,
}

/// A suggested opening as `placematch suggest` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuggestionView {
    pub opening_id: Uuid,
    pub score: i64,
    pub breakdown: Vec<PartView>,
    pub seats_left: u32,
}

/// An excluded opening as `placematch suggest` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExcludedView {
    pub opening_id: Uuid,
    pub reasons: Vec<ReasonView>,
}

/// Suggestions for one person, in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuggestionsView {
    pub items: Vec<SuggestionView>,
    pub excluded: Vec<ExcludedView>,
}

impl SuggestionsView {
    pub fn new(found: &Suggestions, lang: Language) -> Self {
        Self {
            items: found
                .items
                .iter()
                .map(|s| SuggestionView {
                    opening_id: s.opening_id,
                    score: s.score,
                    breakdown: s
                        .breakdown
                        .iter()
                        .map(|p| PartView {
                            criterion: p.criterion,
                            points: p.points,
                            explanation: criterion(&p.facts).render(lang),
                        })
                        .collect(),
                    seats_left: s.seats_left,
                })
                .collect(),
            excluded: found
                .excluded
                .iter()
                .map(|x| ExcludedView {
                    opening_id: x.opening_id,
                    reasons: x.reasons.iter().map(|r| ReasonView::new(r, lang)).collect(),
                })
                .collect(),
        }
    }
}

/// One line of a rebalancing report, as it is stored: the outcome's codes and figures with
/// each sentence kept as a message ([`Msg`]), so that a reader gets the words in their own
/// language ([`report_line_in`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonResultView {
    pub beneficiary_id: Uuid,
    #[serde(flatten)]
    pub outcome: OutcomeView,
}

/// What the run proposes for one person.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum OutcomeView {
    New {
        opening_id: Uuid,
        score: i64,
    },
    Kept {
        opening_id: Uuid,
        score: i64,
    },
    Moved {
        from: Uuid,
        to: Uuid,
        score: i64,
        why_code: &'static str,
        why: Msg,
    },
    Withdrawn {
        from: Uuid,
        why_code: &'static str,
        why: Msg,
    },
    Unassigned {
        reason: UnassignedView,
    },
}

/// Why a person is left without a proposal. A person whose openings have no seat left is
/// `out_competed`, decided by `skills`, as reports have always said.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UnassignedView {
    NoEligibleOpening {
        explanation: Msg,
    },
    OutCompeted {
        opening_id: Uuid,
        decided_by: Criterion,
        explanation: Msg,
    },
}

impl PersonResultView {
    pub fn new(r: &PersonResult) -> Self {
        let outcome = match &r.outcome {
            Outcome::New { opening_id, score } => OutcomeView::New {
                opening_id: *opening_id,
                score: *score,
            },
            Outcome::Kept { opening_id, score } => OutcomeView::Kept {
                opening_id: *opening_id,
                score: *score,
            },
            Outcome::Moved {
                from,
                to,
                score,
                why,
            } => OutcomeView::Moved {
                from: *from,
                to: *to,
                score: *score,
                why_code: match why {
                    MoveReason::CurrentNoLongerFits => "current_no_longer_fits",
                    MoveReason::SeatNeeded => "seat_needed",
                    MoveReason::Gains(_) => "gains",
                },
                why: moved(why),
            },
            Outcome::Withdrawn { from, why } => OutcomeView::Withdrawn {
                from: *from,
                why_code: match why {
                    WithdrawReason::NoLongerFits => "no_longer_fits",
                    WithdrawReason::SeatNeeded => "seat_needed",
                },
                why: withdrawn(*why),
            },
            Outcome::Unassigned { reason } => {
                let explanation = unassigned(reason);
                OutcomeView::Unassigned {
                    reason: match reason {
                        Unassigned::NoEligibleOpening { .. } => {
                            UnassignedView::NoEligibleOpening { explanation }
                        }
                        Unassigned::OutCompeted {
                            opening_id,
                            decided_by,
                            ..
                        } => UnassignedView::OutCompeted {
                            opening_id: *opening_id,
                            decided_by: *decided_by,
                            explanation,
                        },
                        Unassigned::NoSeatLeft { opening_id } => UnassignedView::OutCompeted {
                            opening_id: *opening_id,
                            decided_by: Criterion::Skills,
                            explanation,
                        },
                    },
                }
            }
        };
        Self {
            beneficiary_id: r.beneficiary_id,
            outcome,
        }
    }
}

/// A stored report line with its sentences written in `lang`: every message (`why`,
/// `reason.explanation`) becomes its text. A line stored before reports kept messages already
/// has its text (in English) and is served as it is.
pub fn report_line_in(line: &mut serde_json::Value, lang: Language) {
    if let Some(slot) = line.get_mut("why") {
        render_stored(slot, lang);
    }
    if let Some(slot) = line
        .get_mut("reason")
        .and_then(|r| r.get_mut("explanation"))
    {
        render_stored(slot, lang);
    }
}

fn render_stored(slot: &mut serde_json::Value, lang: Language) {
    if slot.is_object()
        && let Ok(msg) = serde_json::from_value::<Msg>(slot.clone())
    {
        *slot = serde_json::Value::String(msg.render(lang));
    }
}
