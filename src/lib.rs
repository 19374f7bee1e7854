//! # placematch
//!
//! Places people who live on a minimum income (Luxembourg's REVIS, the Belgian CPAS's revenu
//! d'intégration, France's RSA) on public-utility work and article 60 posts at host organisations.
//!
//! ## Architecture: the one page to read first
//!
//! Layers, lowest first. A module uses only modules of lower layers; `tests/architecture.rs`
//! fails the build's tests when one reaches up or across, so there is no import circle.
//!
//! ```text
//!   9  main.rs, lib.rs
//!   8  cli/ (subcommands, the file tools `solve` and `suggest`) · telemetry.rs (logging)
//!   7  config.rs: every flag and PLACEMATCH_* variable (clap is used here and in cli/ only)
//!   6  server.rs: the listener, connection limits, graceful shutdown
//!   5  api/: axum router, auth, problem+json, one thin module per resource
//!   4  jobs/ (housekeeping, nightly runs) · transfer/ (CSV in and out) · demo.rs
//!   3  app/: what every door shares above the data: policy (who may see or change what), the
//!      audit trail, the index of open openings that suggestions read
//!   2  resource/: views, inputs and every check on them, explanations in words (explain.rs) ·
//!      bridge.rs: rows → matching inputs · timetable/: GTFS feeds read into the transit model
//!   1  store/: trait Store, sqlite.rs | postgres.rs · matching/: the pure core on HiGHS ·
//!      gazetteer/: place names → coordinates
//!   0  domain/: value types (one Country, one Programme…), limits
//! ```
//!
//! Where things go:
//! - **A new rule on what people write** (a field, a length, a format): [`resource`] (its
//!   `check_input` or [`resource::validate`]); sizes in [`domain::limits`]. The API, the CSV
//!   import and the pages all call these, so it is written once.
//! - **A new matching rule or criterion**: [`matching::evaluate`] (hard rules are named
//!   [`matching::Exclusion`]s; soft ones score points), weights in [`matching::MatchingConfig`];
//!   the core gives codes and figures, and its sentence goes in [`resource::explain`].
//! - **Who may see or change something**: [`app::policy`] (the caller's role and tenant).
//! - **A new page or endpoint**: [`api`] (one module per resource) or, for what computes for
//!   one caller, a use case in [`app`] ([`app::suggestions`], [`app::candidates`]: policy,
//!   audit and limits inside) that the handler calls and renders. A handler parses its input,
//!   checks the role with [`app::policy`], reads through the store, audits an
//!   [`app::audit::Subject`], and answers with a [`resource`] view.
//! - **A new query**: the [`store::Store`] trait, implemented once for both backends in
//!   `store/sql.rs` (dialect differences in `sqlite.rs` and `postgres.rs`), with a scenario
//!   in `tests/store_conformance.rs` that runs on both.
//! - **A new setting**: [`config`] (flag and variable), passed down as a plain settings struct.
//!
//! The modules:
//! - [`domain`]: plain value types with validating constructors (CEFR level, language code,
//!   `LonLat`, mobility, programme…) and the size limits. No I/O.
//! - [`matching`]: the pure core. Eligibility, explained scores, candidate index and the LP model
//!   solved on HiGHS (`matching::assign`: start, LP with column generation, MIP, residual
//!   check), and an independent check of every proof of optimality (`matching::certify`). No
//!   tokio, sqlx, axum, clock or environment: the same input always gives the same output.
//! - [`store`]: the [`store::Store`] trait and its two backends, with its own settings. The
//!   backend is picked once from the database URL scheme; pools never leave that module.
//! - [`resource`]: what people read and write, whatever the door: views, inputs, checks.
//! - [`app`]: what every door shares above the data: [`app::policy`] (roles, tenants, the
//!   bound of every list), [`app::audit`] (the trail of who read or changed what, written in
//!   group commits) and [`app::openings_index`] (the in-memory index of open openings).
//! - [`bridge`]: stored rows to the matching core's inputs.
//! - [`timetable`]: GTFS feeds (a folder or a zip) read for one service date into the inputs of
//!   [`matching::transit`], the public-transport engine (range-RAPTOR, pure).
//! - [`api`]: the HTTP layer: router, state, error type, one module per resource.
//! - [`transfer`]: CSV import (all or nothing, every bad line named, re-import by external
//!   reference) and export (CSV, JSON, GeoJSON); also behind `POST /v1/imports`.
//! - [`jobs`]: scheduled work (housekeeping, nightly rebalancing, its optional schedule inside
//!   `serve`); idempotent and safe to kill.
//! - [`demo`]: seeded demo territories (Luxembourg, Brussels, France).
//! - [`gazetteer`]: place names (postcode, locality, country) to coordinates, with the closest
//!   names when a place is unknown or ambiguous.
//! - [`i18n`]: the four languages (Fluent files under `locales/`), numbers and dates written
//!   each language's way, `Accept-Language` negotiation.
//! - [`config`]: flags and `PLACEMATCH_*` variables, turned into each layer's settings.
//! - [`cli`]: subcommands, with the file-based tools over the pure core (`solve`, `suggest`); [`server`]: binding, limits, graceful shutdown; [`telemetry`]:
//!   logging set-up.

pub mod api;
pub mod app;
pub mod bridge;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod gazetteer;
pub mod i18n;
pub mod jobs;
pub mod matching;
pub mod resource;
pub mod server;
pub mod store;
pub mod telemetry;
pub mod timetable;
pub mod transfer;
