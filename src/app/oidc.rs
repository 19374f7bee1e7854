//! Sign-in through an organisation's own OpenID Connect provider (authorization-code flow with
//! PKCE), as a client of the `openidconnect` crate. This module talks to the provider and hands
//! back a verified email; [`crate::app::accounts`] turns it into a session, and
//! [`crate::api::oidc`] is the door. The rules:
//!
//! - the provider is found by discovery (`/.well-known/openid-configuration`) on first use
//!   (`serve` also asks at start-up, so that a failure shows in the log early), kept
//!   for [`DISCOVERY_MAX_AGE`] and looked up again after that or after an ID token failed to
//!   verify (its keys may have rotated). An unreachable provider is an error of this sign-in
//!   only: the service starts, and password sign-in works;
//! - each sign-in gets a fresh `state`, `nonce` and PKCE S256 verifier. They travel in a cookie
//!   of the browser that started it ([`PendingSignIn`]), tagged with an HMAC-SHA256 whose key is
//!   derived from the client secret (so every replica accepts it and nobody else can make one),
//!   and valid for [`FLOW_MAX_AGE`];
//! - the callback's `state` must be the cookie's (and its `iss`, when the provider sends one,
//!   the issuer: RFC 9207); the code is exchanged with the verifier over a back channel that
//!   never follows redirects; the ID token's signature (the provider's JWKS), issuer, audience,
//!   expiry and nonce are checked by `openidconnect`;
//! - the email comes from the ID token or, when the provider keeps it for the UserInfo endpoint
//!   (the usual case for the code flow), from there, for the same subject. It must be present,
//!   and when the provider says whether it verified it, verified.
//!
//! Nothing here logs an email, a code, a token or the cookie.

use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope, TokenResponse, reqwest,
};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use tokio::sync::Mutex;

use super::accounts;
use crate::i18n::Language;

/// How long a discovered provider (its endpoints and signing keys) is used before it is looked up
/// again: keys a provider rotates in are picked up within this, or at the first token they sign.
pub const DISCOVERY_MAX_AGE: Duration = Duration::from_secs(3600);

/// How long a person has to sign in at the provider once they left for it: long enough to type
/// a password and answer a second factor, short enough that a forgotten tab's state goes stale.
pub const FLOW_MAX_AGE: Duration = Duration::from_secs(600);

/// Longest wait for one answer of the provider (discovery, token, UserInfo).
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// The settings of sign-in through an OpenID provider.
#[derive(Clone)]
pub struct OidcSettings {
    /// The provider's issuer identifier, exactly as its discovery document states it.
    pub issuer: IssuerUrl,
    pub client_id: ClientId,
    pub client_secret: ClientSecret,
    /// This service's callback, as registered at the provider (`…/sign-in/oidc/callback`).
    pub redirect_url: RedirectUrl,
    /// The provider as people know it, on the sign-in button ("Sign in with …").
    pub display_name: Option<String>,
}

impl std::fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer.as_str())
            .field("client_id", &self.client_id.as_str())
            .field("client_secret", &"…")
            .field("redirect_url", &self.redirect_url.as_str())
            .field("display_name", &self.display_name)
            .finish()
    }
}

/// Why a sign-in through the provider did not give a usable email. The `reason` of each is
/// logged; none carries what the provider said about the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OidcError {
    /// Discovery failed: the provider is unreachable or its document is not valid.
    #[error("the OpenID provider cannot be reached")]
    Unavailable,
    /// The provider answered the sign-in with an error (`access_denied` when the person
    /// cancelled or was refused there).
    #[error("the OpenID provider refused the sign-in")]
    Denied,
    /// No cookie, a cookie that is not ours, too old, or another `state` (or `iss`): not a
    /// sign-in this browser started here within [`FLOW_MAX_AGE`].
    #[error("the sign-in did not start here or has expired")]
    BadState,
    /// The code could not be exchanged for tokens, or the answer has no valid ID token.
    #[error("the OpenID provider's tokens could not be verified")]
    InvalidToken,
    /// The provider gave no email address.
    #[error("the OpenID provider gave no email")]
    NoEmail,
    /// The provider says it has not verified the email address.
    #[error("the OpenID provider has not verified the email")]
    UnverifiedEmail,
}

impl OidcError {
    /// A short stable name, for the logs.
    pub fn reason(self) -> &'static str {
        match self {
            OidcError::Unavailable => "provider_unavailable",
            OidcError::Denied => "provider_denied",
            OidcError::BadState => "bad_state",
            OidcError::InvalidToken => "invalid_token",
            OidcError::NoEmail => "no_email",
            OidcError::UnverifiedEmail => "unverified_email",
        }
    }
}

/// The client as discovery configures it: authorization and token endpoints set, UserInfo when
/// the provider has one.
type DiscoveredClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

struct Discovered {
    client: DiscoveredClient,
    at: Instant,
}

/// What the callback gets back from the provider, in the query string.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    /// RFC 9207: the issuer that answered, when the provider says it.
    pub iss: Option<String>,
    pub error: Option<String>,
}

