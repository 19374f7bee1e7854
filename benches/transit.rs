//! Benchmark of the transit engine on seeded synthetic cities: timetable build, one departure
//! one-to-all, a 120-minute range-RAPTOR window from one origin, and the door-to-door summary of
//! one destination, swept over feed sizes. Inputs are generated outside the timed parts; each
//! figure is the median over repeated runs. Run with `cargo run --release --bin transit_bench`.

use std::time::Instant;

use placematch::matching::transit::raptor::{
    earliest_arrivals, fastest_speed_bound, range_raptor, summarise, trip_summary,
};
use placematch::matching::transit::synthetic::{CityArea, city_feed};
use placematch::matching::transit::{Timetable, TransitSettings};

/// Feed sizes swept, in stops; 4,000 is the city.
const SIZES: [usize; 4] = [1_000, 2_000, 4_000, 8_000];
/// Origins per size (each a stop's position, drawn evenly through the stop list).
const ORIGINS: usize = 40;
const ONE_DEPARTURE_RUNS: usize = 5;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[(v.len() - 1) / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let settings = TransitSettings::default();
    println!(
        "{:>6} {:>6} {:>6} {:>7} {:>7} {:>9} {:>9} {:>9} {:>11} {:>10} {:>9}",
        "stops",
        "lines",
        "routes",
        "trips",
        "in 7-9",
        "build ms",
        "1 dep µs",
        "range ms",
        "summary µs",
        "cached µs",
        "reached %"
    );
    let mut bounds = Vec::new();
    for stops in SIZES {
        let area = CityArea::around_luxembourg(20.0 * (stops as f64 / 4_000.0).sqrt());
        let feed = city_feed(42, stops, &area);
        let lines = feed.lines;
        let in_window = feed
            .trips
            .iter()
            .filter(|t| {
                t.stop_times
                    .first()
                    .is_some_and(|s| s.departure < settings.window_end)
                    && t.stop_times
                        .last()
                        .is_some_and(|s| s.arrival >= settings.window_start)
            })
            .count();
        let points: Vec<_> = (0..ORIGINS)
            .map(|i| feed.stops[i * feed.stops.len() / ORIGINS].pos)
            .collect();
        let t0 = Instant::now();
        let tt = Timetable::build(feed.stops, feed.trips, &settings)?;
        let build_ms = t0.elapsed().as_secs_f64() * 1e3;
        let bound = fastest_speed_bound(&tt);
        let bound_line = format!(
            "{stops} stops: speed bound {:.1} km/h, 5 km ≥ {} min, 10 km ≥ {} min",
            bound.max_speed() * 3.6,
            bound.min_secs(5_000.0, settings.max_transfers) / 60,
            bound.min_secs(10_000.0, settings.max_transfers) / 60
        );
        bounds.push(bound_line);

        let mut one = Vec::new();
        let mut range = Vec::new();
        let mut summary = Vec::new();
        let mut cached = Vec::new();
        let mut reached = Vec::new();
        for (i, &origin) in points.iter().enumerate() {
            let access = tt.access(origin);
            for _ in 0..ONE_DEPARTURE_RUNS {
                let t = Instant::now();
                let at = earliest_arrivals(&tt, &access, 7 * 3_600 + 1_800, settings.max_transfers);
                one.push(t.elapsed().as_secs_f64() * 1e6);
                std::hint::black_box(&at);
            }
            let t = Instant::now();
            let window = range_raptor(
                &tt,
                &access,
                settings.window_start,
                settings.window_end,
                settings.step_secs,
                settings.max_transfers,
            );
            range.push(t.elapsed().as_secs_f64() * 1e3);
            let destination = points[(i + ORIGINS / 2) % ORIGINS];
            let t = Instant::now();
            let s = trip_summary(&tt, &window, origin, destination);
            summary.push(t.elapsed().as_secs_f64() * 1e6);
            std::hint::black_box(s);
            // The nightly run looks each opening's egress up once and reuses it for every cell.
            let egress = tt.access(destination);
            let walk = tt.direct_walk_secs(origin, destination);
            let t = Instant::now();
            let s = summarise(&window.door_to_door(&egress), walk, settings.max_trip_secs);
            cached.push(t.elapsed().as_secs_f64() * 1e6);
            std::hint::black_box(s);
            let last = window.departures().len() - 1;
            let n = (0..tt.stop_count())
                .filter(|&p| {
                    window.stop_arrivals(placematch::matching::transit::StopIdx(p as u32))[last]
                        != u32::MAX
                })
                .count();
            reached.push(100.0 * n as f64 / tt.stop_count() as f64);
        }
        println!(
            "{:>6} {:>6} {:>6} {:>7} {:>7} {:>9.1} {:>9.0} {:>9.2} {:>11.1} {:>10.1} {:>9.0}",
            tt.stop_count(),
            lines,
            tt.route_count(),
            tt.trip_count(),
            in_window,
            build_ms,
            median(one),
            median(range),
            median(summary),
            median(cached),
            median(reached)
        );
    }
    for line in bounds {
        println!("{line}");
    }
    Ok(())
}
