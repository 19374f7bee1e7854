//! Reading timetables from files. The engine that uses them is `matching::transit`.

pub mod gtfs;
