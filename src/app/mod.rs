//! The application's rules above the stored data, shared by every door (API, pages, CLI, jobs):
//! [`policy`], who may see or change what, [`audit`], the trail of who read or changed what
//! (an event is a value: who, what action, which [`audit::Subject`]), [`throttle`], the hourly
//! limits per caller, [`openings_index`], the index of open openings that suggestions read,
//! [`referents`], caseworkers' portfolios (who follows whom, and each office's caseloads), and
//! the use cases that compute for one caller: [`suggestions`] (a caseworker's person) and
//! [`candidates`] (a host's opening). A door parses its input, calls these with a
//! [`Matching`] context, and renders what they return.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use uuid::Uuid;

use crate::domain::Programme;
use crate::matching::MatchingConfig;
use crate::store::{Store, StoreError};

pub mod accounts;
pub mod audit;
pub mod candidates;
pub mod oidc;
pub mod openings_index;
pub mod policy;
pub mod referents;
pub mod suggestions;
pub mod throttle;

/// Why a use case could not answer.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Bad input: one error per field.
    #[error("invalid input")]
    Invalid(Vec<crate::domain::FieldError>),
    /// No such object, or not one the caller may see (the two are never told apart).
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error(transparent)]
    Denied(#[from] policy::Denied),
    #[error(transparent)]
    Throttled(#[from] throttle::Throttled),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Audit(#[from] audit::AuditError),
    #[error(transparent)]
    Index(#[from] openings_index::IndexError),
    /// The computation took longer than its time limit.
    #[error("the computation took longer than its time limit")]
    Timeout,
    /// Too many computations of this kind at once.
    #[error("too many requests of this kind at once")]
    Busy,
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// What the matching use cases read and write through: the store, the index of open
/// openings, the offices' programmes, the audit trail, and the matching settings.
#[derive(Clone, Copy)]
pub struct Matching<'a> {
    pub store: &'a Arc<dyn Store>,
    pub openings: &'a Arc<openings_index::OpeningsCache>,
    pub programmes: &'a Programmes,
    pub audit: &'a audit::AuditWriter,
    pub config: &'a MatchingConfig,
    /// How long one computation may take.
    pub time_limit: Duration,
}

impl Matching<'_> {
    /// Runs CPU work off the async runtime, within the time limit.
    pub async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        match tokio::time::timeout(self.time_limit, tokio::task::spawn_blocking(work)).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(AppError::Internal(e.into())),
            Err(_) => Err(AppError::Timeout),
        }
    }

    /// The programme of `office`.
    pub async fn programme_of(&self, office: Uuid) -> Result<Programme, AppError> {
        self.programmes.of(self.store, office).await
    }
}

/// Each office's programme, read once: an office's programme never changes (offices have no
/// update endpoint), and every suggestion needs it.
#[derive(Debug, Default)]
pub struct Programmes(RwLock<HashMap<Uuid, Programme>>);

impl Programmes {
    /// The programme of `office`, from memory or else from the store.
    pub async fn of(&self, store: &Arc<dyn Store>, office: Uuid) -> Result<Programme, AppError> {
        let known = self
            .0
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&office)
            .copied();
        if let Some(programme) = known {
            return Ok(programme);
        }
        let row = store
            .get_office(office)
            .await?
            .ok_or(AppError::NotFound("office"))?;
        let programme: Programme = row
            .programme
            .parse()
            .map_err(|e: crate::domain::ParseError| AppError::Internal(e.into()))?;
        self.0
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(office, programme);
        Ok(programme)
    }
}

/// Today's date, as every use case reads it.
pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}
