//! The application's rules above the stored data, shared by every door (API, pages, CLI, jobs):
//! for now [`policy`], who may see or change what.

pub mod policy;
