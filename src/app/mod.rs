//! The application's rules above the stored data, shared by every door (API, pages, CLI, jobs):
//! [`policy`], who may see or change what, and [`openings_index`], the index of open openings
//! that suggestions read.

pub mod openings_index;
pub mod policy;
