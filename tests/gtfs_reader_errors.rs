//! What the GTFS reader says about feeds it cannot read: the file, the line (the header is
//! line 1) and the field, and why. Each case is the `direct_line` fixture with one file
//! changed, in a folder of its own under the system's temporary directory.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use placematch::timetable::gtfs::{GtfsError, read_feed};

#[path = "support/gtfs.rs"]
mod gtfs_fixtures;
use gtfs_fixtures::{fixture, tuesday};

/// A copy of `direct_line` in a fresh folder, with `change` applied to its files.
struct Scratch(PathBuf);

impl Scratch {
    fn new(case: &str, change: impl FnOnce(&Path)) -> Self {
        let dir = std::env::temp_dir().join(format!("transit-gtfs-{}-{case}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("a temporary folder");
        for entry in fs::read_dir(fixture("direct_line")).expect("the fixture") {
            let entry = entry.expect("a file");
            fs::copy(entry.path(), dir.join(entry.file_name())).expect("copied");
        }
        change(&dir);
        Self(dir)
    }

    fn error(&self) -> String {
        match read_feed(&self.0, tuesday()) {
            Ok(_) => panic!("the feed should not read"),
            Err(e) => e.to_string(),
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Replaces line `line` (1-based) of `file`.
fn replace_line(dir: &Path, file: &str, line: usize, text: &str) {
    let path = dir.join(file);
    let content = fs::read_to_string(&path).expect("readable");
    let mut lines: Vec<&str> = content.lines().collect();
    lines[line - 1] = text;
    fs::write(&path, lines.join("\n") + "\n").expect("written");
}

#[test]
fn a_malformed_time_names_the_file_line_and_field() {
    let feed = Scratch::new("bad-time", |dir| {
        replace_line(dir, "stop_times.txt", 3, "L1-0,07:20:00,25:7:00,B,2");
    });
    assert_eq!(
        feed.error(),
        r#"stop_times.txt line 3, field departure_time: "25:7:00" is not a time (HH:MM:SS)"#
    );
}

#[test]
fn a_missing_required_column_names_the_header_line() {
    let feed = Scratch::new("no-lat", |dir| {
        fs::write(
            dir.join("stops.txt"),
            "stop_id,stop_name,stop_lon\nA,Alpha,6.10\nB,Bravo,6.15\nC,Charlie,6.20\n",
        )
        .expect("written");
    });
    assert_eq!(
        feed.error(),
        "stops.txt line 1, field stop_lat: the header has no such column, and it is required"
    );
}

#[test]
fn a_stop_time_at_an_unknown_stop_names_the_stop() {
    let feed = Scratch::new("unknown-stop", |dir| {
        replace_line(dir, "stop_times.txt", 4, "L1-0,07:30:00,07:30:00,Z,3");
    });
    assert_eq!(
        feed.error(),
        r#"stop_times.txt line 4, field stop_id: "Z" is not a stop in stops.txt"#
    );
}

#[test]
fn a_stop_time_at_a_station_is_refused() {
    let feed = Scratch::new("station", |dir| {
        let mut stops = fs::read_to_string(dir.join("stops.txt")).expect("readable");
        stops = stops.replace("stop_lon\n", "stop_lon,location_type\n");
        stops.push_str("Z,Zulu station,49.6,6.3,1\n");
        fs::write(dir.join("stops.txt"), stops).expect("written");
        replace_line(dir, "stop_times.txt", 4, "L1-0,07:30:00,07:30:00,Z,3");
    });
    assert_eq!(
        feed.error(),
        r#"stop_times.txt line 4, field stop_id: "Z" is a station (location_type 1), not a stop where vehicles halt"#
    );
}

#[test]
fn a_missing_required_file_is_named() {
    let feed = Scratch::new("no-trips", |dir| {
        fs::remove_file(dir.join("trips.txt")).expect("removed");
    });
    assert_eq!(feed.error(), "the feed has no trips.txt, which is required");
}

#[test]
fn a_feed_without_any_calendar_is_refused() {
    let feed = Scratch::new("no-calendar", |dir| {
        fs::remove_file(dir.join("calendar.txt")).expect("removed");
    });
    assert_eq!(
        feed.error(),
        "the feed has no calendar.txt or calendar_dates.txt, which is required"
    );
}

#[test]
fn a_bad_coordinate_and_a_bad_calendar_flag_are_named() {
    let feed = Scratch::new("bad-lat", |dir| {
        replace_line(dir, "stops.txt", 3, "B,Bravo,91.5,6.15");
    });
    assert_eq!(
        feed.error(),
        r#"stops.txt line 3, field stop_lat: "91.5" is not a coordinate (a number from -90 to 90)"#
    );
    let feed = Scratch::new("bad-flag", |dir| {
        replace_line(
            dir,
            "calendar.txt",
            2,
            "WK,1,yes,1,1,1,0,0,20260101,20261231",
        );
    });
    assert_eq!(
        feed.error(),
        r#"calendar.txt line 2, field tuesday: "yes" is not 0 or 1"#
    );
}

#[test]
fn line_numbers_count_crlf_lines_and_quoted_line_breaks() {
    let feed = Scratch::new("crlf", |dir| {
        fs::write(
            dir.join("stops.txt"),
            "stop_id,stop_name,stop_lat,stop_lon\r\nA,\"Alpha\r\nnorth\",49.6,6.10\r\nB,Bravo,x,6.15\r\n",
        )
        .expect("written");
    });
    assert_eq!(
        feed.error(),
        r#"stops.txt line 4, field stop_lat: "x" is not a coordinate (a number from -90 to 90)"#
    );
}

#[test]
fn a_zip_file_reads_like_the_folder_even_with_its_files_in_a_subfolder() {
    let dir = std::env::temp_dir().join(format!("transit-gtfs-{}-zip", std::process::id()));
    fs::create_dir_all(&dir).expect("a temporary folder");
    let path = dir.join("feed.zip");
    let mut zip = zip::ZipWriter::new(fs::File::create(&path).expect("created"));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for entry in fs::read_dir(fixture("direct_line")).expect("the fixture") {
        let entry = entry.expect("a file");
        let name = format!("gtfs/{}", entry.file_name().to_string_lossy());
        zip.start_file(name, options).expect("an entry");
        zip.write_all(&fs::read(entry.path()).expect("readable"))
            .expect("written");
    }
    zip.finish().expect("finished");
    let from_zip = read_feed(&path, tuesday()).expect("the zip reads");
    let from_folder = read_feed(&fixture("direct_line"), tuesday()).expect("the folder reads");
    let _ = fs::remove_dir_all(&dir);
    assert_eq!(from_zip.summary, from_folder.summary);
    assert_eq!(from_zip.trips, from_folder.trips);
    assert_eq!(from_zip.stops, from_folder.stops);
    assert!(matches!(
        read_feed(&fixture("direct_line/stops.txt"), tuesday()),
        Err(GtfsError::Zip { .. })
    ));
}
