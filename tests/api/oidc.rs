//! Sign-in through an organisation's OpenID provider, against a real one: panva's certified
//! `oidc-provider` under Node (`tests/oidc-provider/server.mjs`, installed with `npm ci` on
//! first use), its own login and consent pages, PKCE required. placematch listens on a real
//! socket, since the provider sends the browser back to it; the browser is a reqwest client with
//! a cookie jar per site that follows every redirect by hand. On SQLite and PostgreSQL where
//! sessions are written.
//!
//! Node and npm are needed: without them these tests fail, they are not skipped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Mutex;
use std::time::Duration;

use placematch::api::ApiSettings;
use placematch::app::oidc::OidcSettings;
use reqwest::Url;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::harness::{TestApp, expect, id_of};

const CLIENT_ID: &str = "placematch-test";
const CLIENT_SECRET: &str = "a client secret of the test provider";
const PROVIDER_NAME: &str = "Test ID";

/// The provider's folder.
fn provider_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc-provider")
}

/// Installs the provider's pinned packages (`npm ci`) unless they are there; once per run.
fn install_provider() {
    static INSTALLED: Mutex<bool> = Mutex::new(false);
    let mut installed = INSTALLED.lock().unwrap_or_else(|e| e.into_inner());
    let dir = provider_dir();
    if *installed || dir.join("node_modules/oidc-provider/package.json").exists() {
        *installed = true;
        return;
    }
    let out = std::process::Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run npm ({e}): these tests need Node.js 20 or later and npm \
                 (Debian: apt-get install -y nodejs npm)"
            )
        });
    assert!(
        out.status.success(),
        "npm ci in {} failed: {}{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    *installed = true;
}

/// Where the provider gives the email claims.
#[derive(Clone, Copy, PartialEq, Eq)]
enum EmailIn {
    /// The ID token.
    IdToken,
    /// The UserInfo endpoint only (oidc-provider's default for the code flow, and ProConnect's).
    UserInfo,
}

/// A running provider; stopped when dropped (and it stops by itself when its stdin closes).
struct Provider {
    issuer: String,
    _child: Child,
    /// Its standard output, kept open: a closed pipe would end it at its next line.
    _stdout: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
    _log: tempfile::TempDir,
}

impl Provider {
    /// Starts one with our client, sending the browser back to `redirect_uri`, and `accounts`:
    /// login → claims (`email`, `email_verified`).
    async fn start(redirect_uri: &str, accounts: Value, email_in: EmailIn) -> Provider {
        install_provider();
        let log = tempfile::tempdir().unwrap();
        let stderr = std::fs::File::create(log.path().join("stderr")).unwrap();
        let settings = json!({
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [redirect_uri],
            "accounts": accounts,
            "email_in_id_token": email_in == EmailIn::IdToken,
        });
        let mut child = Command::new("node")
            .arg("server.mjs")
            .arg(settings.to_string())
            .current_dir(provider_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot run node ({e}): these tests need Node.js 20 or later")
            });
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .ok()
            .and_then(Result::ok)
            .flatten()
            .unwrap_or_default();
        let Some(issuer) = line.strip_prefix("listening ").map(str::to_owned) else {
            panic!(
                "the provider did not start ({line:?}): {}",
                std::fs::read_to_string(log.path().join("stderr")).unwrap_or_default()
            );
        };
        Provider {
            issuer,
            _child: child,
            _stdout: lines,
            _log: log,
        }
    }
}

/// placematch on a real socket (and its provider, when it has one).
struct Site {
    base: String,
    app: TestApp,
    stop: tokio::sync::oneshot::Sender<()>,
    served: tokio::task::JoinHandle<anyhow::Result<()>>,
    provider: Option<Provider>,
}

impl Site {
    /// On SQLite or PostgreSQL, with a provider that knows `accounts`.
    async fn with_provider(postgres: bool, accounts: Value, email_in: EmailIn) -> Site {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let callback = format!("{base}/sign-in/oidc/callback");
        let provider = Provider::start(&callback, accounts, email_in).await;
        let settings = oidc_settings(&provider.issuer, &callback);
        Self::serve(postgres, listener, base, Some(settings), Some(provider)).await
    }

    /// On SQLite, with OpenID sign-in set up for `issuer` (whether or not anything is there).
    async fn with_issuer(issuer: &str) -> Site {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let settings = oidc_settings(issuer, &format!("{base}/sign-in/oidc/callback"));
        Self::serve(false, listener, base, Some(settings), None).await
    }

