//! The best waiting people for one opening, pseudonymised, for its host (the API's
//! `GET /v1/openings/{id}/candidates`).
//!
//! A host controls its opening, so the list must not answer questions about people. What it
//! does against that (issue 20):
//! - it is computed against the opening's *held* version: a host's change to programmes,
//!   physical demands or place reaches candidates only after [`CandidateSettings::hold`] (each
//!   further change starts it again) or an admin's review, and a host's new opening shows none
//!   before that;
//! - only people of the offices the organisation serves (set by an admin) are considered;
//! - a candidate reference is an HMAC under a server secret of the opening, the person and the
//!   time window: it cannot be computed from ids and changes every window;
//! - fewer eligible people than [`CandidateSettings::min_count`] shows none;
//! - reads are rate-limited per token and audited, one event per person shown;
//! - people are read through the index on office, status and place (a box around the opening as
//!   wide as anyone's reach), and at most [`CandidateSettings::concurrent`] lists are computed at
//!   once.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use uuid::Uuid;

use super::audit::{self, Action, Subject};
use super::policy::{Principal, Role};
use super::throttle::Throttle;
use super::{AppError, Matching, today};
use crate::bridge;
use crate::domain::{Mobility, Programme};
use crate::matching::MatchingConfig;
use crate::matching::evaluate::{PreparedOpening, PreparedPerson, Seats, assess};
use crate::resource::Location;
use crate::resource::candidate::{Candidate, CandidateList};
use crate::resource::validate::{LanguageSkill, SkillInput, bounding_box};

/// The settings of the candidates list.
#[derive(Debug, Clone)]
pub struct CandidateSettings {
    /// How long a host's change to an opening's programmes, physical demands or place waits
    /// before its candidates follow it.
    pub hold: Duration,
    /// Fewest eligible people for a list to be shown at all.
    pub min_count: usize,
    /// Secret of candidate references.
    pub ref_key: [u8; 32],
    /// How long a candidate reference stays the same.
    pub ref_window: Duration,
    /// Candidate lists one token may read per hour.
    pub reads_per_hour: u32,
    /// Opening creations and changes one host token may make per hour.
    pub opening_writes_per_hour: u32,
    /// Lists computed at once; more wait up to a second, then get a 503.
    pub concurrent: usize,
}

impl Default for CandidateSettings {
    fn default() -> Self {
        Self {
            hold: Duration::from_secs(72 * 3600),
            min_count: 5,
            ref_key: rand::random(),
            ref_window: Duration::from_secs(24 * 3600),
            reads_per_hour: 60,
            opening_writes_per_hour: 30,
            concurrent: 4,
        }
    }
}

/// Shared by every request: the limit on lists computed at once.
pub struct CandidateGate(Arc<Semaphore>);

impl CandidateGate {
    pub fn new(concurrent: usize) -> Self {
        Self(Arc::new(Semaphore::new(concurrent.max(1))))
    }

    /// A place among the lists computed at once, waiting up to a second for one; `Busy`
    /// otherwise. The list is computed while the permit is held.
    pub async fn enter(&self) -> Result<tokio::sync::OwnedSemaphorePermit, AppError> {
        match tokio::time::timeout(Duration::from_secs(1), self.0.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(AppError::Busy),
        }
    }
}

fn band(minutes: f64) -> &'static str {
    match minutes {
        m if m < 15.0 => "under 15 min",
        m if m < 30.0 => "15-30 min",
        m if m < 45.0 => "30-45 min",
        m if m <= 60.0 => "45-60 min",
        _ => "over 60 min",
    }
}

