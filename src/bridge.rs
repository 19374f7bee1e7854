//! Conversions from stored rows to the matching core's inputs. Rows were validated when written;
//! a value that no longer parses (a hand-edited database) is reported with the row it is in.

use std::collections::HashMap;

use uuid::Uuid;

use crate::domain::{
    LanguageLevel, LonLat, Mobility, OpeningKind, PhysicalDemand, Programme, Skill,
};
use crate::matching::{Beneficiary, CurrentPlacement, CurrentState, Opening};
use crate::store::{BeneficiaryRow, LanguageRecord, OpeningRow, PlacementRow, SkillRecord};

/// A stored value the core cannot read.
#[derive(Debug, thiserror::Error)]
#[error("{kind} {id}: field {field}: {message}")]
pub struct BridgeError {
    pub kind: &'static str,
    pub id: Uuid,
    pub field: &'static str,
    pub message: String,
}

fn bad(
    kind: &'static str,
    id: Uuid,
    field: &'static str,
    e: impl std::fmt::Display,
) -> BridgeError {
    BridgeError {
        kind,
        id,
        field,
        message: e.to_string(),
    }
}

fn skills(records: &[SkillRecord]) -> Vec<Skill> {
    records
        .iter()
        .map(|s| Skill {
            label: s.label.clone(),
            code: s.code.clone(),
        })
        .collect()
}

fn languages(
    kind: &'static str,
    id: Uuid,
    records: &[LanguageRecord],
) -> Result<Vec<LanguageLevel>, BridgeError> {
    records
        .iter()
        .map(|l| {
            Ok(LanguageLevel {
                language: l
                    .language
                    .parse()
                    .map_err(|e| bad(kind, id, "languages", e))?,
                level: l.level.parse().map_err(|e| bad(kind, id, "languages", e))?,
            })
        })
        .collect()
}

fn demands(
    kind: &'static str,
    id: Uuid,
    field: &'static str,
    names: &[String],
) -> Result<Vec<PhysicalDemand>, BridgeError> {
    names
        .iter()
        .map(|d| d.parse().map_err(|e| bad(kind, id, field, e)))
        .collect()
}

/// Host caps: organisation → (monthly cap, new people confirmed this month).
pub type Intake = HashMap<Uuid, (i32, i64)>;

/// The caps as [`crate::store::Store::intake_this_month`] lists them.
pub fn intake(rows: Vec<(Uuid, i32, i64)>) -> Intake {
    rows.into_iter()
        .map(|(org, cap, used)| (org, (cap, used)))
        .collect()
}

/// An opening as the core sees it.
pub fn opening(row: &OpeningRow, intake: &Intake) -> Result<Opening, BridgeError> {
    let k = "opening";
    let (cap, used) = intake
        .get(&row.organisation_id)
        .map(|&(c, u)| (Some(c.max(0) as u32), u.max(0) as u32))
        .unwrap_or((None, 0));
    Ok(Opening {
        id: row.id,
        organisation_id: row.organisation_id,
        title: row.title.clone(),
        kind: row
            .kind
            .parse::<OpeningKind>()
            .map_err(|e| bad(k, row.id, "kind", e))?,
        sector: row.sector.clone(),
        programmes: row
            .programmes
            .0
            .iter()
            .map(|p| {
                p.parse::<Programme>()
                    .map_err(|e| bad(k, row.id, "programmes", e))
            })
            .collect::<Result<_, _>>()?,
        location: LonLat::new(row.lon, row.lat).map_err(|e| bad(k, row.id, "location", e))?,
        seats: row.seats.max(0) as u32,
        seats_taken: row.seats_taken.max(0) as u32,
        hours_per_week: row.hours_per_week,
        start_date: row.start_date,
        end_date: row.end_date,
        required_skills: skills(&row.required_skills.0),
        wanted_skills: skills(&row.wanted_skills.0),
        languages: languages(k, row.id, &row.languages)?,
        physical_demands: demands(k, row.id, "physical_demands", &row.physical_demands.0)?,
        host_monthly_cap: cap,
        host_intake_this_month: used,
    })
}

/// A person as the core sees it; `current` is their live placement, if any.
pub fn beneficiary(
    row: &BeneficiaryRow,
    programme: Programme,
    current: Option<&PlacementRow>,
) -> Result<Beneficiary, BridgeError> {
    beneficiary_placed(
        row,
        programme,
        current.map(|p| (p.opening_id, p.state.as_str())),
    )
}

/// [`beneficiary`] from the opening and state of the live placement, if any.
pub fn beneficiary_placed(
    row: &BeneficiaryRow,
    programme: Programme,
    current: Option<(Uuid, &str)>,
) -> Result<Beneficiary, BridgeError> {
    let k = "beneficiary";
    Ok(Beneficiary {
        id: row.id,
        programme,
        office_id: row.office_id,
        home: LonLat::new(row.lon, row.lat).map_err(|e| bad(k, row.id, "location", e))?,
        mobility: row
            .mobility
            .parse::<Mobility>()
            .map_err(|e| bad(k, row.id, "mobility", e))?,
        max_trip_minutes: row.max_trip_minutes.max(1) as u32,
        languages: languages(k, row.id, &row.languages)?,
        skills: skills(&row.skills.0),
        hours_per_week: row.hours_per_week,
        earliest_start: row.earliest_start,
        health_limits: demands(k, row.id, "health_limits", &row.health_limits.0)?,
        refused_sectors: row.refused_sectors.0.clone(),
        waiting_since: row.waiting_since,
        current: current.map(|(opening_id, state)| CurrentPlacement {
            opening_id,
            // Only an unanswered proposal may move; once accepted, confirmed or started, the
            // people involved have decided and the optimiser leaves it alone.
            state: if state == "proposed" {
                CurrentState::Proposed
            } else {
                CurrentState::Active
            },
        }),
    })
}
