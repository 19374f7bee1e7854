//! Sign-in with a session cookie, for people (tokens stay for machines): the plain sign-in form
//! (`GET`/`POST /sign-in`), `POST /sign-out`, `GET /v1/session`, and the guard that every
//! state-changing request made with the cookie passes ([`csrf_guard`]). The web interface
//! dresses the form up; the URLs and field names stay. The rules are
//! [`crate::app::accounts`]'s.
//!
//! - The session cookie `placematch_session` is HttpOnly, SameSite=Lax, `Secure` unless the
//!   service is set up for plain-HTTP local use, and holds a secret of which the database keeps
//!   only the hash.
//! - A request with the cookie and a method other than GET, HEAD or OPTIONS must carry the
//!   session's CSRF token, in the `X-CSRF-Token` header or a form's `csrf_token` field:
//!   otherwise 403. A bearer-token request needs none (no cookie is involved).
//! - The sign-in form itself carries a token of its own, set in a short-lived SameSite=Strict
//!   cookie when the form is shown, so that another site cannot sign a browser in.
//! - When an OpenID provider is set up, the form links to sign-in through it
//!   ([`super::oidc`]), which ends in the same session cookie.

use std::net::IpAddr;

use axum::Json;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;

use super::AppState;
use super::error::{ApiError, Problem};
use super::locale;
use super::users::User;
use crate::app::accounts::{self, Session, SignInError, SignedIn};
use crate::i18n::{Language, Msg};

/// The session cookie.
pub const SESSION_COOKIE: &str = "placematch_session";
/// The sign-in form's own token cookie.
const SIGN_IN_COOKIE: &str = "placematch_sign_in";
/// The header a script sends the session's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The client's address, set by the server for each connection (absent in-process).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub IpAddr);

/// The value of cookie `name` in `headers`.
pub(super) fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value.
pub(super) fn set_cookie(
    state: &AppState,
    name: &str,
    value: &str,
    path: &str,
    max_age: u64,
    same_site: &str,
) -> HeaderValue {
    let secure = if state.settings.accounts.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite={same_site}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The live session of the request's cookie, when it has one and no bearer token.
async fn session_of(state: &AppState, headers: &HeaderMap) -> Result<Option<Session>, ApiError> {
    if headers.contains_key(header::AUTHORIZATION) {
        return Ok(None);
    }
    let Some(secret) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    Ok(accounts::session(
        &state.store,
        &state.settings.accounts,
        secret,
        time::OffsetDateTime::now_utc(),
    )
    .await?)
}

/// The session a request was authenticated with, for the handlers (see [`csrf_guard`]).
#[derive(Debug, Clone)]
pub struct SessionAuth(pub Session);

/// Resolves the session cookie once per request and, for a state-changing method, refuses the
/// request unless it carries the session's CSRF token (header, or a form's `csrf_token`).
pub async fn csrf_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let session = match session_of(&state, request.headers()).await {
        Ok(Some(s)) => s,
        Ok(None) => return next.run(request).await,
        Err(e) => return e.into_response(),
    };
    // A signed-in person reads their own language, whatever the browser asks for.
    if let Ok(language) = session.user.language.parse::<Language>() {
        locale::prefer(language);
    }
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let (mut parts, mut body) = request.into_parts();
    if !safe {
        let header_token = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let token = match header_token {
            Some(t) => Some(t),
            None if is_form => {
                let bytes = match to_bytes(
                    std::mem::replace(&mut body, Body::empty()),
                    state.settings.max_body_bytes,
                )
                .await
                {
                    Ok(b) => b,
                    Err(_) => return ApiError::PayloadTooLarge.into_response(),
                };
                let token = form_urlencoded::parse(&bytes)
                    .find(|(k, _)| k == "csrf_token")
                    .map(|(_, v)| v.into_owned());
                body = Body::from(bytes);
                token
            }
            None => None,
        };
        if !token.is_some_and(|t| accounts::csrf_matches(&session.session, &t)) {
            return ApiError::Csrf.into_response();
        }
    }
    parts.extensions.insert(SessionAuth(session));
    next.run(Request::from_parts(parts, body)).await
}

