//! Hand-made GTFS feeds with known answers (`fixtures/gtfs/`), read by the reader and searched by
//! RAPTOR end to end, on Tuesday 2026-11-24 with the default settings (07:00–09:00, 4 transfers,
//! 1 km access, 400 m footpaths, 1.3 detour at 4.5 km/h).

use placematch::matching::transit::raptor::{
    RangeArrivals, WindowSummary, earliest_arrivals, range_raptor, trip_summary,
};
use placematch::matching::transit::{Timetable, TransitSettings};
use placematch::timetable::gtfs::{FeedSummary, ServiceDate, read_feed};

const H7: u32 = 7 * 3_600;

#[path = "support/gtfs.rs"]
mod gtfs_fixtures;
use gtfs_fixtures::{fixture, tuesday};

fn timetable(name: &str) -> Timetable {
    read_feed(&fixture(name), tuesday())
        .expect("the fixture reads")
        .into_timetable(&TransitSettings::default())
        .expect("the fixture builds")
}

/// The default window searched from stop `from`'s position.
fn window(tt: &Timetable, from: &str) -> RangeArrivals {
    let s = tt.settings();
    let origin = tt.stops()[tt.stop_index(from).expect("a stop").index()].pos;
    range_raptor(
        tt,
        &tt.access(origin),
        s.window_start,
        s.window_end,
        s.step_secs,
        s.max_transfers,
    )
}

/// Door to door from stop `from` to stop `to`, leaving at `hh:mm`, in whole minutes (rounded
/// up), `None` if unreachable.
fn minutes(tt: &Timetable, from: &str, to: &str, hh: u32, mm: u32) -> Option<u32> {
    let range = window(tt, from);
    let d = range
        .departures()
        .iter()
        .position(|&t| t == hh * 3_600 + mm * 60)
        .expect("a departure of the window");
    let dest = tt.stops()[tt.stop_index(to).expect("a stop").index()].pos;
    range.door_to_door(&tt.access(dest))[d].map(|secs| secs.div_ceil(60))
}

fn summary(tt: &Timetable, from: &str, to: &str) -> WindowSummary {
    let pos = |id: &str| tt.stops()[tt.stop_index(id).expect("a stop").index()].pos;
    trip_summary(tt, &window(tt, from), pos(from), pos(to))
}

#[test]
fn a_direct_line_takes_its_running_time_plus_the_wait_for_the_next_bus() {
    // Buses leave A every 15 minutes from 07:10 and reach C 20 minutes later.
    let tt = timetable("direct_line");
    assert_eq!(minutes(&tt, "A", "C", 7, 0), Some(30));
    assert_eq!(minutes(&tt, "A", "C", 7, 10), Some(20));
    assert_eq!(minutes(&tt, "A", "C", 7, 11), Some(34));
    assert_eq!(minutes(&tt, "A", "B", 7, 10), Some(10));
    // The 120 departures wait 0 to 14 minutes, 8 of each: the lower median waits 7.
    let s = summary(&tt, "A", "C");
    assert_eq!((s.median_minutes, s.worst_minutes), (Some(27), Some(34)));
    assert_eq!((s.departures, s.reachable), (120, 120));
}

#[test]
fn a_connection_missed_by_one_minute_waits_for_the_next_bus() {
    // Arriving at B 07:21, the 07:20 to C has gone: the 07:50 arrives 08:10.
    let tt = timetable("missed_connection");
    assert_eq!(minutes(&tt, "A", "C", 7, 0), Some(70));
    let a = tt.stop_index("A").expect("a stop");
    let c = tt.stop_index("C").expect("a stop").index();
    assert_eq!(
        earliest_arrivals(&tt, &[(a, 0)], H7, 1)[c],
        Some(8 * 3_600 + 600)
    );
    assert_eq!(
        earliest_arrivals(&tt, &[(a, 0)], H7, 0)[c],
        None,
        "it takes a transfer"
    );
}

#[test]
fn a_transfer_at_a_shared_stop_joins_two_lines() {
    // A 07:10 → B 07:25, change, B 07:30 → D 07:45.
    let tt = timetable("transfer");
    assert_eq!(minutes(&tt, "A", "D", 7, 0), Some(45));
    assert_eq!(minutes(&tt, "A", "D", 7, 10), Some(35));
    assert_eq!(
        minutes(&tt, "A", "D", 7, 11),
        None,
        "after the only connection"
    );
}

#[test]
fn a_trip_after_the_window_and_its_three_hours_is_not_used() {
    // A 07:15 → B 07:35, then nothing before 12:30.
    let tt = timetable("after_window");
    assert_eq!(minutes(&tt, "A", "B", 7, 15), Some(20));
    let s = summary(&tt, "A", "B");
    assert_eq!(
        (s.departures, s.reachable),
        (120, 16),
        "07:00 to 07:15 only"
    );
    assert_eq!((s.median_minutes, s.worst_minutes), (None, None));
    // The search itself still finds the 12:30; only the three-hour limit leaves it out.
    assert_eq!(minutes(&tt, "A", "B", 8, 0), Some(290));
}

