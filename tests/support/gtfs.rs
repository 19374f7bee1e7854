//! The hand-made GTFS feeds of `fixtures/gtfs/` and the day they are read for.

use std::path::PathBuf;

use placematch::timetable::gtfs::ServiceDate;

/// The folder of the feed `name`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/gtfs")
        .join(name)
}

/// The Tuesday every fixture runs on.
pub fn tuesday() -> ServiceDate {
    ServiceDate::new(2026, 11, 24).expect("a date")
}
