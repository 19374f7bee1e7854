//! The language of each request: the signed-in user's preference, else the best language of
//! `Accept-Language` we speak, else French ([`crate::i18n`]). [`localize`] decides it before
//! anything else runs and the session guard replaces it with the user's preference once the
//! cookie is resolved, so that every text of the answer (explanations, problems, field
//! messages, CSV lines) is in that language, errors included. The answer says which
//! (`Content-Language`) and that it depends on `Accept-Language` (`Vary`).
//!
//! Handlers take it as the [`Lang`] extractor; the error type reads it with [`current`] when it
//! writes its problem. The machine codes (`code`, criterion names, exclusion codes and their
//! figures) are the same in every language.

use std::cell::Cell;
use std::convert::Infallible;

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::i18n::Language;

tokio::task_local! {
    static REQUEST_LANGUAGE: Cell<Language>;
}

/// Decides the request's language from `Accept-Language` and answers in it.
pub async fn localize(request: Request, next: Next) -> Response {
    let asked = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Language::negotiate)
        .unwrap_or_default();
    REQUEST_LANGUAGE
        .scope(Cell::new(asked), async move {
            let mut response = next.run(request).await;
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_LANGUAGE,
                HeaderValue::from_static(current().as_str()),
            );
            headers.append(header::VARY, HeaderValue::from_static("accept-language"));
            response
        })
        .await
}

/// The language of the request being answered (French outside of one).
pub fn current() -> Language {
    REQUEST_LANGUAGE.try_with(Cell::get).unwrap_or_default()
}

/// The signed-in user's preference wins over `Accept-Language`.
pub fn prefer(language: Language) {
    let _ = REQUEST_LANGUAGE.try_with(|c| c.set(language));
}

/// The request's language, for a handler.
#[derive(Debug, Clone, Copy)]
pub struct Lang(pub Language);

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = Infallible;

    async fn from_request_parts(_: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang(current()))
    }
}
