//! Authentication and roles. A bearer token is a random secret shown once at creation; only its
//! SHA-256 is stored. Every endpoint but health, readiness and the API description extracts a
//! [`Principal`], so forgetting authentication on a new handler is a compile-time matter of
//! taking one argument.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use rand::RngCore;

use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use super::AppState;
use super::error::ApiError;
use crate::store::{NewToken, Store, StoreError, TokenRow};

pub use crate::app::policy::{Principal, Role};

/// SHA-256 of a token secret, lowercase hex: what the database keeps.
pub fn hash_token(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Prefix of every secret, so a leaked one is recognisable in a code scan.
pub const TOKEN_PREFIX: &str = "pm_";

/// A new random secret: 256 bits from the operating system's generator.
pub fn generate_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

/// Creates a token and returns its secret (to show once) with the stored row.
pub async fn issue_token(
    store: &Arc<dyn Store>,
    role: Role,
    office_id: Option<Uuid>,
    organisation_id: Option<Uuid>,
    expires_at: Option<OffsetDateTime>,
    label: &str,
) -> Result<(String, TokenRow), StoreError> {
    let secret = generate_secret();
    let row = store
        .create_token(&NewToken {
            token_hash: hash_token(&secret),
            role: role.as_str().to_owned(),
            office_id,
            organisation_id,
            label: label.to_owned(),
            expires_at,
        })
        .await?;
    Ok((secret, row))
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(header) = parts.headers.get(axum::http::header::AUTHORIZATION) else {
            // No token: a signed-in user's session, as the CSRF guard found it.
            return parts
                .extensions
                .get::<super::session::SessionAuth>()
                .map(|s| s.0.principal.clone())
                .ok_or(ApiError::Unauthorized);
        };
        let header = header.to_str().map_err(|_| ApiError::Unauthorized)?;
        let secret = header
            .strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or(ApiError::Unauthorized)?;
        let row = state
            .store
            .find_token_by_hash(&hash_token(secret))
            .await?
            .ok_or(ApiError::Unauthorized)?;
        let now = OffsetDateTime::now_utc();
        if row.revoked_at.is_some() || row.expires_at.is_some_and(|at| at <= now) {
            return Err(ApiError::Unauthorized);
        }
        let role = Role::parse(&row.role).ok_or(ApiError::Unauthorized)?;
        Ok(Principal {
            token_id: row.id,
            user_id: None,
            role,
            office_id: row.office_id,
            organisation_id: row.organisation_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_unique_prefixed_and_hash_to_64_hex_characters() {
        let a = generate_secret();
        let b = generate_secret();
        assert_ne!(a, b);
        assert!(a.starts_with(TOKEN_PREFIX));
        assert_eq!(a.len(), TOKEN_PREFIX.len() + 64);
        let h = hash_token(&a);
        assert_eq!(h.len(), 64);
        assert_ne!(h, hash_token(&b));
        assert!(!h.contains(&a[3..]), "the hash does not contain the secret");
    }
}