#[test]
fn a_stop_without_service_is_reached_on_foot_from_the_nearest_stop() {
    // W is 300.2 m north of B: 300.2 × 1.3 / 1.25 m/s = 312.2 s, 313 s rounded up.
    let tt = timetable("walk_only");
    let a = tt.stop_index("A").expect("a stop");
    let w = tt.stop_index("W").expect("a stop").index();
    assert_eq!(
        earliest_arrivals(&tt, &[(a, 0)], H7, 0)[w],
        Some(7 * 3_600 + 25 * 60 + 313)
    );
    assert_eq!(minutes(&tt, "A", "W", 7, 0), Some(31));
    // Walking between B and W, either way, counts as direct walk.
    let s = summary(&tt, "B", "W");
    assert_eq!((s.median_minutes, s.worst_minutes), (Some(6), Some(6)));
}

#[test]
fn a_messy_feed_is_cleaned_up_and_counted() {
    let feed = read_feed(&fixture("messy"), tuesday()).expect("the messy feed reads");
    assert_eq!(
        feed.summary,
        FeedSummary {
            stops: 4,
            stations: 1,
            routes: 1,
            trips: 2,
            stop_times: 6,
            interpolated: 2,
            dropped: 1,
            warnings: 1,
            first_warnings: vec![
                "stop_times.txt line 8: trip \"T2\" dropped: its last stop has no time".into()
            ],
        }
    );
    let a = &feed.stops[0];
    assert_eq!(
        (a.id.as_str(), a.name.as_str(), a.parent_station.as_deref()),
        ("A", "Gare, quai 1", Some("ST"))
    );
    assert_eq!(feed.stops[3].name, "Delta \"Nord\"");
    let t1 = &feed.trips[0];
    let times: Vec<u32> = t1.stop_times.iter().map(|s| s.arrival).collect();
    assert_eq!(
        times,
        [H7, H7 + 600, H7 + 1_200, H7 + 1_800],
        "B and C evenly spaced"
    );
    let t3 = &feed.trips[1];
    assert_eq!(t3.stop_times[0].departure, 8 * 3_600);
    assert_eq!(
        t3.stop_times[1].departure,
        8 * 3_600 + 1_200,
        "a blank departure is the arrival"
    );
}

#[test]
fn frequency_based_trips_are_expanded_from_their_start_time() {
    let feed = read_feed(&fixture("frequencies"), tuesday()).expect("reads");
    let mut starts: Vec<(String, u32)> = feed
        .trips
        .iter()
        .map(|t| (t.trip_id.clone(), t.stop_times[0].departure))
        .collect();
    starts.sort_by_key(|s| s.1);
    let expected: Vec<(String, u32)> = [
        ("F1", 0),
        ("F2", 5),
        ("F2", 15),
        ("F1", 20),
        ("F2", 25),
        ("F1", 40),
    ]
    .iter()
    .map(|&(id, m)| (format!("{id}@07:{m:02}:00"), H7 + m * 60))
    .collect();
    assert_eq!(starts, expected);
    let tt = feed
        .into_timetable(&TransitSettings::default())
        .expect("builds");
    // Leaving at 07:21: the 07:25 F2 (10 minutes) beats the 07:40 F1.
    assert_eq!(minutes(&tt, "A", "B", 7, 21), Some(14));
}

#[test]
fn calendar_exceptions_add_and_remove_service_on_their_date() {
    let trips = |y, m, d| -> Vec<String> {
        let feed = read_feed(
            &fixture("calendar"),
            ServiceDate::new(y, m, d).expect("a date"),
        )
        .expect("reads");
        feed.trips.into_iter().map(|t| t.trip_id).collect()
    };
    assert_eq!(
        trips(2026, 11, 24),
        ["t-extra"],
        "weekday service removed, extra added"
    );
    assert_eq!(
        trips(2026, 11, 25),
        ["t-wk", "t-sat"],
        "Saturday service added on a Wednesday"
    );
    assert_eq!(trips(2026, 11, 28), ["t-sat"], "a Saturday");
    assert_eq!(trips(2026, 11, 29), Vec::<String>::new(), "a Sunday");
    assert_eq!(
        trips(2027, 1, 5),
        Vec::<String>::new(),
        "after the calendar's end date"
    );
}

#[test]
fn a_synthetic_city_written_as_gtfs_reads_back_trip_for_trip() {
    use placematch::matching::transit::synthetic::{CityArea, city_feed, to_gtfs_files};
    let city = city_feed(3, 400, &CityArea::around_luxembourg(6.0));
    let dir = std::env::temp_dir().join(format!("transit-synthetic-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    for (name, text) in to_gtfs_files(&city) {
        std::fs::write(dir.join(name), text).expect("written");
    }
    let feed = read_feed(&dir, tuesday()).expect("the synthetic feed reads");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(feed.summary.stops, city.stops.len());
    assert_eq!((feed.summary.interpolated, feed.summary.dropped), (0, 0));
    let ids: Vec<&str> = feed.stops.iter().map(|s| s.id.as_str()).collect();
    let expected: Vec<&str> = city.stops.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, expected);
    assert_eq!(feed.trips, city.trips);
}
