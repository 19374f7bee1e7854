//! Sign-in through the organisation's OpenID provider: `GET /sign-in/oidc` sends the browser to
//! the provider, `GET /sign-in/oidc/callback` takes it back and opens a session, the same one the
//! sign-in form opens ([`super::session`]). The protocol's rules are
//! [`crate::app::oidc`]'s; who may sign in is [`crate::app::accounts`]'s. The routes exist only
//! when a provider is set up (otherwise 404).
//!
//! - The pending sign-in travels in the `placematch_oidc` cookie: HttpOnly, `Secure` like the
//!   session cookie, limited to `/sign-in/oidc`, and SameSite=Lax, not Strict, because the
//!   provider brings the browser back with a cross-site top-level GET. It is cleared by the
//!   callback, whatever the outcome.
//! - Every refusal (an email of no user or of a disabled one, an unverified email, another
//!   `state`, the provider's own refusal) is the sign-in page again, 4xx, with no session. The
//!   log says why in one word and, on success, the user's id: never an email.
//! - Both are GET routes: the CSRF guard does not apply; the `state` check is their CSRF proof.

use crate::i18n::Msg;
use axum::extract::{RawQuery, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::AppState;
use super::error::ApiError;
use super::locale;
use super::session::{cookie, set_cookie, sign_in_form, signed_in_response};
use crate::app::accounts;
use crate::app::oidc::{Callback, FLOW_MAX_AGE, OidcError};

/// The pending sign-in's cookie.
const OIDC_COOKIE: &str = "placematch_oidc";
/// The only path it is sent to.
const OIDC_COOKIE_PATH: &str = "/sign-in/oidc";

/// What a person reads when the sign-in through `name` did not open a session, and its status.
fn refusal(error: OidcError, name: &str) -> (StatusCode, Msg) {
    let (status, id) = match error {
        OidcError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "oidc-unavailable"),
        OidcError::Denied => (StatusCode::UNAUTHORIZED, "oidc-denied"),
        OidcError::BadState => (StatusCode::BAD_REQUEST, "oidc-bad-state"),
        OidcError::InvalidToken => (StatusCode::BAD_GATEWAY, "oidc-invalid-token"),
        OidcError::NoEmail => (StatusCode::FORBIDDEN, "oidc-no-email"),
        OidcError::UnverifiedEmail => (StatusCode::FORBIDDEN, "oidc-unverified-email"),
    };
    (status, Msg::new(id).text("provider", name))
}

/// The sign-in page with why, and the pending sign-in's cookie cleared.
fn refused(state: &AppState, status: StatusCode, message: Msg) -> Response {
    let mut response = sign_in_form(state, status, "", Some(message));
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state, OIDC_COOKIE, "", OIDC_COOKIE_PATH, 0, "Lax"),
    );
    response
}

/// `GET /sign-in/oidc`: to the provider, with a fresh pending sign-in in its cookie.
pub async fn start_oidc_sign_in(State(state): State<AppState>) -> Response {
    let Some(oidc) = state.oidc.clone() else {
        return ApiError::NotFound("endpoint").into_response();
    };
    match oidc.start(time::OffsetDateTime::now_utc()).await {
        Ok(started) => {
            let mut response = Redirect::to(&started.authorize_url).into_response();
            *response.status_mut() = StatusCode::SEE_OTHER;
            response.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(
                    &state,
                    OIDC_COOKIE,
                    &started.cookie,
                    OIDC_COOKIE_PATH,
                    FLOW_MAX_AGE.as_secs(),
                    "Lax",
                ),
            );
            response
        }
        Err(e) => {
            tracing::warn!(reason = e.reason(), "OpenID sign-in could not start");
            let (status, message) = refusal(e, &oidc.display_name(locale::current()));
            refused(&state, status, message)
        }
    }
}

/// `GET /sign-in/oidc/callback`: the provider's answer; home with a session, or the sign-in
/// page with why.
pub async fn finish_oidc_sign_in(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    request: Request,
) -> Response {
    let Some(oidc) = state.oidc.clone() else {
        return ApiError::NotFound("endpoint").into_response();
    };
    // A query that cannot be read is treated as one without a state.
    let callback: Callback =
        serde_urlencoded::from_str(query.as_deref().unwrap_or_default()).unwrap_or_default();
    let pending = cookie(request.headers(), OIDC_COOKIE);
    let now = time::OffsetDateTime::now_utc();
    let email = match oidc.finish(pending, &callback, now).await {
        Ok(email) => email,
        Err(e) => {
            tracing::warn!(reason = e.reason(), "OpenID sign-in refused");
            let (status, message) = refusal(e, &oidc.display_name(locale::current()));
            return refused(&state, status, message);
        }
    };
    match accounts::sign_in_with_verified_email(&state.store, &email, now).await {
        Ok(Some(signed_in)) => {
            tracing::info!(user_id = %signed_in.user.id, "signed in through the OpenID provider");
            let mut response = signed_in_response(&state, &signed_in);
            response.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(&state, OIDC_COOKIE, "", OIDC_COOKIE_PATH, 0, "Lax"),
            );
            response
        }
        Ok(None) => {
            tracing::warn!(reason = "no_enabled_user", "OpenID sign-in refused");
            refused(
                &state,
                StatusCode::FORBIDDEN,
                Msg::new("oidc-no-user").text("provider", oidc.display_name(locale::current())),
            )
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}
