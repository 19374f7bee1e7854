//! The application's rules above the stored data, shared by every door (API, pages, CLI, jobs):
//! [`policy`], who may see or change what, [`audit`], the trail of who read or changed what
//! (an event is a value: who, what action, which [`audit::Subject`]), and [`openings_index`], the
//! index of open openings that suggestions read.

pub mod audit;
pub mod openings_index;
pub mod policy;