    async fn serve(
        postgres: bool,
        listener: tokio::net::TcpListener,
        base: String,
        oidc: Option<OidcSettings>,
        provider: Option<Provider>,
    ) -> Site {
        let app = TestApp::on(
            postgres,
            ApiSettings {
                oidc,
                ..Default::default()
            },
        )
        .await;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = tokio::spawn(placematch::server::serve(
            listener,
            app.state.clone(),
            Default::default(),
            async {
                let _ = stopped.await;
            },
        ));
        Site {
            base,
            app,
            stop,
            served,
            provider,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn finish(self) {
        let _ = self.stop.send(());
        self.served.await.unwrap().unwrap();
        self.app.finish().await;
    }
}

fn oidc_settings(issuer: &str, callback: &str) -> OidcSettings {
    OidcSettings {
        issuer: openidconnect::IssuerUrl::new(issuer.to_owned()).unwrap(),
        client_id: openidconnect::ClientId::new(CLIENT_ID.to_owned()),
        client_secret: openidconnect::ClientSecret::new(CLIENT_SECRET.to_owned()),
        redirect_url: openidconnect::RedirectUrl::new(callback.to_owned()).unwrap(),
        display_name: Some(PROVIDER_NAME.to_owned()),
    }
}

/// An answer, its redirect resolved against the URL asked for.
struct Page {
    url: Url,
    status: u16,
    location: Option<Url>,
    set_cookies: Vec<String>,
    text: String,
}

impl Page {
    /// The `Set-Cookie` value of cookie `name`, if the answer set it.
    fn set_cookie(&self, name: &str) -> Option<&str> {
        self.set_cookies
            .iter()
            .map(String::as_str)
            .find(|c| c.starts_with(&format!("{name}=")))
    }
}

/// A browser: cookies kept per site (host and port; `Secure` ones sent over plain HTTP too,
/// this being a test), redirects followed by the test.
struct Browser {
    http: reqwest::Client,
    jars: HashMap<String, HashMap<String, String>>,
}

/// How the person answers the provider's login page.
#[derive(Clone, Copy)]
enum AtProvider<'a> {
    /// Signs in as this account.
    SignIn(&'a str),
    /// Cancels.
    Cancel,
}

impl Browser {
    fn new() -> Self {
        Self {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                // The pages are read in English (the assertions' language); nobody is signed
                // in while they are shown, so the browser's language decides.
                .default_headers(
                    [(
                        reqwest::header::ACCEPT_LANGUAGE,
                        reqwest::header::HeaderValue::from_static("en"),
                    )]
                    .into_iter()
                    .collect(),
                )
                .build()
                .unwrap(),
            jars: HashMap::new(),
        }
    }

    fn site(url: &Url) -> String {
        format!(
            "{}:{}",
            url.host_str().unwrap_or_default(),
            url.port_or_known_default().unwrap_or(0)
        )
    }

    fn has_cookie(&self, url: &str, name: &str) -> bool {
        let url = Url::parse(url).unwrap();
        self.jars
            .get(&Self::site(&url))
            .is_some_and(|jar| jar.contains_key(name))
    }

    async fn send(&mut self, request: reqwest::RequestBuilder, url: Url) -> Page {
        let jar = self.jars.entry(Self::site(&url)).or_default();
        let request = if jar.is_empty() {
            request
        } else {
            let cookies: Vec<String> = jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
            request.header("cookie", cookies.join("; "))
        };
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|l| url.join(l.to_str().unwrap()).unwrap());
        let set_cookies: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        for set in &set_cookies {
            let (pair, _) = set.split_once(';').unwrap_or((set, ""));
            let (name, value) = pair.split_once('=').unwrap();
            let expired = set.to_ascii_lowercase().contains("max-age=0")
                || set
                    .to_ascii_lowercase()
                    .contains("expires=thu, 01 jan 1970");
            if value.is_empty() || expired {
                jar.remove(name);
            } else {
                jar.insert(name.to_owned(), value.to_owned());
            }
        }
        let text = response.text().await.unwrap();
        Page {
            url,
            status,
            location,
            set_cookies,
            text,
        }
    }

    async fn get(&mut self, url: &str) -> Page {
        let url = Url::parse(url).unwrap();
        let request = self.http.get(url.clone());
        self.send(request, url).await
    }

    async fn post_form(&mut self, url: &str, fields: &[(&str, &str)]) -> Page {
        let url = Url::parse(url).unwrap();
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let request = self
            .http
            .post(url.clone())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(request, url).await
    }

    /// From placematch's `/sign-in/oidc` through the provider's pages, answered as `answer`,
    /// to the URL the provider sends the browser back to (not followed).
    async fn through_provider(&mut self, site: &Site, answer: AtProvider<'_>) -> Url {
        let start = self.get(&site.url("/sign-in/oidc")).await;
        assert_eq!(start.status, 303, "{}", start.text);
        let mut next = start.location.expect("a redirect to the provider");
        for _ in 0..20 {
            if next.as_str().starts_with(&site.base) {
                return next;
            }
            let page = self.get(next.as_str()).await;
            next = match (page.status, page.location.clone()) {
                (300..=399, Some(location)) => location,
                (200, _) => self.answer(&page, answer).await,
                _ => panic!("{} answered {}: {}", page.url, page.status, page.text),
            };
        }
        panic!("the provider never sent the browser back");
    }

    /// Fills in and submits the provider's login or consent page; where it redirects.
    async fn answer(&mut self, page: &Page, answer: AtProvider<'_>) -> Url {
        let prompt = attribute_after(&page.text, "name=\"prompt\"", "value")
            .unwrap_or_else(|| panic!("not a login or consent page: {}", page.text));
        let action = attribute_after(&page.text, "<form", "action").expect("a form");
        let action = page.url.join(&action).unwrap();
        let submitted = match (prompt.as_str(), answer) {
            ("login", AtProvider::Cancel) => {
                self.get(&format!(
                    "{}/abort",
                    page.url.as_str().trim_end_matches('/')
                ))
                .await
            }
            ("login", AtProvider::SignIn(login)) => {
                self.post_form(
                    action.as_str(),
                    &[
                        ("prompt", "login"),
                        ("login", login),
                        ("password", "any password"),
                    ],
                )
                .await
            }
            ("consent", _) => {
                self.post_form(action.as_str(), &[("prompt", "consent")])
                    .await
            }
            (other, _) => panic!("an unexpected prompt {other:?}"),
        };
        assert!(
            (300..=399).contains(&submitted.status),
            "{} answered {}: {}",
            submitted.url,
            submitted.status,
            submitted.text
        );
        submitted.location.expect("a redirect")
    }
}

/// The value of attribute `name` in the first tag at or after `marker` in `html`.
fn attribute_after(html: &str, marker: &str, name: &str) -> Option<String> {
    let from = html.find(marker)?;
    let tag_end = from + html[from..].find('>')?;
    let tag_start = html[..from].rfind('<').unwrap_or(from);
    let tag = &html[tag_start..tag_end];
    let at = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let end = at + tag[at..].find('"')?;
    Some(tag[at..end].replace("&amp;", "&"))
}

/// An office and, in it, caseworkers: Anne, Bruno (to be disabled) and Carla, created without
/// a password (none is needed here, and none is hashed: the tests stay quick); the admin
/// token, Anne's and Bruno's ids.
async fn people(app: &TestApp) -> (String, String, String) {
    let admin = app.admin().await;
    let office = app
        .create_office(&admin, "Office social d'Esch", "LU", "revis")
        .await;
    let mut ids = Vec::new();
    for (email, name) in [
        ("anne.weber@esch.lu", "Anne Weber"),
        ("bruno.schmit@esch.lu", "Bruno Schmit"),
        ("carla.muller@esch.lu", "Carla Muller"),
    ] {
        let user = placematch::app::accounts::create_user(
            app.store(),
            &placematch::app::accounts::UserInput {
                email: email.to_owned(),
                display_name: name.to_owned(),
                role: "caseworker".to_owned(),
                office_id: Some(id_of(&office).parse().unwrap()),
                organisation_id: None,
                language: None,
                password: None,
            },
        )
        .await
        .unwrap();
        ids.push(user.id.to_string());
    }
    (admin, ids[0].clone(), ids[1].clone())
}

/// The provider's accounts: their login and what it says of them.
fn accounts() -> Value {
    json!({
        // The provider spells the email its own way: placematch compares it in any case.
        "anne": {"email": "Anne.Weber@Esch.LU", "email_verified": true},
        "bruno": {"email": "bruno.schmit@esch.lu", "email_verified": true},
        "carla": {"email": "carla.muller@esch.lu", "email_verified": false},
        "dora": {"email": "dora.klein@esch.lu", "email_verified": true},
    })
}

async fn a_person_signs_in_through_the_provider_and_gets_a_session(postgres: bool) {
    let site = Site::with_provider(postgres, accounts(), EmailIn::UserInfo).await;
    let (admin, anne, _) = people(&site.app).await;
    let mut browser = Browser::new();
    let form = browser.get(&site.url("/sign-in")).await;
    assert!(
        form.text
            .contains("<a href=\"/sign-in/oidc\">Sign in with Test ID</a>"),
        "{}",
        form.text
    );
    // The authorization request: code flow, openid and email, PKCE S256, state and nonce.
    let start = browser.get(&site.url("/sign-in/oidc")).await;
    assert_eq!(start.status, 303);
    let to = start.location.clone().unwrap();
    assert!(
        to.as_str()
            .starts_with(&site.provider.as_ref().unwrap().issuer)
    );
    let query: HashMap<String, String> = to.query_pairs().into_owned().collect();
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["scope"], "openid email");
    assert_eq!(query["client_id"], CLIENT_ID);
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["redirect_uri"], site.url("/sign-in/oidc/callback"));
    assert!(query["state"].len() >= 32 && query["nonce"].len() >= 32);
    let pending = start
        .set_cookie("placematch_oidc")
        .expect("a pending cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/sign-in/oidc"] {
        assert!(pending.contains(attribute), "{pending}");
    }
    // Through the provider's login and consent pages, and back.
    let callback = browser
        .through_provider(&site, AtProvider::SignIn("anne"))
        .await;
    let signed = browser.get(callback.as_str()).await;
    assert_eq!(signed.status, 303, "{}", signed.text);
    assert_eq!(signed.location.as_ref().unwrap().as_str(), site.url("/"));
    let session = signed.set_cookie("placematch_session").expect("a session");
    for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(session.contains(attribute), "{session}");
    }
    assert!(
        !browser.has_cookie(&site.base, "placematch_oidc"),
        "the pending sign-in is over"
    );
    let home = browser.get(&site.url("/")).await;
    // Signed in, she reads her own language (French by default), not the browser's.
    assert!(
        home.text.contains("Connecté(e) en tant que Anne Weber"),
        "{}",
        home.text
    );
    let me: Value = serde_json::from_str(&browser.get(&site.url("/v1/session")).await.text)
        .expect("the session as JSON");
    assert_eq!(me["user"]["id"], anne.as_str());
    assert_eq!(me["user"]["email"], "anne.weber@esch.lu");
    let users = expect(site.app.get("/v1/users", &admin).await, 200);
    let anne_row = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == anne.as_str())
        .unwrap();
    assert!(
        anne_row["last_sign_in_at"].is_string(),
        "the sign-in is recorded: {anne_row}"
    );
    // The callback cannot be used twice: its pending sign-in is gone.
    let mut replay = Browser::new();
    assert_eq!(replay.get(callback.as_str()).await.status, 400);
    site.finish().await;
}