/// The signed-in user and the session's CSRF token, for a script of the web interface.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionView {
    pub user: User,
    /// Send it in the `X-CSRF-Token` header of every state-changing request.
    pub csrf_token: String,
}

/// The signed-in user of the request's session cookie.
#[utoipa::path(
    get, path = "/v1/session", tag = "users",
    responses(
        (status = 200, description = "The signed-in user", body = SessionView),
        (status = 401, description = "Not signed in", body = Problem),
    )
)]
pub async fn get_session(request: Request) -> Result<Json<SessionView>, ApiError> {
    let SessionAuth(session) = request
        .extensions()
        .get::<SessionAuth>()
        .cloned()
        .ok_or(ApiError::Unauthorized)?;
    Ok(Json(SessionView {
        csrf_token: session.session.csrf_token,
        user: session.user.into(),
    }))
}

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page in the request's language: no script, no style from elsewhere.
fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · placematch</title></head><body><main>{body}</main></body></html>\n",
        locale::current().as_str(),
        escape(title)
    )
}

/// The sign-in form, with `error` above it and a fresh form token in its cookie.
pub(super) fn sign_in_form(
    state: &AppState,
    status: StatusCode,
    email: &str,
    error: Option<Msg>,
) -> Response {
    let lang = locale::current();
    let t = |id| escape(&lang.text(id));
    let token = accounts::random_hex();
    let error = error
        .map(|e| {
            format!(
                "<p role=\"alert\" id=\"sign-in-error\">{}</p>",
                escape(&e.render(lang))
            )
        })
        .unwrap_or_default();
    let described = if error.is_empty() {
        ""
    } else {
        " aria-describedby=\"sign-in-error\""
    };
    let body = format!(
        "<h1>{title}</h1>{error}<form method=\"post\" action=\"/sign-in\"{described}>\
         <input type=\"hidden\" name=\"csrf_token\" value=\"{token}\">\
         <p><label for=\"email\">{email_label}</label> <input id=\"email\" name=\"email\" \
         type=\"email\" autocomplete=\"username\" required value=\"{}\"></p>\
         <p><label for=\"password\">{password_label}</label> <input id=\"password\" \
         name=\"password\" type=\"password\" autocomplete=\"current-password\" required></p>\
         <p><button type=\"submit\">{title}</button></p></form>{}",
        escape(email),
        state
            .oidc
            .as_ref()
            .map(|o| format!(
                "<p><a href=\"/sign-in/oidc\">{}</a></p>",
                escape(
                    &Msg::new("sign-in-with")
                        .text("provider", o.display_name(lang))
                        .render(lang)
                )
            ))
            .unwrap_or_default(),
        title = t("sign-in-title"),
        email_label = t("sign-in-email"),
        password_label = t("sign-in-password"),
    );
    let mut response = (
        status,
        axum::response::Html(page(&lang.text("sign-in-title"), &body)),
    )
        .into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state, SIGN_IN_COOKIE, &token, "/sign-in", 3600, "Strict"),
    );
    response
}

/// `GET /sign-in`: the form.
pub async fn sign_in_page(State(state): State<AppState>) -> Response {
    sign_in_form(&state, StatusCode::OK, "", None)
}

/// The fields of the sign-in form.
#[derive(Debug, serde::Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub csrf_token: String,
}