/// HMAC-SHA256 (RFC 2104) of `message` under `key` (32 bytes, less than the block).
fn hmac_sha256(key: &[u8; 32], message: &[&[u8]]) -> [u8; 32] {
    let mut inner_key = [0x36u8; 64];
    let mut outer_key = [0x5cu8; 64];
    for (i, k) in key.iter().enumerate() {
        inner_key[i] ^= k;
        outer_key[i] ^= k;
    }
    let mut inner = Sha256::new();
    inner.update(inner_key);
    for part in message {
        inner.update(part);
    }
    let mut outer = Sha256::new();
    outer.update(outer_key);
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// The reference of `person` on `opening` in the window holding `at`.
fn candidate_ref(
    settings: &CandidateSettings,
    opening: Uuid,
    person: Uuid,
    at: time::OffsetDateTime,
) -> String {
    let window = at
        .unix_timestamp()
        .div_euclid(settings.ref_window.as_secs().max(1) as i64);
    let mac = hmac_sha256(
        &settings.ref_key,
        &[opening.as_bytes(), person.as_bytes(), &window.to_be_bytes()],
    );
    hex::encode(&mac[..8])
}

/// The farthest anyone can live from an opening and still reach it: the longest trip allowed
/// at the fastest speed.
fn widest_reach_km(config: &MatchingConfig) -> f64 {
    let fastest = [
        Mobility::Walk,
        Mobility::Bike,
        Mobility::PublicTransport,
        Mobility::Car,
    ]
    .into_iter()
    .map(|m| config.speed_kmh(m))
    .fold(0.0, f64::max);
    f64::from(crate::resource::beneficiary::MAX_TRIP_MINUTES) / 60.0 * fastest
        / config.detour_factor
}

/// The candidates of the opening `id` for `principal` (its host, or an admin): at most `limit`,
/// best first, or none with the reason (`withheld`).
pub async fn for_opening(
    m: Matching<'_>,
    settings: &CandidateSettings,
    gate: &CandidateGate,
    throttle: &Throttle,
    principal: &Principal,
    id: Uuid,
    limit: usize,
) -> Result<CandidateList, AppError> {
    principal.require(&[Role::Admin, Role::Host])?;
    let row = m
        .store
        .get_opening(id)
        .await?
        .filter(|o| principal.manages_organisation(o.organisation_id))
        .ok_or(AppError::NotFound("opening"))?;
    throttle.candidate_read(principal)?;
    let now = time::OffsetDateTime::now_utc();
    let held_until = row.candidates_from.filter(|&from| from > now);
    let empty = |why| CandidateList {
        items: Vec::new(),
        withheld: Some(why),
        held_until,
    };
    let Some(basis) = row.candidate_basis_at(now) else {
        return Ok(empty("held"));
    };
    let offices = m.store.served_offices(row.organisation_id).await?;
    if offices.is_empty() {
        return Ok(empty("no_office_served"));
    }
    let _permit = gate.enter().await?;

    // The opening as candidates see it: its held basis in place of the current fields.
    let mut held = row;
    held.programmes = sqlx::types::Json(basis.programmes);
    held.physical_demands = sqlx::types::Json(basis.physical_demands);
    held.lon = basis.lon;
    held.lat = basis.lat;
    let day = today();
    let intake = bridge::intake(m.store.intake_this_month(day).await?);
    let opening = bridge::opening(&held, &intake).map_err(|e| AppError::Internal(e.into()))?;
    let mut programmes: HashMap<Uuid, Programme> = HashMap::new();
    for office in &offices {
        programmes.insert(*office, m.programme_of(*office).await?);
    }
    // Offices of programmes the opening does not take are not even read.
    let offices: Vec<Uuid> = offices
        .into_iter()
        .filter(|o| opening.programmes.contains(&programmes[o]))
        .collect();
    let config: MatchingConfig = m.config.clone();
    let bbox = bounding_box(
        Location {
            lon: held.lon,
            lat: held.lat,
        },
        widest_reach_km(&config),
    );
    let people = m.store.waiting_in_box(&offices, bbox).await?;
    let (eligible, ranked) = m
        .blocking(move || {
            let po = PreparedOpening::new(&opening);
            let mut ranked: Vec<(i64, Uuid, f64, crate::store::BeneficiaryRow)> = Vec::new();
            for row in people {
                let Ok(person) = bridge::beneficiary(&row, programmes[&row.office_id], None) else {
                    continue;
                };
                let p = PreparedPerson::new(&person, day);
                if let Ok(a) = assess(
                    &p,
                    &opening,
                    &po,
                    &config,
                    Seats::Check { is_current: false },
                ) {
                    ranked.push((a.score(), row.id, a.travel_minutes, row));
                }
            }
            let eligible = ranked.len();
            ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            ranked.truncate(limit);
            (eligible, ranked)
        })
        .await?;
    if eligible < settings.min_count {
        return Ok(empty("too_few"));
    }
    // Who saw whom: one event per person shown, all confirmed before answering.
    let mut events = Vec::with_capacity(ranked.len());
    for (_, person, _, row) in &ranked {
        events.push(
            audit::submit(
                m.audit,
                principal,
                Action::Read,
                Subject::candidate(*person, row.office_id, held.organisation_id),
            )
            .await?,
        );
    }
    for event in events {
        event.confirmed().await?;
    }
    let items = ranked
        .into_iter()
        .map(|(score, person, minutes, row)| Candidate {
            candidate_ref: candidate_ref(settings, id, person, now),
            score,
            skills: row.skills.0.into_iter().map(SkillInput::from).collect(),
            languages: row.languages.into_iter().map(LanguageSkill::from).collect(),
            travel_time_band: band(minutes).to_owned(),
        })
        .collect();
    Ok(CandidateList {
        items,
        withheld: None,
        held_until,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_test_case_1() {
        // Key 0x0b x 20; HMAC pads a short key with zeros to the block, so 12 more zeros give
        // the same key.
        let mut key = [0u8; 32];
        key[..20].fill(0x0b);
        let mac = hmac_sha256(&key, &[b"Hi ", b"There"]);
        assert_eq!(
            hex::encode(mac),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
    }

    #[test]
    fn a_reference_changes_with_the_window_and_not_within_it() {
        let settings = CandidateSettings::default();
        let (o, p) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let t = time::macros::datetime!(2026-12-02 10:00 UTC);
        let same = candidate_ref(&settings, o, p, t + Duration::from_secs(3600));
        assert_eq!(candidate_ref(&settings, o, p, t), same);
        let next_day = candidate_ref(&settings, o, p, t + Duration::from_secs(24 * 3600));
        assert_ne!(candidate_ref(&settings, o, p, t), next_day);
        assert_ne!(
            candidate_ref(&settings, o, p, t),
            candidate_ref(&settings, Uuid::from_u128(3), p, t)
        );
    }
}
