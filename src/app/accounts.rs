//! People who sign in: their accounts, passwords, sessions and the brute-force limits. Every
//! door (the CLI, the admin API, the sign-in form) goes through these, so the rules are written
//! once:
//!
//! - a password has at least [`MIN_PASSWORD_CHARS`] characters and is not a common one; it is
//!   kept as an Argon2id hash with the library's recommended parameters;
//! - a session is a random secret in an HttpOnly cookie, stored as its SHA-256, ended by signing
//!   out, by disabling the user or resetting their password, by being idle for
//!   [`AccountSettings::idle`] or older than [`AccountSettings::absolute`];
//! - after [`AccountSettings::failures_per_email`] failed sign-ins for one email (or
//!   [`AccountSettings::failures_per_address`] from one address) within
//!   [`AccountSettings::failure_window`], sign-in waits; the answer is the same whether the email
//!   exists or not;
//! - a person whom an organisation's OpenID provider vouches for ([`crate::app::oidc`]) signs in
//!   without a password when their email (in any case) is an enabled user's, into the same kind
//!   of session.

use crate::i18n::Msg;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use super::AppError;
use super::policy::{Principal, Role};
use crate::domain::{FieldError, Language};
use crate::store::{NewUser, SessionRow, Store, StoreError, UserRow};

/// Fewest characters of a password.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Passwords refused however long they are (lower case; compared in lower case).
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// The settings of sign-in and sessions.
#[derive(Debug, Clone)]
pub struct AccountSettings {
    /// A session unused for this long ends.
    pub idle: Duration,
    /// A session ends this long after sign-in, used or not.
    pub absolute: Duration,
    /// Whether the session cookie is marked `Secure` (sent over HTTPS only): off only for
    /// plain-HTTP local use.
    pub secure_cookies: bool,
    /// Failed sign-ins for one email within the window before sign-in waits.
    pub failures_per_email: i64,
    /// Failed sign-ins from one address within the window before sign-in waits.
    pub failures_per_address: i64,
    pub failure_window: Duration,
}

impl Default for AccountSettings {
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(30 * 60),
            absolute: Duration::from_secs(12 * 3600),
            secure_cookies: true,
            failures_per_email: 5,
            failures_per_address: 20,
            failure_window: Duration::from_secs(15 * 60),
        }
    }
}

/// Why a password is refused, as a person reads it.
pub fn check_password(password: &str, email: &str) -> Result<(), Msg> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(Msg::new("password-too-short").int("min", MIN_PASSWORD_CHARS as i64));
    }
    let lower = password.to_lowercase();
    if lower == email.trim().to_lowercase()
        || COMMON_PASSWORDS
            .lines()
            .map(str::trim)
            .any(|common| !common.is_empty() && common == lower)
    {
        return Err(Msg::new("password-too-common"));
    }
    Ok(())
}

/// The Argon2id hash of `password` (PHC string, a fresh random salt).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let salt = SaltString::encode_b64(&bytes)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("a password salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing a password: {e}")))
}

/// Whether `password` matches the stored `hash`.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash that matches nothing anyone types, verified when there is no user to check against,
/// so that an unknown email takes as long to refuse as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        hash_password(&hex::encode(bytes)).unwrap_or_default()
    })
}

/// SHA-256 of `text`, lowercase hex.
fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// 256 random bits, lowercase hex: session secrets and every form token.
pub fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A user to create, as the CLI, the admin API or a form gives it.
#[derive(Debug, Clone)]
pub struct UserInput {
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub office_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub language: Option<String>,
    pub password: Option<String>,
}

