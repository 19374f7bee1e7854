//! File-based command-line tools over the pure matching core. They read files, call
//! [`crate::matching`] and print results; no database, no HTTP.

pub mod solve;
pub mod suggest;
