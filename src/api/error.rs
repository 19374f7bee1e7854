//! The one error type of the HTTP API, answered as RFC 9457 `application/problem+json`: a stable
//! machine-readable `code`, a human `title` and `detail`, and for validation one entry per field
//! (with the stable `code` of its message beside the words). Titles, details and messages are
//! written in the request's language ([`super::locale`]); the codes are the same in all.
//! A 5xx body says only that something went wrong; the cause goes to the log, never to the client.

pub use crate::resource::FieldError;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::locale;
use crate::i18n::{Language, Msg};
use crate::store::StoreError;
use crate::transfer::RowError;

/// Everything a handler can answer besides success.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("the request is not valid")]
    Validation(Vec<FieldError>),
    /// A file with bad lines: each `{line, column, message}`.
    #[error("the file was not imported: {} problem(s), nothing was written", .0.len())]
    InvalidRows(Vec<RowError>),
    #[error("{}", .0.render(Language::En))]
    BadRequest(Msg),
    #[error("missing or invalid credentials")]
    Unauthorized,
    #[error("this role may not do that")]
    Forbidden,
    #[error("a request made with a session cookie must carry the session's CSRF token")]
    Csrf,
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("{}", .message.render(Language::En))]
    Conflict { code: &'static str, message: Msg },
    #[error("the request body is larger than the limit")]
    PayloadTooLarge,
    #[error("expected Content-Type: {0}")]
    UnsupportedMediaType(&'static str),
    #[error("the database is unavailable")]
    Unavailable,
    #[error("the computation took longer than its time limit")]
    Timeout,
    #[error("too many requests of this kind at once; try again in a moment")]
    Busy,
    #[error("at most {limit} {what} per hour for this token; try again in {retry_after} s")]
    TooManyRequests {
        what: &'static str,
        limit: u32,
        retry_after: u64,
    },
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// The problem+json body (RFC 9457).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the problem type (`about:blank` plus `code` is enough for clients).
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// Stable, machine-readable: clients switch on this, never on `title` or `detail`.
    pub code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// One entry per invalid field (`field`, `message`) or, for a file, per bad line
    /// (`line`, `column`, `message`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemEntry>,
}

/// One entry of [`Problem::errors`].
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum ProblemEntry {
    Field(FieldProblem),
    Row(RowProblem),
}

/// One invalid field.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    /// A JSON path such as `languages[1].level`.
    pub field: String,
    /// Stable, the id of the message (`field-required`, `field-not-one-of`, …).
    pub code: String,
    /// In the request's language.
    pub message: String,
}

/// One bad line of a file.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RowProblem {
    /// The header is line 1.
    pub line: u64,
    /// The column (header name); empty for the file as a whole.
    pub column: String,
    /// Stable, the id of the message.
    pub code: String,
    /// In the request's language.
    pub message: String,
}

impl FieldProblem {
    pub fn new(e: &FieldError, lang: Language) -> Self {
        Self {
            field: e.field.clone(),
            code: e.message.id.to_string(),
            message: e.message.render(lang),
        }
    }
}

impl RowProblem {
    pub fn new(e: &RowError, lang: Language) -> Self {
        Self {
            line: e.line,
            column: e.column.clone(),
            code: e.message.id.to_string(),
            message: e.message.render(lang),
        }
    }
}

