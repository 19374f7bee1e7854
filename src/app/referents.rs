//! Caseworkers' portfolios: a person's référent (the caseworker user who follows them, one at a
//! time, every change kept), the beneficiary list by référent, and an office's caseloads, so
//! that a team lead sees who has no référent and who carries too many. Who may be référent is
//! [`referent_problem`], the rule the CSV import applies too.

use std::sync::Arc;

use uuid::Uuid;

use super::AppError;
use super::audit::{self, Action, AuditWriter, Subject};
use super::policy::{Principal, Role};
use crate::domain::FieldError;
use crate::resource::beneficiary::{
    ReferentProblem, referent_filter_invalid, referent_me_needs_a_user, referent_problem,
};
use crate::store::{
    Actor, BeneficiaryRow, CaseloadRow, ReferentAssignmentRow, ReferentFilter, Store, UserRow,
};

/// The actor of `principal` in the référent history: the user when signed in, else the token.
pub fn actor(principal: &Principal) -> Actor {
    Actor {
        user_id: principal.user_id,
        token_id: principal.user_id.is_none().then_some(principal.token_id),
        role: principal.role.as_str().to_owned(),
    }
}

/// What `?referent=` of a beneficiary list asks for: `me` (the signed-in user), `none`, or a
/// user's id. An error names the `referent` parameter.
pub fn referent_filter(principal: &Principal, value: &str) -> Result<ReferentFilter, FieldError> {
    match value.trim() {
        "me" => principal
            .user_id
            .map(ReferentFilter::User)
            .ok_or_else(|| FieldError::new("referent", referent_me_needs_a_user())),
        "none" => Ok(ReferentFilter::Nobody),
        other => Uuid::parse_str(other)
            .map(ReferentFilter::User)
            .map_err(|_| FieldError::new("referent", referent_filter_invalid(other))),
    }
}

/// A file the caller may see, or [`AppError::NotFound`] as if it did not exist.
async fn visible(
    store: &Arc<dyn Store>,
    principal: &Principal,
    id: Uuid,
) -> Result<BeneficiaryRow, AppError> {
    principal.require(&[Role::Admin, Role::Caseworker])?;
    store
        .get_beneficiary(id)
        .await?
        .filter(|b| principal.sees_office(b.office_id))
        .ok_or(AppError::NotFound("beneficiary"))
}

/// Sets (`Some`) or clears (`None`) the référent of the file `id` for `principal`, audited as
/// an update of the file. `field` names the input in an error (`user_id` for the API).
pub async fn set_referent(
    store: &Arc<dyn Store>,
    writer: &AuditWriter,
    principal: &Principal,
    id: Uuid,
    referent: Option<Uuid>,
    field: &str,
) -> Result<BeneficiaryRow, AppError> {
    let file = visible(store, principal, id).await?;
    if let Some(user_id) = referent {
        let problem = match store.get_user(user_id).await? {
            Some(user) => referent_problem(&user, file.office_id, file.referent_user_id),
            None => Some(ReferentProblem::NotOfOffice),
        };
        if let Some(problem) = problem {
            return Err(AppError::Invalid(vec![FieldError::new(
                field,
                problem.message(),
            )]));
        }
    }
    let row = store
        .set_referent(id, referent, &actor(principal))
        .await?
        .ok_or(AppError::NotFound("beneficiary"))?;
    audit::record(
        writer,
        principal,
        Action::Update,
        Subject::beneficiary(id, row.office_id),
    )
    .await?;
    Ok(row)
}

/// The référent history of the file `id`, oldest first, audited as a read of the file.
pub async fn referent_history(
    store: &Arc<dyn Store>,
    writer: &AuditWriter,
    principal: &Principal,
    id: Uuid,
) -> Result<Vec<ReferentAssignmentRow>, AppError> {
    let file = visible(store, principal, id).await?;
    let history = store.referent_history(id).await?;
    audit::record(
        writer,
        principal,
        Action::Read,
        Subject::beneficiary(id, file.office_id),
    )
    .await?;
    Ok(history)
}

/// An office's caseloads: every caseworker user of the office with what they carry (zero
/// included, disabled ones too), in name order, and the people nobody follows.
#[derive(Debug, Clone, PartialEq)]
pub struct Caseloads {
    pub office_id: Uuid,
    pub caseworkers: Vec<(UserRow, CaseloadRow)>,
    pub unassigned: CaseloadRow,
}

/// The caseloads of `office` for `principal`: admins, and the office's own caseworkers
/// (another office's is answered as if it did not exist). Counts only, no one's file: not
/// audited.
pub async fn caseloads(
    store: &Arc<dyn Store>,
    principal: &Principal,
    office: Uuid,
) -> Result<Caseloads, AppError> {
    principal.require(&[Role::Admin, Role::Caseworker])?;
    if !principal.sees_office(office) {
        return Err(AppError::NotFound("office"));
    }
    store
        .get_office(office)
        .await?
        .ok_or(AppError::NotFound("office"))?;
    let rows = store.office_caseloads(office).await?;
    let unassigned = rows
        .iter()
        .find(|r| r.referent_user_id.is_none())
        .copied()
        .unwrap_or_default();
    let mut caseworkers: Vec<(UserRow, CaseloadRow)> = store
        .list_office_caseworkers(office)
        .await?
        .into_iter()
        .map(|u| {
            let load = rows
                .iter()
                .find(|r| r.referent_user_id == Some(u.id))
                .copied()
                .unwrap_or(CaseloadRow {
                    referent_user_id: Some(u.id),
                    ..Default::default()
                });
            (u, load)
        })
        .collect();
    caseworkers.sort_by_cached_key(|(u, _)| {
        let name = crate::resource::beneficiary::user_name(&u.display_name, &u.email);
        (name.to_lowercase(), u.id)
    });
    Ok(Caseloads {
        office_id: office,
        caseworkers,
        unassigned,
    })
}