/// One sign-in under way: what the browser's cookie carries between the redirect to the provider
/// and the callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSignIn {
    /// When it started, in Unix seconds.
    pub started: i64,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// The start of a sign-in: where to send the browser, and the cookie to give it.
#[derive(Debug)]
pub struct Started {
    pub authorize_url: String,
    pub cookie: String,
}

/// Sign-in through one OpenID provider: its settings and what discovery found.
pub struct OidcSignIn {
    settings: OidcSettings,
    /// Key of the cookie's tag.
    key: [u8; 32],
    http: Mutex<Option<reqwest::Client>>,
    discovered: Mutex<Option<Discovered>>,
}

impl std::fmt::Debug for OidcSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcSignIn")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl OidcSignIn {
    pub fn new(settings: OidcSettings) -> Self {
        let key = Sha256::new()
            .chain_update(b"placematch oidc sign-in cookie\0")
            .chain_update(settings.client_secret.secret().as_bytes())
            .finalize()
            .into();
        Self {
            settings,
            key,
            http: Mutex::new(None),
            discovered: Mutex::new(None),
        }
    }

    /// The provider's name on the sign-in page, in `lang` when none is configured.
    pub fn display_name(&self, lang: Language) -> String {
        match &self.settings.display_name {
            Some(name) => name.clone(),
            None => lang.text("oidc-default-provider"),
        }
    }

    /// The HTTP client of every call to the provider: no redirects followed (a token endpoint
    /// that redirects must not send our code and secret elsewhere), a time limit.
    async fn http(&self) -> Result<reqwest::Client, OidcError> {
        let mut http = self.http.lock().await;
        if let Some(client) = http.as_ref() {
            return Ok(client.clone());
        }
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .build()
            .map_err(|e| {
                tracing::error!(error = %e, "building the HTTP client of OpenID sign-in failed");
                OidcError::Unavailable
            })?;
        *http = Some(client.clone());
        Ok(client)
    }

    /// The client of the discovered provider, discovering it when it is not known or too old.
    pub async fn client(&self) -> Result<DiscoveredClient, OidcError> {
        let mut discovered = self.discovered.lock().await;
        if let Some(d) = discovered.as_ref()
            && d.at.elapsed() < DISCOVERY_MAX_AGE
        {
            return Ok(d.client.clone());
        }
        let http = self.http().await?;
        let metadata = CoreProviderMetadata::discover_async(self.settings.issuer.clone(), &http)
            .await
            .map_err(|e| {
                tracing::warn!(
                    issuer = self.settings.issuer.as_str(),
                    error = %causes(&e),
                    "OpenID provider discovery failed"
                );
                OidcError::Unavailable
            })?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            self.settings.client_id.clone(),
            Some(self.settings.client_secret.clone()),
        )
        .set_redirect_uri(self.settings.redirect_url.clone());
        *discovered = Some(Discovered {
            client: client.clone(),
            at: Instant::now(),
        });
        Ok(client)
    }

    /// Forgets the discovered provider: the next sign-in discovers it again.
    async fn forget(&self) {
        *self.discovered.lock().await = None;
    }

    /// Starts a sign-in at `now`: the provider's authorization URL (scope `openid email`, PKCE
    /// S256) and the cookie that carries the pending sign-in.
    pub async fn start(&self, now: OffsetDateTime) -> Result<Started, OidcError> {
        let client = self.client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let state = accounts::random_hex();
        let nonce = accounts::random_hex();
        let (url, _, _) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                {
                    let state = state.clone();
                    move || CsrfToken::new(state)
                },
                {
                    let nonce = nonce.clone();
                    move || Nonce::new(nonce)
                },
            )
            .add_scope(Scope::new("email".to_owned()))
            .set_pkce_challenge(challenge)
            .url();
        let pending = PendingSignIn {
            started: now.unix_timestamp(),
            state,
            nonce,
            pkce_verifier: verifier.into_secret(),
        };
        Ok(Started {
            authorize_url: url.to_string(),
            cookie: self.seal(&pending),
        })
    }

    /// The cookie's value for `pending`: its fields and their tag, joined by dots (no field has
    /// one: hex and base64url only).
    pub fn seal(&self, pending: &PendingSignIn) -> String {
        let body = format!(
            "v1.{}.{}.{}.{}",
            pending.started, pending.state, pending.nonce, pending.pkce_verifier
        );
        let tag = hex::encode(self.mac(&body).finalize().into_bytes());
        format!("{body}.{tag}")
    }

    /// The pending sign-in of a cookie's `value`, when it is ours, untouched and younger than
    /// [`FLOW_MAX_AGE`] at `now`.
    pub fn open(&self, value: &str, now: OffsetDateTime) -> Option<PendingSignIn> {
        let (body, tag) = value.rsplit_once('.')?;
        self.mac(body).verify_slice(&hex::decode(tag).ok()?).ok()?;
        let mut fields = body.split('.');
        if fields.next()? != "v1" {
            return None;
        }
        let started: i64 = fields.next()?.parse().ok()?;
        let pending = PendingSignIn {
            started,
            state: fields.next()?.to_owned(),
            nonce: fields.next()?.to_owned(),
            pkce_verifier: fields.next()?.to_owned(),
        };
        let age = now.unix_timestamp() - started;
        (fields.next().is_none() && (0..=FLOW_MAX_AGE.as_secs() as i64).contains(&age))
            .then_some(pending)
    }

    fn mac(&self, body: &str) -> Hmac<Sha256> {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(body.as_bytes());
        mac
    }

    /// Finishes a sign-in: checks the `callback` against the browser's `cookie` at `now`,
    /// exchanges the code, verifies the ID token and returns the person's email.
    pub async fn finish(
        &self,
        cookie: Option<&str>,
        callback: &Callback,
        now: OffsetDateTime,
    ) -> Result<String, OidcError> {
        if callback.error.is_some() {
            return Err(OidcError::Denied);
        }
        let pending = cookie
            .and_then(|c| self.open(c, now))
            .ok_or(OidcError::BadState)?;
        let state_matches = callback
            .state
            .as_deref()
            .is_some_and(|s| accounts::same_secret(s, &pending.state));
        let issuer_matches = callback
            .iss
            .as_deref()
            .is_none_or(|iss| iss == self.settings.issuer.as_str());
        if !state_matches || !issuer_matches {
            return Err(OidcError::BadState);
        }
        let code = callback.code.clone().ok_or(OidcError::BadState)?;
        let client = self.client().await?;
        let http = self.http().await?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| {
                tracing::warn!(error = %e, "the OpenID provider has no token endpoint");
                OidcError::Unavailable
            })?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier))
            .request_async(&http)
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, "exchanging the OpenID code failed");
                OidcError::InvalidToken
            })?;
        let Some(id_token) = tokens.id_token() else {
            tracing::warn!("the OpenID provider's token answer has no ID token");
            return Err(OidcError::InvalidToken);
        };
        let verifier = client.id_token_verifier();
        let claims = match id_token.claims(&verifier, &Nonce::new(pending.nonce)) {
            Ok(claims) => claims.clone(),
            Err(e) => {
                tracing::warn!(error = %e, "the OpenID ID token did not verify");
                // Perhaps the provider rotated its keys: discover them again next time.
                self.forget().await;
                return Err(OidcError::InvalidToken);
            }
        };
        let (email, verified) = match claims.email() {
            Some(email) => (email.to_string(), claims.email_verified()),
            None => {
                let request = client
                    .user_info(
                        tokens.access_token().clone(),
                        Some(claims.subject().clone()),
                    )
                    .map_err(|_| OidcError::NoEmail)?;
                let info: CoreUserInfoClaims = request.request_async(&http).await.map_err(|e| {
                    tracing::warn!(error = %e, "the OpenID UserInfo request failed");
                    OidcError::InvalidToken
                })?;
                let email = info.email().ok_or(OidcError::NoEmail)?.to_string();
                (email, info.email_verified())
            }
        };
        if verified == Some(false) {
            return Err(OidcError::UnverifiedEmail);
        }
        Ok(email)
    }
}

