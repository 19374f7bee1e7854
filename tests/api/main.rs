//! The HTTP API in-process (`tower::ServiceExt::oneshot`, no socket; the OpenID sign-in tests
//! serve on a socket for their provider), on a real SQLite file: each
//! role against each resource, cross-tenant attempts, bad tokens and bad input.

#[path = "../common/mod.rs"]
mod common;

mod auth;
mod beneficiaries;
mod candidates;
mod harness;
mod imports;
mod input;
mod languages;
mod offices;
mod oidc;
mod openings;
mod placements;
mod rebalancing;
mod referents;
mod sessions;
mod suggestions;