/// Checks `input` (one error per bad field) and creates the user.
pub async fn create_user(store: &Arc<dyn Store>, input: &UserInput) -> Result<UserRow, AppError> {
    let mut errors = Vec::new();
    let email = input.email.trim().to_owned();
    if email.chars().count() > 254 || !is_email(&email) {
        errors.push(FieldError::new("email", Msg::new("field-not-an-email")));
    }
    if input.display_name.chars().count() > 200 {
        errors.push(FieldError::new(
            "display_name",
            Msg::new("field-too-long").int("max", 200),
        ));
    }
    let role = match Role::parse(&input.role) {
        Some(r @ (Role::Admin | Role::Caseworker | Role::Host)) => Some(r),
        _ => {
            errors.push(FieldError::new(
                "role",
                Msg::new("field-not-one-of")
                    .text("value", input.role.clone())
                    .text("allowed", "admin, caseworker, host"),
            ));
            None
        }
    };
    match role {
        Some(Role::Caseworker) if input.office_id.is_none() => errors.push(FieldError::new(
            "office_id",
            Msg::new("user-caseworker-needs-office"),
        )),
        Some(Role::Host) if input.organisation_id.is_none() => errors.push(FieldError::new(
            "organisation_id",
            Msg::new("user-host-needs-organisation"),
        )),
        _ => {}
    }
    if role != Some(Role::Caseworker) && input.office_id.is_some() {
        errors.push(FieldError::new(
            "office_id",
            Msg::new("user-office-only-for-caseworker"),
        ));
    }
    if role != Some(Role::Host) && input.organisation_id.is_some() {
        errors.push(FieldError::new(
            "organisation_id",
            Msg::new("user-organisation-only-for-host"),
        ));
    }
    let language = match input.language.as_deref().map(str::parse::<Language>) {
        None => Language::Fr,
        Some(Ok(l)) => l,
        Some(Err(e)) => {
            errors.push(FieldError::new("language", e));
            Language::Fr
        }
    };
    if let Some(password) = &input.password
        && let Err(why) = check_password(password, &email)
    {
        errors.push(FieldError::new("password", why));
    }
    if let Some(office) = input.office_id
        && role == Some(Role::Caseworker)
        && store.get_office(office).await?.is_none()
    {
        errors.push(FieldError::new(
            "office_id",
            Msg::new("field-no-such-office"),
        ));
    }
    if let Some(org) = input.organisation_id
        && role == Some(Role::Host)
        && store.get_organisation(org).await?.is_none()
    {
        errors.push(FieldError::new(
            "organisation_id",
            Msg::new("field-no-such-organisation"),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let password_hash = match &input.password {
        Some(p) => Some(hash_password(p)?),
        None => None,
    };
    let new = NewUser {
        email,
        display_name: input.display_name.trim().to_owned(),
        role: role.map(Role::as_str).unwrap_or_default().to_owned(),
        office_id: input.office_id,
        organisation_id: input.organisation_id,
        language: language.as_str().to_owned(),
        password_hash,
    };
    match store.create_user(&new).await {
        Ok(row) => Ok(row),
        Err(StoreError::Conflict(_)) => Err(AppError::Invalid(vec![FieldError::new(
            "email",
            Msg::new("user-email-taken"),
        )])),
        Err(e) => Err(e.into()),
    }
}

/// Sets a user's password (checked first) and ends their sessions.
pub async fn reset_password(
    store: &Arc<dyn Store>,
    user: &UserRow,
    password: &str,
) -> Result<(), AppError> {
    check_password(password, &user.email)
        .map_err(|why| AppError::Invalid(vec![FieldError::new("password", why)]))?;
    let hash = hash_password(password)?;
    if !store.set_user_password(user.id, &hash).await? {
        return Err(AppError::NotFound("user"));
    }
    Ok(())
}

/// A rough check that `email` can be one: something, an `@`, a domain with a dot, no spaces
/// or control characters. The address is proven only by using it.
fn is_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A new session: the cookie's secret (shown to the browser once) and its CSRF token.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub secret: String,
    pub csrf_token: String,
    pub user: UserRow,
}

/// Why a sign-in was refused. The same for an unknown email, a wrong password and a disabled
/// user: the answer never tells which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInError {
    /// The email and password do not match an enabled user.
    Refused,
    /// Too many failures lately for this email or from this address: wait this many seconds.
    Wait { retry_after: u64 },
}

/// Checks `email` and `password` from `address` at `now`, and opens a session when they match.
pub async fn sign_in(
    store: &Arc<dyn Store>,
    settings: &AccountSettings,
    email: &str,
    password: &str,
    address: &str,
    now: OffsetDateTime,
) -> Result<Result<SignedIn, SignInError>, AppError> {
    let email_hash = sha256_hex(&email.trim().to_lowercase());
    let window = time::Duration::try_from(settings.failure_window)
        .map_err(|e| AppError::Internal(e.into()))?;
    let failures = store
        .sign_in_failures(&email_hash, address, now - window)
        .await?;
    let wait = |oldest: Option<OffsetDateTime>| {
        let until = oldest.unwrap_or(now) + window;
        (until - now).whole_seconds().max(1) as u64
    };
    if failures.for_email >= settings.failures_per_email {
        return Ok(Err(SignInError::Wait {
            retry_after: wait(failures.oldest_for_email),
        }));
    }
    if failures.from_address >= settings.failures_per_address {
        return Ok(Err(SignInError::Wait {
            retry_after: wait(failures.oldest_from_address),
        }));
    }
    let user = store.find_user_by_email(email.trim()).await?;
    let hash = user
        .as_ref()
        .and_then(|u| u.password_hash.as_deref())
        .unwrap_or_else(|| decoy_hash());
    let password = password.to_owned();
    let hash = hash.to_owned();
    // Argon2 takes tens of milliseconds of CPU: off the async runtime.
    let matches = tokio::task::spawn_blocking(move || verify_password(&hash, &password))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let user = match user {
        Some(u) if matches && u.disabled_at.is_none() && u.password_hash.is_some() => u,
        _ => {
            store
                .record_sign_in_failure(&email_hash, address, now)
                .await?;
            return Ok(Err(SignInError::Refused));
        }
    };
    Ok(Ok(open_session(store, user, now).await?))
}

/// Opens a session for `user` at `now` (and records it as their last sign-in): every way of
/// signing in ends here.
async fn open_session(
    store: &Arc<dyn Store>,
    user: UserRow,
    now: OffsetDateTime,
) -> Result<SignedIn, AppError> {
    let secret = random_hex();
    let csrf_token = random_hex();
    store
        .create_session(&SessionRow {
            id: crate::store::new_id(),
            secret_hash: sha256_hex(&secret),
            user_id: user.id,
            csrf_token: csrf_token.clone(),
            created_at: now,
            last_seen_at: now,
        })
        .await?;
    Ok(SignedIn {
        secret,
        csrf_token,
        user,
    })
}

/// Opens a session at `now` for the enabled user whose email (in any case) an OpenID provider
/// has vouched for ([`crate::app::oidc`]); `None` for an email of no user or of a disabled one,
/// told apart nowhere. No password is needed or checked, and the failure limits do not apply:
/// the provider authenticated the person.
pub async fn sign_in_with_verified_email(
    store: &Arc<dyn Store>,
    email: &str,
    now: OffsetDateTime,
) -> Result<Option<SignedIn>, AppError> {
    match store.find_user_by_email(email.trim()).await? {
        Some(user) if user.disabled_at.is_none() && Role::parse(&user.role).is_some() => {
            Ok(Some(open_session(store, user, now).await?))
        }
        _ => Ok(None),
    }
}

/// A live session found by its cookie's secret.
#[derive(Debug, Clone)]
pub struct Session {
    pub principal: Principal,
    pub session: SessionRow,
    pub user: UserRow,
}

/// The session of the cookie's `secret` at `now`, when it is live and its user enabled; an
/// expired one is deleted. Its use is recorded at most once a minute (idle expiry counts from
/// there).
pub async fn session(
    store: &Arc<dyn Store>,
    settings: &AccountSettings,
    secret: &str,
    now: OffsetDateTime,
) -> Result<Option<Session>, AppError> {
    let Some((session, user)) = store.find_session(&sha256_hex(secret)).await? else {
        return Ok(None);
    };
    let idle = time::Duration::try_from(settings.idle).map_err(|e| AppError::Internal(e.into()))?;
    let absolute =
        time::Duration::try_from(settings.absolute).map_err(|e| AppError::Internal(e.into()))?;
    let Some(role) = Role::parse(&user.role) else {
        return Ok(None);
    };
    if user.disabled_at.is_some()
        || now - session.created_at >= absolute
        || now - session.last_seen_at >= idle
    {
        store.delete_session(session.id).await?;
        return Ok(None);
    }
    if now - session.last_seen_at >= time::Duration::minutes(1) {
        store.touch_session(session.id, now).await?;
    }
    Ok(Some(Session {
        principal: Principal {
            token_id: session.id,
            user_id: Some(user.id),
            role,
            office_id: user.office_id,
            organisation_id: user.organisation_id,
        },
        session,
        user,
    }))
}

/// Whether `given` is the session's CSRF token, compared in constant time.
pub fn csrf_matches(session: &SessionRow, given: &str) -> bool {
    same_secret(&session.csrf_token, given)
}

/// Whether two secrets are equal, compared in constant time (no early exit on a difference).
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_common_passwords_are_refused_and_a_phrase_is_taken() {
        assert!(check_password("short", "a@b.lu").is_err());
        assert!(check_password("elevenchars", "a@b.lu").is_err());
        assert!(
            check_password("Password1234", "a@b.lu").is_err(),
            "common, any case"
        );
        assert!(
            check_password("anne@office.lu", "Anne@Office.lu").is_err(),
            "the email"
        );
        assert!(check_password("correct horse battery staple", "a@b.lu").is_ok());
    }

    #[test]
    fn a_hash_is_argon2id_salted_and_verifies_only_its_password() {
        let a = hash_password("correct horse battery staple").unwrap();
        let b = hash_password("correct horse battery staple").unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "a fresh salt each time");
        assert!(verify_password(&a, "correct horse battery staple"));
        assert!(!verify_password(&a, "correct horse battery stapl"));
        assert!(!verify_password("not a hash", "anything"));
    }

    #[test]
    fn emails_need_a_local_part_an_at_and_a_dotted_domain() {
        assert!(is_email("anne.weber@office.lu"));
        assert!(!is_email("anne.weber"));
        assert!(!is_email("@office.lu"));
        assert!(!is_email("anne@lu"));
        assert!(!is_email("anne weber@office.lu"));
    }
}