#[tokio::test]
async fn a_person_signs_in_through_the_provider_and_gets_a_session_on_sqlite() {
    a_person_signs_in_through_the_provider_and_gets_a_session(false).await;
}

#[tokio::test]
async fn a_person_signs_in_through_the_provider_and_gets_a_session_on_postgres() {
    a_person_signs_in_through_the_provider_and_gets_a_session(true).await;
}

async fn the_provider_vouching_is_not_enough_for_an_unknown_disabled_or_unverified_email(
    postgres: bool,
) {
    let site = Site::with_provider(postgres, accounts(), EmailIn::IdToken).await;
    let (admin, _, bruno) = people(&site.app).await;
    expect(
        site.app
            .post(&format!("/v1/users/{bruno}/disable"), &admin, json!({}))
            .await,
        200,
    );
    for (login, message) in [
        ("dora", "is not linked to an enabled placematch user"),
        ("bruno", "is not linked to an enabled placematch user"),
        ("carla", "has not verified your email address"),
    ] {
        let mut browser = Browser::new();
        let callback = browser
            .through_provider(&site, AtProvider::SignIn(login))
            .await;
        let refused = browser.get(callback.as_str()).await;
        assert_eq!(refused.status, 403, "{login}: {}", refused.text);
        assert!(refused.text.contains(message), "{login}: {}", refused.text);
        assert!(
            refused.text.contains("action=\"/sign-in\""),
            "the sign-in page again"
        );
        assert!(
            refused.set_cookie("placematch_session").is_none(),
            "{login}"
        );
        assert_eq!(
            browser.get(&site.url("/v1/session")).await.status,
            401,
            "{login}"
        );
    }
    let users = site.app.store().list_users().await.unwrap();
    assert!(
        users.iter().all(|u| u.last_sign_in_at.is_none()),
        "nobody signed in"
    );
    site.finish().await;
}

