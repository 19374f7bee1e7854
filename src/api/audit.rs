//! Writing the audit trail: one event per read or change of a person's file or placement. Ids
//! only; a failure to audit fails the request, since an unaudited read must not happen.

use uuid::Uuid;

use super::AppState;
use super::auth::Principal;
use super::error::ApiError;
use crate::store::NewAuditEvent;

/// What happened to the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Read,
    Update,
    Delete,
    Export,
    Transition,
    Apply,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Read => "read",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Export => "export",
            Action::Transition => "transition",
            Action::Apply => "apply",
        }
    }
}

/// Records that `principal` did `action` to the `kind` object `id`.
pub async fn record(
    state: &AppState,
    principal: &Principal,
    action: Action,
    kind: &str,
    id: Uuid,
    office_id: Option<Uuid>,
    organisation_id: Option<Uuid>,
) -> Result<(), ApiError> {
    state
        .store
        .record_audit_event(&NewAuditEvent {
            actor_token_id: Some(principal.token_id),
            actor_role: principal.role.as_str().to_owned(),
            action: action.as_str().to_owned(),
            object_kind: kind.to_owned(),
            object_id: id,
            office_id,
            organisation_id,
        })
        .await?;
    Ok(())
}