/// `POST /sign-in`: a redirect home with the session cookie, or the form again with why.
pub async fn sign_in(State(state): State<AppState>, request: Request) -> Response {
    let address = request
        .extensions()
        .get::<ClientAddress>()
        .map_or_else(|| "unknown".to_owned(), |a| a.0.to_string());
    let form_cookie = cookie(request.headers(), SIGN_IN_COOKIE).map(str::to_owned);
    let bytes = match to_bytes(request.into_body(), state.settings.max_body_bytes).await {
        Ok(b) => b,
        Err(_) => return ApiError::PayloadTooLarge.into_response(),
    };
    let form: SignInForm = match serde_urlencoded::from_bytes(&bytes) {
        Ok(f) => f,
        Err(_) => {
            return sign_in_form(
                &state,
                StatusCode::BAD_REQUEST,
                "",
                Some(Msg::new("sign-in-unreadable")),
            );
        }
    };
    let same = form_cookie
        .as_deref()
        .is_some_and(|c| accounts::same_secret(c, &form.csrf_token));
    if !same {
        return sign_in_form(
            &state,
            StatusCode::FORBIDDEN,
            &form.email,
            Some(Msg::new("sign-in-expired-form")),
        );
    }
    let outcome = accounts::sign_in(
        &state.store,
        &state.settings.accounts,
        &form.email,
        &form.password,
        &address,
        time::OffsetDateTime::now_utc(),
    )
    .await;
    match outcome {
        Ok(Ok(signed_in)) => signed_in_response(&state, &signed_in),
        Ok(Err(SignInError::Refused)) => sign_in_form(
            &state,
            StatusCode::UNAUTHORIZED,
            &form.email,
            Some(Msg::new("sign-in-refused")),
        ),
        Ok(Err(SignInError::Wait { retry_after })) => {
            let minutes = retry_after.div_ceil(60);
            let mut response = sign_in_form(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                &form.email,
                Some(Msg::new("sign-in-wait").int("minutes", minutes as i64)),
            );
            if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            response
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// A new session's answer, however the person signed in: home, with the session cookie (and
/// the sign-in form's cookie gone).
pub(super) fn signed_in_response(state: &AppState, signed_in: &SignedIn) -> Response {
    let mut response = Redirect::to("/").into_response();
    *response.status_mut() = StatusCode::SEE_OTHER;
    let headers = response.headers_mut();
    headers.append(
        header::SET_COOKIE,
        set_cookie(
            state,
            SESSION_COOKIE,
            &signed_in.secret,
            "/",
            state.settings.accounts.absolute.as_secs(),
            "Lax",
        ),
    );
    headers.append(
        header::SET_COOKIE,
        set_cookie(state, SIGN_IN_COOKIE, "", "/sign-in", 0, "Strict"),
    );
    response
}

/// `POST /sign-out`: ends the session (the CSRF guard has checked the form's token).
pub async fn sign_out(State(state): State<AppState>, request: Request) -> Response {
    if let Some(SessionAuth(session)) = request.extensions().get::<SessionAuth>()
        && let Err(e) = state.store.delete_session(session.session.id).await
    {
        return ApiError::from(e).into_response();
    }
    let mut response = Redirect::to("/sign-in").into_response();
    *response.status_mut() = StatusCode::SEE_OTHER;
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, "", "/", 0, "Lax"),
    );
    response
}

/// `GET /`: the signed-in user's home (the web interface fills it), or the sign-in form.
pub async fn home(request: Request) -> Response {
    let Some(SessionAuth(session)) = request.extensions().get::<SessionAuth>() else {
        let mut response = Redirect::to("/sign-in").into_response();
        *response.status_mut() = StatusCode::SEE_OTHER;
        return response;
    };
    let user = &session.user;
    let name = if user.display_name.is_empty() {
        &user.email
    } else {
        &user.display_name
    };
    let lang = locale::current();
    let signed_in = Msg::new("home-signed-in-as")
        .text("name", name.clone())
        .term("role", "role", &user.role)
        .render(lang);
    let body = format!(
        "<h1>placematch</h1><p>{}</p>\
         <form method=\"post\" action=\"/sign-out\">\
         <input type=\"hidden\" name=\"csrf_token\" value=\"{}\">\
         <button type=\"submit\">{}</button></form>",
        escape(&signed_in),
        escape(&session.session.csrf_token),
        escape(&lang.text("sign-out"))
    );
    axum::response::Html(page(&lang.text("home-title"), &body)).into_response()
}