#[tokio::test]
async fn the_provider_vouching_is_not_enough_for_an_unknown_disabled_or_unverified_email_on_sqlite()
{
    the_provider_vouching_is_not_enough_for_an_unknown_disabled_or_unverified_email(false).await;
}

#[tokio::test]
async fn the_provider_vouching_is_not_enough_for_an_unknown_disabled_or_unverified_email_on_postgres()
 {
    the_provider_vouching_is_not_enough_for_an_unknown_disabled_or_unverified_email(true).await;
}

#[tokio::test]
async fn a_tampered_state_or_a_sign_in_cancelled_at_the_provider_opens_no_session() {
    let site = Site::with_provider(false, accounts(), EmailIn::IdToken).await;
    people(&site.app).await;
    // Another state than the one this browser started with.
    let mut browser = Browser::new();
    let callback = browser
        .through_provider(&site, AtProvider::SignIn("anne"))
        .await;
    let mut tampered = callback.clone();
    let pairs: Vec<(String, String)> = callback
        .query_pairs()
        .into_owned()
        .map(|(k, v)| {
            let v = if k == "state" { "0".repeat(64) } else { v };
            (k, v)
        })
        .collect();
    tampered.query_pairs_mut().clear().extend_pairs(pairs);
    let refused = browser.get(tampered.as_str()).await;
    assert_eq!(refused.status, 400, "{}", refused.text);
    assert!(
        refused.text.contains("did not start here"),
        "{}",
        refused.text
    );
    assert!(refused.set_cookie("placematch_session").is_none());
    // A callback with no pending sign-in at all (another browser's, say).
    let mut stranger = Browser::new();
    let refused = stranger.get(callback.as_str()).await;
    assert_eq!(refused.status, 400);
    assert!(refused.set_cookie("placematch_session").is_none());
    // Cancelled at the provider's login page: it answers `error=access_denied`.
    let mut cancelling = Browser::new();
    let callback = cancelling.through_provider(&site, AtProvider::Cancel).await;
    assert!(
        callback
            .query_pairs()
            .any(|(k, v)| k == "error" && v == "access_denied"),
        "{callback}"
    );
    let refused = cancelling.get(callback.as_str()).await;
    assert_eq!(refused.status, 401, "{}", refused.text);
    assert!(
        refused
            .text
            .contains("Sign-in with Test ID was cancelled or refused"),
        "{}",
        refused.text
    );
    assert_eq!(cancelling.get(&site.url("/v1/session")).await.status, 401);
    site.finish().await;
}