/// An error and its causes, `: `-separated ("Request failed: … Connection refused"). Only for
/// discovery, whose answers hold nothing about a person: a token or UserInfo error's causes can
/// quote the answer, so those log the error alone.
fn causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign_in(secret: &str) -> OidcSignIn {
        OidcSignIn::new(OidcSettings {
            issuer: IssuerUrl::new("https://id.example.org".to_owned()).unwrap(),
            client_id: ClientId::new("placematch".to_owned()),
            client_secret: ClientSecret::new(secret.to_owned()),
            redirect_url: RedirectUrl::new(
                "https://placematch.example.org/sign-in/oidc/callback".to_owned(),
            )
            .unwrap(),
            display_name: Some("Example".to_owned()),
        })
    }

    fn pending(started: i64) -> PendingSignIn {
        PendingSignIn {
            started,
            state: accounts::random_hex(),
            nonce: accounts::random_hex(),
            pkce_verifier: PkceCodeChallenge::new_random_sha256().1.into_secret(),
        }
    }

    #[test]
    fn a_sealed_sign_in_opens_only_untouched_with_the_same_secret_and_in_time() {
        let now = OffsetDateTime::now_utc();
        let ours = sign_in("s3cret");
        let p = pending(now.unix_timestamp());
        let sealed = ours.seal(&p);
        assert_eq!(ours.open(&sealed, now), Some(p.clone()));
        assert_eq!(sign_in("other").open(&sealed, now), None, "another key");
        let tampered = sealed.replacen(&p.state, &accounts::random_hex(), 1);
        assert_eq!(ours.open(&tampered, now), None, "another state");
        let later = now + time::Duration::seconds(FLOW_MAX_AGE.as_secs() as i64 + 1);
        assert_eq!(ours.open(&sealed, later), None, "too old");
        assert_eq!(ours.open("", now), None);
        assert_eq!(ours.open("v1.1.2.3.4.zz", now), None);
    }
}
