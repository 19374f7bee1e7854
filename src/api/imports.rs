//! `/v1/imports`: the `placematch import` command over HTTP, for admins. The body is the CSV
//! file itself (`text/csv`) or a `multipart/form-data` form with a `file` field; the body size
//! limit applies (`PLACEMATCH_MAX_BODY_BYTES`: larger files go through the command line). A file
//! with any bad line writes nothing and answers 422 with one `{line, column, message}` entry
//! per problem, the same report the command prints.

use crate::i18n::Msg;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use serde::Deserialize;
use uuid::Uuid;

use super::AppState;
use super::auth::{Principal, Role};
use super::error::{ApiError, Problem};
use super::extract::ApiQuery;
use crate::app::audit::{self, Action, Subject};
use crate::transfer::{self, ImportError, ImportOptions, ImportSummary, Kind};

/// Query of `POST /v1/imports`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `beneficiaries`, `openings` or `organisations`.
    #[param(inline)]
    pub kind: Kind,
    /// The office beneficiaries are imported into (lines may name theirs in `office_id`).
    pub office_id: Option<Uuid>,
    /// `true`: check the file and tell what would change, write nothing.
    pub dry_run: Option<bool>,
}

/// Content types of a bare CSV body (browsers send `application/vnd.ms-excel` for `.csv`).
const CSV_TYPES: &[&str] = &[
    "text/csv",
    "application/csv",
    "text/plain",
    "application/vnd.ms-excel",
];

/// Import a CSV file (admin): all lines or none.
#[utoipa::path(
    post, path = "/v1/imports", tag = "imports",
    params(ImportQuery),
    request_body(content = String, description = "The CSV file, or a multipart form with a `file` field",
        content_type = "text/csv"),
    responses(
        (status = 200, description = "Imported (or checked, for a dry run)", body = ImportSummary),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "Not an admin", body = Problem),
        (status = 404, description = "No such office", body = Problem),
        (status = 409, description = "A reference was taken meanwhile", body = Problem),
        (status = 413, description = "The file is larger than the body limit", body = Problem),
        (status = 415, description = "Neither text/csv nor multipart/form-data", body = Problem),
        (status = 422, description = "Bad lines, one {line, column, message} entry each; nothing written", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn create_import(
    State(state): State<AppState>,
    principal: Principal,
    request: Request,
) -> Result<Json<ImportSummary>, ApiError> {
    principal.require(&[Role::Admin])?;
    let (mut parts, body) = request.into_parts();
    let ApiQuery(q) = ApiQuery::<ImportQuery>::from_request_parts(&mut parts, &state).await?;
    if let Some(office) = q.office_id {
        state
            .store
            .get_office(office)
            .await?
            .ok_or(ApiError::NotFound("office"))?;
    }
    let bytes = file_bytes(Request::from_parts(parts, body), &state).await?;
    let options = ImportOptions {
        office: q.office_id,
        dry_run: q.dry_run.unwrap_or(false),
        today: time::OffsetDateTime::now_utc().date(),
        actor: crate::app::referents::actor(&principal),
    };
    let summary = transfer::import(&*state.store, q.kind, &bytes, &options, &|_, _| {})
        .await
        .map_err(|e| match e {
            ImportError::Rejected(rows) => ApiError::InvalidRows(rows),
            ImportError::NoSuchOffice(_) => ApiError::NotFound("office"),
            ImportError::Options(message) => ApiError::field("office_id", message),
            ImportError::Store(e) => e.into(),
        })?;
    match q.kind {
        Kind::Beneficiaries => {
            for w in &summary.written {
                let action = if w.created {
                    Action::Create
                } else {
                    Action::Update
                };
                audit::record(
                    &state.audit,
                    &principal,
                    action,
                    Subject::beneficiary_in(w.id, w.office_id),
                )
                .await?;
            }
        }
        Kind::Openings | Kind::Organisations => {}
    }
    Ok(Json(summary))
}

/// The file: the whole body, or the `file` field of a multipart form.
async fn file_bytes(request: Request, state: &AppState) -> Result<Bytes, ApiError> {
    let mime = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let too_large = |status: StatusCode| {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge
        } else {
            ApiError::BadRequest(Msg::new("problem-body-unreadable"))
        }
    };
    if CSV_TYPES.contains(&mime.as_str()) {
        return Bytes::from_request(request, state)
            .await
            .map_err(|r| too_large(r.status()));
    }
    if mime != "multipart/form-data" {
        return Err(ApiError::UnsupportedMediaType(
            "text/csv, or multipart/form-data with a file field",
        ));
    }
    let mut form = Multipart::from_request(request, state)
        .await
        .map_err(|_| ApiError::BadRequest(Msg::new("problem-malformed-multipart")))?;
    while let Some(field) = form.next_field().await.map_err(|e| too_large(e.status()))? {
        if field.name() == Some("file") {
            return field.bytes().await.map_err(|e| too_large(e.status()));
        }
    }
    Err(ApiError::field("file", Msg::new("import-file-required")))
}
