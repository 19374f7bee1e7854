//! # placematch
//!
//! Places people who live on a minimum income (Luxembourg's REVIS, the Belgian CPAS's revenu
//! d'intégration, France's RSA) on public-utility work and article 60 posts at host organisations.
//!
//! ## Architecture: the one page to read first
//!
//! ```text
//!   main.rs ──► cli.rs ──► serve ──► api/ (axum router, auth, problem+json errors)
//!                  │                   │
//!                  │                   ├──► store/  trait Store: sqlite.rs | postgres.rs
//!                  │                   └──► matching/ (pure, via spawn_blocking)
//!                  ├──► migrate ─────────► store/
//!                  ├──► import, export ──► transfer/ ──► store/ (rows checked by api/'s rules)
//!                  └──► solve, suggest ──► commands/ ──► matching/
//! ```
//!
//! - [`domain`]: plain value types with validating constructors (CEFR level, language code,
//!   `LonLat`, mobility, programme…). No I/O.
//! - [`matching`]: the pure core. Eligibility, explained scores, candidate index and the LP model
//!   solved on HiGHS (column generation on one HiGHS model kept between rounds, through the
//!   `highs` crate; an integer solve when a move limit makes the LP fractional), and an
//!   independent check of every proof of optimality (`matching::certify`). No tokio, sqlx, axum, clock or
//!   environment: everything comes in as arguments, so the same input always gives the same
//!   output.
//! - [`store`]: the [`store::Store`] trait and its two backends. The backend is picked once from the
//!   database URL scheme; connection pools never leave that module.
//! - [`api`]: the HTTP layer: router, state, error type, one module per resource.
//! - [`config`]: the one typed configuration struct (flags and `PLACEMATCH_*` variables).
//! - [`cli`]: subcommands; [`server`]: binding, graceful shutdown; [`telemetry`]: logging set-up.
//! - [`commands`]: the file-based command-line tools over the pure core (`solve`, `suggest`).
//! - [`demo`]: seeded demo territories (Luxembourg, Brussels, France).
//! - [`bridge`]: stored rows to the matching core's inputs.
//! - [`transfer`]: CSV import (all or nothing, every bad line named, re-import by external
//!   reference) and export (CSV, JSON, GeoJSON); also behind `POST /v1/imports`.
//! - [`gazetteer`]: place names (postcode, locality, country) to coordinates, with the closest
//!   names when a place is unknown or ambiguous.
//! - [`jobs`]: scheduled work (housekeeping, nightly rebalancing, its optional schedule inside
//!   `serve`); idempotent and safe to kill.

pub mod api;
pub mod bridge;
pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod domain;
pub mod gazetteer;
pub mod jobs;
pub mod matching;
pub mod server;
pub mod store;
pub mod telemetry;
pub mod transfer;
