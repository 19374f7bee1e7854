//! Extractors whose rejections are problem+json like every other error: a JSON body (content type,
//! syntax, unknown or mistyped fields named by their path, size limit), query strings and ids in
//! paths.

use crate::i18n::Msg;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::error::{ApiError, FieldError};

/// A JSON request body. Types deserialised through it should use `#[serde(deny_unknown_fields)]`
/// so that a misspelt field is an error, not silently ignored.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|mime| {
                let mime = mime.trim().to_ascii_lowercase();
                mime == "application/json" || mime.ends_with("+json")
            })
            .unwrap_or(false);
        if !is_json {
            return Err(ApiError::UnsupportedMediaType("application/json"));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::BadRequest(Msg::new("problem-body-unreadable"))
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses JSON, naming the offending field on a type error and the position on a syntax error.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(value) => {
            de.end().map_err(|e| {
                ApiError::BadRequest(
                    Msg::new("problem-malformed-json").text("detail", e.to_string()),
                )
            })?;
            // Escaped control characters (`\u0000`) are valid JSON, but no text field takes them:
            // PostgreSQL refuses NUL outright, and the others forge log lines and exports.
            // Raw DEL (0x7F) and C1 controls (0xC2 0x80..0x9F in UTF-8) are valid too.
            if bytes.iter().any(|&b| matches!(b, b'\\' | 0x7f | 0xc2))
                && let Ok(tree) = serde_json::from_slice::<serde_json::Value>(bytes)
            {
                let mut errors = Vec::new();
                control_characters(&tree, &mut String::new(), &mut errors);
                if !errors.is_empty() {
                    return Err(ApiError::Validation(errors));
                }
            }
            Ok(value)
        }
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            match inner.classify() {
                serde_json::error::Category::Data => {
                    let field = if path == "." { "body".to_owned() } else { path };
                    Err(ApiError::Validation(vec![FieldError::new(
                        field,
                        serde_message(&strip_position(&inner.to_string())),
                    )]))
                }
                _ => Err(ApiError::BadRequest(
                    Msg::new("problem-malformed-json").text("detail", inner.to_string()),
                )),
            }
        }
    }
}

/// One error per string of `value` (at JSON path `path`) holding a refused control character.
fn control_characters(value: &serde_json::Value, path: &mut String, errors: &mut Vec<FieldError>) {
    match value {
        serde_json::Value::String(text) => {
            if let Some(c) = text.chars().find(|&c| crate::domain::is_refused_control(c)) {
                let field = if path.is_empty() {
                    "body"
                } else {
                    path.as_str()
                };
                errors.push(FieldError::new(
                    field,
                    Msg::new("field-control-character").text("code", format!("U+{:04X}", c as u32)),
                ));
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                control_characters(item, path, errors);
                path.truncate(len);
            }
        }
        serde_json::Value::Object(fields) => {
            for (name, item) in fields {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(name);
                control_characters(item, path, errors);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// serde's message for a bad value, as a message in the reader's language: a missing or
/// unknown field, a wrong type, and the domain's own "'X' is not …" are recognised; anything
/// else keeps serde's English words inside a translated sentence.
fn serde_message(text: &str) -> Msg {
    let quoted = |rest: &str| rest.split('`').nth(1).unwrap_or(rest).to_owned();
    if let Some(rest) = text.strip_prefix("missing field ") {
        return Msg::new("field-missing-field").text("name", quoted(rest));
    }
    if let Some(rest) = text.strip_prefix("unknown field ") {
        let allowed = rest
            .split_once("expected ")
            .map(|(_, a)| a.replace("one of ", "").replace('`', ""))
            .unwrap_or_default();
        return Msg::new("field-unknown-field")
            .text("name", quoted(rest))
            .text("allowed", allowed);
    }
    if let Some(rest) = text.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return Msg::new("field-wrong-type")
            .text("found", found.to_owned())
            .text("expected", expected.to_owned());
    }
    if let Some(rest) = text.strip_prefix('\'')
        && let Some((given, expected)) = rest.split_once("' is not ")
        && let Some(id) = crate::domain::expected_id(expected)
    {
        return Msg::new("field-not-a")
            .text("given", given.to_owned())
            .msg("expected", Msg::new(id));
    }
    Msg::new("field-invalid").text("detail", text.to_owned())
}

/// serde's messages end with " at line 1 column 42": useful for syntax, noise for a named field.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// A query string, with unknown parameters refused and bad values named.
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize::<_, T>(de)
            .map(ApiQuery)
            .map_err(|err| {
                let path = err.path().to_string();
                let field = if path == "." {
                    "query".to_owned()
                } else {
                    path
                };
                ApiError::Validation(vec![FieldError::new(
                    field,
                    serde_message(&err.into_inner().to_string()),
                )])
            })
    }
}

/// An id in the path. Anything that is not a UUID cannot name an object: 404, like an unknown id.
#[derive(Debug, Clone, Copy)]
pub struct IdPath(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| ApiError::NotFound("object"))?;
        Uuid::parse_str(&raw)
            .map(IdPath)
            .map_err(|_| ApiError::NotFound("object"))
    }
}
