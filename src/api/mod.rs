//! The HTTP API: [`router`] builds the whole axum application from an [`AppState`]. One module per
//! resource; [`error::ApiError`] is the only error type handlers return. Handlers never hold a
//! database pool: they go through [`crate::store::Store`]. CPU-heavy matching runs on the blocking
//! thread pool, never on the async runtime.

use crate::i18n::Msg;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, StatusCode};
use axum::response::Response;
use axum::routing::get;
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tracing::Span;

use serde::{Deserialize, Serialize};
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;
use uuid::Uuid;

use crate::store::Store;

use crate::app::audit;
pub mod audit_events;
pub mod auth;
pub mod beneficiaries;
pub mod candidates;
pub mod error;
pub mod extract;
pub mod health;
pub mod imports;
pub mod locale;
pub mod offices;
pub mod oidc;
pub mod openings;
pub mod organisations;
pub mod placements;
pub mod rebalancing_runs;
pub mod schema;
pub mod session;
pub mod suggestions;
pub mod users;
use crate::app::throttle;
pub use crate::resource::validate;

pub use crate::resource::{Location, LocationInput};

use error::{ApiError, FieldError, problem_response};

/// Settings the handlers read.
#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// How long `/readyz` waits for the database.
    pub database_timeout: Duration,
    /// Time limit of one request.
    pub request_timeout: Duration,
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Time limit of one suggestion computation.
    pub matching_timeout: Duration,
    /// Weights and thresholds of matching.
    pub matching: crate::matching::MatchingConfig,
    /// Longest time the in-memory openings index is reused without a reload (other replicas'
    /// writes become visible after this).
    pub openings_max_age: Duration,
    /// What hosts may learn from candidate lists.
    pub candidates: crate::app::candidates::CandidateSettings,
    /// Sign-in and sessions.
    pub accounts: crate::app::accounts::AccountSettings,
    /// Sign-in through an organisation's OpenID provider; off when `None`.
    pub oidc: Option<crate::app::oidc::OidcSettings>,
}

impl Default for ApiSettings {
    fn default() -> Self {
        Self {
            database_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            max_body_bytes: 1024 * 1024,
            matching_timeout: Duration::from_secs(5),
            matching: crate::matching::MatchingConfig::default(),
            openings_max_age: Duration::from_secs(10),
            candidates: crate::app::candidates::CandidateSettings::default(),
            accounts: crate::app::accounts::AccountSettings::default(),
            oidc: None,
        }
    }
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub settings: Arc<ApiSettings>,
    /// Open openings as an R-tree, for suggestions.
    pub openings: Arc<crate::app::openings_index::OpeningsCache>,
    /// Each office's programme, read once.
    pub programmes: Arc<crate::app::Programmes>,
    /// The audit trail's writer; [`audit::AuditWriter::flush`] it after the last request.
    pub audit: Arc<audit::AuditWriter>,
    /// Per-token rate limits.
    pub throttle: Arc<throttle::Throttle>,
    /// At most so many candidate lists computed at once.
    pub candidate_gate: Arc<crate::app::candidates::CandidateGate>,
    /// Sign-in through the OpenID provider, when one is set up.
    pub oidc: Option<Arc<crate::app::oidc::OidcSignIn>>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, settings: ApiSettings) -> Self {
        Self {
            openings: Arc::new(crate::app::openings_index::OpeningsCache::new(
                settings.openings_max_age,
            )),
            programmes: Arc::default(),
            audit: Arc::new(audit::AuditWriter::new(store.clone())),
            throttle: Arc::new(throttle::Throttle::new(
                settings.candidates.reads_per_hour,
                settings.candidates.opening_writes_per_hour,
            )),
            candidate_gate: Arc::new(crate::app::candidates::CandidateGate::new(
                settings.candidates.concurrent,
            )),
            oidc: settings
                .oidc
                .clone()
                .map(|s| Arc::new(crate::app::oidc::OidcSignIn::new(s))),
            store,
            settings: Arc::new(settings),
        }
    }

    /// Called after any change to openings or placements: the next suggestion reloads them.
    /// What the matching use cases of [`crate::app`] work through.
    pub fn matching(&self) -> crate::app::Matching<'_> {
        crate::app::Matching {
            store: &self.store,
            openings: &self.openings,
            programmes: &self.programmes,
            audit: &self.audit,
            config: &self.settings.matching,
            time_limit: self.settings.matching_timeout,
        }
    }

    pub fn invalidate_openings(&self) {
        self.openings.invalidate();
    }
}

