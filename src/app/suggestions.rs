//! A caseworker's suggestions for one person: ranked by the matching core over the index of
//! open openings, with the same costs as the nightly optimiser, on the blocking thread pool
//! within the time limit, and audited (the read of the file is confirmed before anything is
//! answered).

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::value::RawValue;
use uuid::Uuid;

use super::audit::{self, Action, Subject};
use super::policy::{Principal, Role};
use super::{AppError, Matching};
use crate::bridge;
use crate::matching::{Suggestions, suggest};

/// The suggestions for one person, with the view of every opening they name.
pub struct Found {
    pub suggestions: Suggestions,
    /// The view of each open opening by id (JSON, as the index holds them).
    pub views: Arc<HashMap<Uuid, Box<RawValue>>>,
}

impl Found {
    /// The view of an opening the suggestions name.
    pub fn view(&self, opening_id: &Uuid) -> Result<Box<RawValue>, AppError> {
        self.views
            .get(opening_id)
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("opening missing from the cache")))
    }
}

/// The `limit` best openings for the person `id` and up to `excluded_limit` excluded ones with
/// their reasons, as of `today`; caseworkers of the person's office and admins only.
pub async fn for_person(
    m: Matching<'_>,
    principal: &Principal,
    id: Uuid,
    limit: usize,
    excluded_limit: usize,
    today: time::Date,
) -> Result<Found, AppError> {
    principal.require(&[Role::Admin, Role::Caseworker])?;
    // The file, its languages and its live placement in one round trip.
    let (row, current) = m
        .store
        .get_beneficiary_with_live_placement(id)
        .await?
        .filter(|(b, _)| principal.sees_office(b.office_id))
        .ok_or(AppError::NotFound("beneficiary"))?;
    // Stored while the suggestions are computed; confirmed before anything is answered.
    let audited = audit::submit(
        m.audit,
        principal,
        Action::Read,
        Subject::beneficiary(id, row.office_id),
    )
    .await?;
    let programme = m.programme_of(row.office_id).await?;
    let person = bridge::beneficiary_placed(
        &row,
        programme,
        current.as_ref().map(|p| (p.opening_id, p.state.as_str())),
    )
    .map_err(|e| AppError::Internal(e.into()))?;
    let cached = m.openings.get(m.store, today).await?;
    let config = m.config.clone();
    let index = cached.index.clone();
    let suggestions = m
        .blocking(move || suggest(&person, &index, &config, today, limit, excluded_limit))
        .await?;
    audited.confirmed().await?;
    Ok(Found {
        suggestions,
        views: cached.views.clone(),
    })
}