#[tokio::test]
async fn an_unreachable_provider_is_said_so_and_password_sign_in_still_works() {
    let nobody = format!("http://127.0.0.1:{}", crate::common::free_port());
    let site = Site::with_issuer(&nobody).await;
    let admin = site.app.admin().await;
    expect(
        site.app
            .post(
                "/v1/users",
                &admin,
                json!({"email": "eva@esch.lu", "role": "admin",
                       "password": "correct horse battery staple"}),
            )
            .await,
        201,
    );
    let mut browser = Browser::new();
    let unreachable = browser.get(&site.url("/sign-in/oidc")).await;
    assert_eq!(unreachable.status, 503, "{}", unreachable.text);
    assert!(
        unreachable
            .text
            .contains("Test ID cannot be reached right now"),
        "{}",
        unreachable.text
    );
    let token = attribute_after(&unreachable.text, "name=\"csrf_token\"", "value").unwrap();
    let signed = browser
        .post_form(
            &site.url("/sign-in"),
            &[
                ("email", "eva@esch.lu"),
                ("password", "correct horse battery staple"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(signed.status, 303, "{}", signed.text);
    assert!(signed.set_cookie("placematch_session").is_some());
    site.finish().await;
}

#[tokio::test]
async fn without_an_issuer_the_openid_routes_do_not_exist_and_the_form_has_no_link() {
    let app = TestApp::new().await;
    for path in ["/sign-in/oidc", "/sign-in/oidc/callback?code=x&state=y"] {
        let reply = app
            .raw(
                axum::http::Request::get(path)
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(reply.status, 404, "{path}");
    }
    let form = app
        .raw(
            axum::http::Request::get("/sign-in")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert!(!form.body.as_str().unwrap().contains("/sign-in/oidc"));
    app.finish().await;
}