/// Whether a successful `method` on `path` can change what the openings index reads: openings,
/// the seats live placements hold, hosts' caps. The one place that knows it, so no write
/// forgets to refresh suggestions.
fn changes_openings(method: &axum::http::Method, path: &str) -> bool {
    use axum::http::Method;
    if [Method::GET, Method::HEAD, Method::OPTIONS].contains(method) {
        return false;
    }
    const WRITES: [&str; 5] = [
        "/v1/openings",
        "/v1/placements",
        "/v1/organisations",
        "/v1/imports",
        "/v1/rebalancing-runs",
    ];
    WRITES.iter().any(|p| path.starts_with(p))
        // Erasing a person ends their placements, and frees their seats.
        || (method == Method::DELETE && path.starts_with("/v1/beneficiaries/"))
}

/// Refreshes the openings index after every successful write that can change it, before the
/// answer leaves: the writer's next suggestion sees its own write.
async fn invalidate_after_writes(
    State(state): State<AppState>,
    request: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let writes = changes_openings(request.method(), request.uri().path());
    let response = next.run(request).await;
    if writes && response.status().is_success() {
        state.invalidate_openings();
    }
    response
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest request id taken from a client; a longer one, or one with other characters than
/// letters, digits, `-`, `_` and `.`, is replaced by a new one (it is logged and echoed).
const MAX_REQUEST_ID: usize = 64;

/// Drops a client's request id that is too long or outside the safe alphabet, so that the next
/// layer gives the request a fresh one: no forged log text, no 15 KB echoes.
async fn safe_request_id(mut request: Request) -> Request {
    let safe = request.headers().get(&REQUEST_ID).is_none_or(|v| {
        let v = v.as_bytes();
        !v.is_empty()
            && v.len() <= MAX_REQUEST_ID
            && v.iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    });
    if !safe {
        request.headers_mut().remove(&REQUEST_ID);
    }
    request
}

/// Headers on every response: never cached (answers carry personal data), never sniffed as
/// another type, never framed; the JSON API loads nothing, the `/docs` page only its own files.
async fn security_headers(request: Request, next: axum::middleware::Next) -> Response {
    use axum::http::{HeaderValue, header};
    let docs = request.uri().path().starts_with("/docs");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(if docs {
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
             script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
        } else {
            "default-src 'none'; form-action 'self'; frame-ancestors 'none'"
        }),
    );
    response
}

/// The whole application: routes, request ids, request logs, time and size limits.
pub fn router(state: AppState) -> Router {
    let settings = state.settings.clone();
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &Request| {
            // Route template, not the raw path or query: ids are fine, query strings may carry
            // personal data and are never logged.
            let route = request
                .extensions()
                .get::<MatchedPath>()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_else(|| "unmatched".to_owned());
            let request_id = request
                .headers()
                .get(&REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-")
                .to_owned();
            tracing::info_span!("request", method = %request.method(), route, request_id)
        })
        .on_request(())
        .on_response(
            |response: &axum::http::Response<_>, latency: Duration, _span: &Span| {
                tracing::info!(
                    status = response.status().as_u16(),
                    latency_ms = latency.as_secs_f64() * 1e3,
                    "request done"
                );
            },
        );

    let (api, openapi) = api_routes().split_for_parts();
    // Without a provider the OpenID routes do not exist: the fallback answers 404.
    let api = if state.oidc.is_some() {
        api.route("/sign-in/oidc", get(oidc::start_oidc_sign_in))
            .route("/sign-in/oidc/callback", get(oidc::finish_oidc_sign_in))
    } else {
        api
    };
    api.route("/healthz", get(health::get_healthz))
        .route("/readyz", get(health::get_readyz))
        .route(
            "/sign-in",
            get(session::sign_in_page).post(session::sign_in),
        )
        .route("/sign-out", axum::routing::post(session::sign_out))
        .route("/", get(session::home))
        .merge(SwaggerUi::new("/docs").url("/openapi.json", openapi))
        .fallback(fallback)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            invalidate_after_writes,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::csrf_guard,
        ))
        // Outside the session guard, so that its own refusals are in the asked language too.
        .layer(axum::middleware::from_fn(locale::localize))
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(axum::middleware::from_fn(security_headers))
                .layer(axum::middleware::map_request(safe_request_id))
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(trace)
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::SERVICE_UNAVAILABLE,
                    settings.request_timeout,
                ))
                .layer(RequestBodyLimitLayer::new(settings.max_body_bytes)),
        )
}

