//! The pure matching core. It takes data and returns data: no tokio, sqlx, axum, clock or
//! environment. The same input always gives the same output (ties break on ids).
//!
//! - [`model`]: the inputs ([`Beneficiary`], [`Opening`]) and [`MatchingConfig`], the weights
//!   and thresholds with their defaults in one place.
//! - [`evaluate`]: the hard rules (named [`Exclusion`]s) and the per-criterion points of a pair.
//! - [`skills`]: skill text normalisation and fuzzy similarity.
//! - [`index`]: the index of open openings every search reads (a packed copy, a grid and an
//!   R-tree) and the bound that stops a nearest-first search; `grid.rs` holds the one ring walk
//!   (a stop test per ring, a step per slot) that every search is.
//! - [`suggest`](mod@suggest): the explained suggestions for one person; `pairs.rs`: the
//!   nightly run's best pairs per person and the pricing of the pairs left out.
//! - [`transit`]: public-transport travel times from timetables (range-RAPTOR).
//! - [`assign`]: the global assignment on HiGHS (an LP kept between rounds of column generation,
//!   a MIP when a move limit makes the LP fractional) and its proof of optimality.
//! - [`certify`]: the independent check of that proof, from the problem, the assignment and the
//!   prices alone; nothing is reported as certified without it.
//! - [`rebalance`]: a territory's nightly assignment with its stability rules and report.
//! - [`instance`]: the plain assignment instance file format.
//!
//! ```
//! use placematch::matching::{MatchingConfig, OpeningIndex, suggest};
//! let index = OpeningIndex::new(vec![]);
//! # let person: placematch::matching::Beneficiary = serde_json::from_value(serde_json::json!({
//! #   "id": "00000000-0000-0000-0000-000000000001", "programme": "revis",
//! #   "office_id": "00000000-0000-0000-0000-000000000002", "home": {"lon": 6.13, "lat": 49.61},
//! #   "mobility": "car", "max_trip_minutes": 30, "hours_per_week": 20,
//! #   "earliest_start": "2026-12-01", "waiting_since": "2026-06-01"})).unwrap();
//! let today = time::macros::date!(2026 - 11 - 24);
//! let found = suggest(&person, &index, &MatchingConfig::default(), today, 10, 20);
//! assert!(found.items.is_empty());
//! ```

pub mod assign;
pub mod certify;
pub mod evaluate;
mod grid;
pub mod index;
pub mod instance;
pub mod model;
mod pairs;
pub mod problem;
pub mod rebalance;
pub mod skills;
pub mod suggest;
pub mod synthetic;
pub mod transit;

pub use evaluate::{Criterion, CriterionPart, Exclusion};
pub use index::OpeningIndex;
pub use model::{Beneficiary, CurrentPlacement, CurrentState, MatchingConfig, Opening};
pub use suggest::{Suggestions, suggest};