impl ApiError {
    /// The HTTP status and stable code of this error.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            ApiError::InvalidRows(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_file"),
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::Csrf => (StatusCode::FORBIDDEN, "csrf"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Conflict { code, .. } => (StatusCode::CONFLICT, code),
            ApiError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::UnsupportedMediaType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            ApiError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            ApiError::Timeout => (StatusCode::SERVICE_UNAVAILABLE, "timeout"),
            ApiError::Busy => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
            ApiError::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    /// A 409 with a stable code.
    pub fn conflict(code: &'static str, message: Msg) -> Self {
        ApiError::Conflict { code, message }
    }

    /// A single-field validation error.
    pub fn field(field: impl Into<String>, message: Msg) -> Self {
        ApiError::Validation(vec![FieldError::new(field, message)])
    }

    /// The problem's title, as a message.
    fn title(&self) -> Msg {
        match self {
            ApiError::Validation(_) => Msg::new("problem-validation"),
            ApiError::InvalidRows(rows) => {
                Msg::new("problem-invalid-file").int("count", rows.len() as i64)
            }
            ApiError::BadRequest(m) | ApiError::Conflict { message: m, .. } => m.clone(),
            ApiError::Unauthorized => Msg::new("problem-unauthorized"),
            ApiError::Forbidden => Msg::new("problem-forbidden"),
            ApiError::Csrf => Msg::new("problem-csrf"),
            ApiError::NotFound(what) => {
                Msg::new("problem-not-found").term("what", "thing", &what.replace(' ', "_"))
            }
            ApiError::PayloadTooLarge => Msg::new("problem-payload-too-large"),
            ApiError::UnsupportedMediaType(t) => {
                Msg::new("problem-unsupported-media-type").text("expected", *t)
            }
            ApiError::Unavailable => Msg::new("problem-unavailable"),
            ApiError::Timeout => Msg::new("problem-timeout"),
            ApiError::Busy => Msg::new("problem-busy"),
            ApiError::TooManyRequests {
                what,
                limit,
                retry_after,
            } => Msg::new("problem-too-many-requests")
                .term("what", "throttled", &what.replace(' ', "_"))
                .int("limit", *limit)
                .int("retry_after", *retry_after as i64),
            ApiError::Internal(_) => Msg::new("problem-internal"),
        }
    }
}

impl From<crate::app::openings_index::IndexError> for ApiError {
    fn from(err: crate::app::openings_index::IndexError) -> Self {
        match err {
            crate::app::openings_index::IndexError::Store(e) => e.into(),
            crate::app::openings_index::IndexError::Internal(e) => ApiError::Internal(e),
        }
    }
}

impl From<crate::app::audit::AuditError> for ApiError {
    fn from(e: crate::app::audit::AuditError) -> Self {
        match e {
            crate::app::audit::AuditError::Unavailable => ApiError::Unavailable,
            stopped @ crate::app::audit::AuditError::Stopped => ApiError::Internal(stopped.into()),
        }
    }
}

impl From<crate::app::AppError> for ApiError {
    fn from(e: crate::app::AppError) -> Self {
        use crate::app::AppError;
        match e {
            AppError::Invalid(errors) => ApiError::Validation(errors),
            AppError::NotFound(what) => ApiError::NotFound(what),
            AppError::Denied(d) => d.into(),
            AppError::Throttled(t) => t.into(),
            AppError::Store(e) => e.into(),
            AppError::Audit(e) => e.into(),
            AppError::Index(e) => e.into(),
            AppError::Timeout => ApiError::Timeout,
            AppError::Busy => ApiError::Busy,
            AppError::Internal(e) => ApiError::Internal(e),
        }
    }
}

impl From<crate::app::throttle::Throttled> for ApiError {
    fn from(t: crate::app::throttle::Throttled) -> Self {
        ApiError::TooManyRequests {
            what: t.what,
            limit: t.limit,
            retry_after: t.retry_after,
        }
    }
}

impl From<crate::app::policy::Denied> for ApiError {
    fn from(_: crate::app::policy::Denied) -> Self {
        ApiError::Forbidden
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Unavailable(_) => ApiError::Unavailable,
            StoreError::Conflict(_) => {
                ApiError::conflict("conflict", Msg::new("conflict-stored-data"))
            }
            StoreError::WrongState { current } => ApiError::conflict(
                "invalid_transition",
                Msg::new("conflict-wrong-state").term("state", "state", &current.to_string()),
            ),
            StoreError::NoSeatLeft => {
                ApiError::conflict("no_seat_left", Msg::new("conflict-no-seat-left"))
            }
            StoreError::IntakeCapReached { cap } => ApiError::conflict(
                "intake_cap_reached",
                Msg::new("exclusion-host-intake-cap").int("cap", cap),
            ),
            StoreError::HoursOverCap { worked, max_total } => ApiError::field(
                "hours",
                Msg::new("field-hours-over-cap")
                    .dec("max_total", max_total, 2)
                    .dec("worked", worked, 2),
            ),
            other => ApiError::Internal(other.into()),
        }
    }
}

/// Builds a problem+json response in the request's language.
pub fn problem_response(
    status: StatusCode,
    code: &'static str,
    title: Msg,
    detail: Option<Msg>,
    errors: Vec<FieldError>,
) -> Response {
    let lang = locale::current();
    problem_with_entries(
        status,
        code,
        title.render(lang),
        detail.map(|d| d.render(lang)),
        errors
            .iter()
            .map(|e| ProblemEntry::Field(FieldProblem::new(e, lang)))
            .collect(),
    )
}

/// Builds a problem+json response with any kind of entries.
fn problem_with_entries(
    status: StatusCode,
    code: &'static str,
    title: String,
    detail: Option<String>,
    errors: Vec<ProblemEntry>,
) -> Response {
    let body = Problem {
        kind: format!("https://placematch.invalid/problems/{code}"),
        title,
        status: status.as_u16(),
        code,
        detail,
        errors,
    };
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let ApiError::Internal(err) = &self {
            // The cause is logged for operators; the client learns nothing about internals.
            tracing::error!(error = %format!("{err:#}"), "internal error");
        }
        let lang = locale::current();
        let title = self.title().render(lang);
        let retry_after = match &self {
            ApiError::TooManyRequests { retry_after, .. } => Some(*retry_after),
            ApiError::Busy => Some(1),
            _ => None,
        };
        let (detail, errors) = match &self {
            ApiError::Validation(errors) => (
                None,
                errors
                    .iter()
                    .map(|e| ProblemEntry::Field(FieldProblem::new(e, lang)))
                    .collect(),
            ),
            ApiError::InvalidRows(rows) => (
                Some(Msg::new("problem-invalid-file-detail").render(lang)),
                rows.iter()
                    .map(|e| ProblemEntry::Row(RowProblem::new(e, lang)))
                    .collect(),
            ),
            ApiError::NotFound(what) => (
                Some(
                    Msg::new("problem-not-found-detail")
                        .term("what", "thing", &what.replace(' ', "_"))
                        .render(lang),
                ),
                vec![],
            ),
            _ => (None, vec![]),
        };
        let mut response = problem_with_entries(status, code, title, detail, errors);
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"placematch\""),
            );
        }
        response
    }
}