/// The versioned API with its OpenAPI description.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(audit_events::list_audit_events))
        .routes(routes!(offices::create_office, offices::list_offices))
        .routes(routes!(offices::get_office))
        .routes(routes!(offices::list_caseloads))
        .routes(routes!(
            organisations::create_organisation,
            organisations::list_organisations
        ))
        .routes(routes!(organisations::get_organisation))
        .routes(routes!(openings::create_opening, openings::list_openings))
        .routes(routes!(openings::get_opening, openings::update_opening))
        .routes(routes!(
            beneficiaries::create_beneficiary,
            beneficiaries::list_beneficiaries
        ))
        .routes(routes!(
            beneficiaries::get_beneficiary,
            beneficiaries::update_beneficiary,
            beneficiaries::delete_beneficiary
        ))
        .routes(routes!(beneficiaries::export_beneficiary))
        .routes(routes!(beneficiaries::set_referent))
        .routes(routes!(beneficiaries::list_referents))
        .routes(routes!(suggestions::list_suggestions))
        .routes(routes!(candidates::list_candidates))
        .routes(routes!(openings::review_opening))
        .routes(routes!(
            organisations::get_served_offices,
            organisations::set_served_offices
        ))
        .routes(routes!(rebalancing_runs::create_rebalancing_run))
        .routes(routes!(rebalancing_runs::get_rebalancing_run))
        .routes(routes!(rebalancing_runs::apply_rebalancing_run))
        .routes(routes!(
            placements::create_placement,
            placements::list_placements
        ))
        .routes(routes!(placements::get_placement))
        .routes(routes!(placements::record_hours))
        .routes(routes!(placements::transition_placement))
        .routes(routes!(imports::create_import))
        .routes(routes!(users::create_user, users::list_users))
        .routes(routes!(users::disable_user))
        .routes(routes!(users::set_password))
        .routes(routes!(session::get_session))
}

/// The OpenAPI 3.1 document served at `/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api_routes().split_for_parts().1
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "placematch",
        description = "Places people on a minimum income on public-utility work and article 60 \
                       posts: explained suggestions, placements and nightly rebalancing."
    ),
    modifiers(&BearerAuth),
    components(schemas(error::Problem, error::FieldError))
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// Default number of items in a page.
pub const DEFAULT_PAGE_SIZE: u32 = 50;
/// Largest page a client may ask for; more is a validation error, not a silent cap.
pub const MAX_PAGE_SIZE: u32 = 200;

/// A page of a list: `next_cursor` is given back as `cursor` for the next page; `null` at the end.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// No item and no next page: what a list outside the caller's tenant shows.
    pub fn empty() -> Self {
        Self {
            items: Vec::new(),
            next_cursor: None,
        }
    }

    /// Builds a page from up to `limit + 1` rows in key order (the extra row says there is more).
    pub fn from_rows<R>(
        mut rows: Vec<R>,
        limit: u32,
        key: impl Fn(&R) -> Uuid,
        map: impl FnMut(R) -> T,
    ) -> Self {
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next_cursor = if more {
            rows.last().map(|r| key(r).to_string())
        } else {
            None
        };
        Page {
            items: rows.into_iter().map(map).collect(),
            next_cursor,
        }
    }
}

/// Paging parameters of a list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1 to 200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageQuery {
    /// The page size, validated.
    pub fn limit(&self) -> Result<u32, ApiError> {
        page_limit(self.limit)
    }

    /// The cursor, validated.
    pub fn cursor(&self) -> Result<Option<Uuid>, ApiError> {
        page_cursor(self.cursor.as_deref())
    }
}

/// Validates a page size.
pub fn page_limit(limit: Option<u32>) -> Result<u32, ApiError> {
    match limit {
        None => Ok(DEFAULT_PAGE_SIZE),
        Some(n) if (1..=MAX_PAGE_SIZE).contains(&n) => Ok(n),
        Some(n) => Err(ApiError::Validation(vec![FieldError::new(
            "limit",
            Msg::new("field-between")
                .int("min", 1)
                .int("max", MAX_PAGE_SIZE as i64)
                .int("given", n as i64),
        )])),
    }
}

/// Validates a cursor.
pub fn page_cursor(cursor: Option<&str>) -> Result<Option<Uuid>, ApiError> {
    cursor
        .map(|c| {
            Uuid::parse_str(c).map_err(|_| {
                ApiError::Validation(vec![FieldError::new(
                    "cursor",
                    Msg::new("field-bad-cursor"),
                )])
            })
        })
        .transpose()
}

async fn fallback() -> Response {
    problem_response(
        StatusCode::NOT_FOUND,
        "not_found",
        Msg::new("problem-no-such-endpoint"),
        None,
        vec![],
    )
}
