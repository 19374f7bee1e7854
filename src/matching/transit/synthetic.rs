//! A seeded synthetic city feed: bus and tram lines across a square, with real-looking
//! headways, for benchmarks and for the demo territories. The same seed and sizes give the same
//! feed on every machine (a SplitMix64 of our own, no `rand`). Pure.
//!
//! Lines are drawn as gently bending polylines, half of them through the centre (a radial
//! network), the others as chords; a new stop within 150 m of an existing one is that stop, so
//! lines share stops where they cross. Trams (one line in six) stop every ~500 m and run every 5
//! to 8 minutes at 20–24 km/h; buses stop every ~400 m at 17–24 km/h, every 10 to 23 minutes
//! through the centre and every 15 to 35 on chords. Every trip of a line and direction has the
//! same running times.

use std::collections::HashMap;
use std::fmt::Write;

use super::{StopIdx, StopInput, StopTime, TripInput};
use crate::domain::LonLat;

/// Two stops closer than this are one stop: lines that cross share it.
///
/// # Units
/// Kilometres.
const MERGE_KM: f64 = 0.15;

/// The road is longer than the straight line between two stops by this much.
const ROAD_FACTOR: f64 = 1.25;

/// Time a vehicle stands at an intermediate stop.
///
/// # Units
/// Seconds.
const DWELL_SECS: u32 = 20;

/// Kilometres per degree of latitude on the mean sphere.
const KM_PER_DEGREE: f64 = 111.195;

/// Where the synthetic city lies and when it runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CityArea {
    /// Centre of the square.
    pub centre: LonLat,
    /// Side of the square.
    ///
    /// # Units
    /// Kilometres.
    pub side_km: f64,
    /// First and last departure from a terminus.
    ///
    /// # Units
    /// Seconds since midnight.
    pub service: (u32, u32),
}

impl CityArea {
    /// A square of `side_km` around Luxembourg City, served 06:00 to 11:00 (so that every
    /// departure of a 07:00–09:00 window has trips to take).
    pub fn around_luxembourg(side_km: f64) -> Self {
        Self {
            centre: LonLat::new(6.13, 49.61).expect("Luxembourg City is a valid point"),
            side_km,
            service: (6 * 3_600, 11 * 3_600),
        }
    }
}

impl Default for CityArea {
    /// 20 km around Luxembourg City.
    fn default() -> Self {
        Self::around_luxembourg(20.0)
    }
}

/// A synthetic feed: the timetable's inputs, all trips active.
#[derive(Debug, Clone, PartialEq)]
pub struct CityFeed {
    /// Stops `S0`, `S1`, … in the order they were drawn.
    pub stops: Vec<StopInput>,
    /// Trips `L{line}-{direction}-{n}` of route `L{line}`.
    pub trips: Vec<TripInput>,
    /// Lines drawn (each runs both ways).
    pub lines: usize,
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough to draw a city.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi).
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Roughly normal, mean 0, standard deviation `sd` (sum of three uniforms).
    fn wobble(&mut self, sd: f64) -> f64 {
        (self.unit() + self.unit() + self.unit() - 1.5) * 2.0 * sd
    }
}

/// Stops as plane points (km from the centre), with a merge lookup.
struct Stops {
    points: Vec<[f64; 2]>,
    cells: HashMap<(i64, i64), Vec<usize>>,
}

impl Stops {
    fn cell(p: [f64; 2]) -> (i64, i64) {
        (
            (p[0] / MERGE_KM).floor() as i64,
            (p[1] / MERGE_KM).floor() as i64,
        )
    }

    /// The stop at `p`: an existing one within [`MERGE_KM`] (the nearest, lowest index on a
    /// tie), else a new one.
    fn at(&mut self, p: [f64; 2]) -> usize {
        let (cx, cy) = Self::cell(p);
        let mut nearest: Option<(f64, usize)> = None;
        for dx in -1..=1 {
            for dy in -1..=1 {
                for &i in self.cells.get(&(cx + dx, cy + dy)).into_iter().flatten() {
                    let q = self.points[i];
                    let d = (q[0] - p[0]).hypot(q[1] - p[1]);
                    if d <= MERGE_KM && nearest.is_none_or(|(best, j)| (d, i) < (best, j)) {
                        nearest = Some((d, i));
                    }
                }
            }
        }
        if let Some((_, i)) = nearest {
            return i;
        }
        self.points.push(p);
        self.cells
            .entry((cx, cy))
            .or_default()
            .push(self.points.len() - 1);
        self.points.len() - 1
    }
}

/// A city of about `stops` stops (the last line drawn may add a few more) over `area`, drawn
/// from `seed`. With the default area and 4,000 stops: about 100 lines and 3,000 trips running
/// between 07:00 and 09:00.
///
/// ```
/// use placematch::matching::transit::synthetic::{CityArea, city_feed};
/// let a = city_feed(7, 300, &CityArea::around_luxembourg(6.0));
/// let b = city_feed(7, 300, &CityArea::around_luxembourg(6.0));
/// assert_eq!(a, b);
/// assert!(a.stops.len() >= 300);
/// ```
pub fn city_feed(seed: u64, stops: usize, area: &CityArea) -> CityFeed {
    let mut rng = SplitMix64(seed);
    let half = area.side_km / 2.0;
    let inside = |p: [f64; 2]| p[0].abs() <= half && p[1].abs() <= half;
    let mut all = Stops {
        points: Vec::new(),
        cells: HashMap::new(),
    };
    struct Line {
        stops: Vec<usize>,
        headway: u32,
        speed_kmh: f64,
    }
    let mut lines: Vec<Line> = Vec::new();
    let mut attempts = 0;
    while all.points.len() < stops && attempts < 100 * stops.max(1) {
        attempts += 1;
        let tram = rng.unit() < 1.0 / 6.0;
        let spacing = if tram { 0.5 } else { 0.4 };
        let radial = rng.unit() < 0.5;
        let start = if radial {
            let r = rng.range(0.0, half.min(2.0));
            let a = rng.range(0.0, std::f64::consts::TAU);
            [r * a.cos(), r * a.sin()]
        } else {
            [rng.range(-half, half), rng.range(-half, half)]
        };
        let heading = rng.range(0.0, std::f64::consts::TAU);
        let mut halves: [Vec<[f64; 2]>; 2] = [Vec::new(), Vec::new()];
        for (side, points) in halves.iter_mut().enumerate() {
            let mut p = start;
            let mut h = heading + side as f64 * std::f64::consts::PI;
            loop {
                let step = spacing * rng.range(0.8, 1.2);
                h += rng.wobble(0.12);
                p = [p[0] + step * h.cos(), p[1] + step * h.sin()];
                if !inside(p) {
                    break;
                }
                points.push(p);
            }
        }
        let [forward, backward] = halves;
        let mut sequence: Vec<usize> = Vec::new();
        for p in backward.iter().rev().chain([&start]).chain(forward.iter()) {
            let s = all.at(*p);
            if !sequence.contains(&s) {
                sequence.push(s);
            }
        }
        if sequence.len() < 2 {
            continue;
        }
        let (headway, speed_kmh) = if tram {
            (rng.range(5.0, 9.0) as u32 * 60, rng.range(20.0, 24.0))
        } else if radial {
            (rng.range(10.0, 24.0) as u32 * 60, rng.range(17.0, 24.0))
        } else {
            (rng.range(15.0, 36.0) as u32 * 60, rng.range(17.0, 24.0))
        };
        lines.push(Line {
            stops: sequence,
            headway,
            speed_kmh,
        });
    }

    let to_lonlat = |p: [f64; 2]| {
        let lat = area.centre.lat() + p[1] / KM_PER_DEGREE;
        let lon = area.centre.lon() + p[0] / (KM_PER_DEGREE * area.centre.lat().to_radians().cos());
        // Clamped, so a square drawn past a pole or the antimeridian stays a valid point.
        LonLat::new(lon.clamp(-180.0, 180.0), lat.clamp(-90.0, 90.0)).expect("clamped into range")
    };
    let stop_inputs = all
        .points
        .iter()
        .enumerate()
        .map(|(i, &p)| StopInput {
            id: format!("S{i}"),
            name: format!("Stop {i}"),
            pos: to_lonlat(p),
            parent_station: None,
        })
        .collect();

    let mut trips = Vec::new();
    for (l, line) in lines.iter().enumerate() {
        for direction in 0..2 {
            let mut sequence = line.stops.clone();
            if direction == 1 {
                sequence.reverse();
            }
            let offsets: Vec<(u32, u32)> = {
                let mut clock = 0u32;
                let mut out = Vec::with_capacity(sequence.len());
                for (i, &s) in sequence.iter().enumerate() {
                    if i > 0 {
                        let (a, b) = (all.points[sequence[i - 1]], all.points[s]);
                        let km = (a[0] - b[0]).hypot(a[1] - b[1]) * ROAD_FACTOR;
                        clock += ((km / line.speed_kmh * 3_600.0).round() as u32).max(30);
                    }
                    let dwell = if i > 0 && i + 1 < sequence.len() {
                        DWELL_SECS
                    } else {
                        0
                    };
                    out.push((clock, clock + dwell));
                    clock += dwell;
                }
                out
            };
            let first = area.service.0 + (rng.unit() * f64::from(line.headway)) as u32;
            for (k, start) in (first..=area.service.1)
                .step_by(line.headway as usize)
                .enumerate()
            {
                trips.push(TripInput {
                    trip_id: format!("L{l}-{direction}-{k}"),
                    route_id: format!("L{l}"),
                    active: true,
                    stop_times: sequence
                        .iter()
                        .zip(&offsets)
                        .map(|(&s, &(a, d))| StopTime {
                            stop: StopIdx(s as u32),
                            arrival: start + a,
                            departure: start + d,
                        })
                        .collect(),
                });
            }
        }
    }
    CityFeed {
        stops: stop_inputs,
        trips,
        lines: lines.len(),
    }
}

/// Formats seconds since midnight as GTFS does, HH:MM:SS (hours may pass 24).
pub fn gtfs_time(secs: u32) -> String {
    format!("{:02}:{:02}:{:02}", secs / 3_600, secs / 60 % 60, secs % 60)
}

/// The feed as GTFS text files (name, contents), valid every day of 2020–2039: what a demo
/// territory writes to disk to be read back like a real feed.
pub fn to_gtfs_files(feed: &CityFeed) -> Vec<(&'static str, String)> {
    let mut agency = String::from("agency_id,agency_name,agency_url,agency_timezone\n");
    agency.push_str("SYN,Synthetic transit,https://example.invalid,Europe/Luxembourg\n");
    let mut stops = String::from("stop_id,stop_name,stop_lat,stop_lon\n");
    for s in &feed.stops {
        let _ = writeln!(
            stops,
            "{},{},{:.7},{:.7}",
            s.id,
            s.name,
            s.pos.lat(),
            s.pos.lon()
        );
    }
    let mut routes = String::from("route_id,agency_id,route_short_name,route_type\n");
    let mut trips = String::from("route_id,service_id,trip_id\n");
    let mut times = String::from("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n");
    let mut seen = std::collections::BTreeSet::new();
    for t in &feed.trips {
        if seen.insert(t.route_id.clone()) {
            let _ = writeln!(routes, "{},SYN,{},3", t.route_id, t.route_id);
        }
        let _ = writeln!(trips, "{},ALL,{}", t.route_id, t.trip_id);
        for (i, st) in t.stop_times.iter().enumerate() {
            let _ = writeln!(
                times,
                "{},{},{},{},{}",
                t.trip_id,
                gtfs_time(st.arrival),
                gtfs_time(st.departure),
                feed.stops[st.stop.index()].id,
                i + 1
            );
        }
    }
    let calendar = String::from(
        "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n\
         ALL,1,1,1,1,1,1,1,20200101,20391231\n",
    );
    vec![
        ("agency.txt", agency),
        ("stops.txt", stops),
        ("routes.txt", routes),
        ("trips.txt", trips),
        ("stop_times.txt", times),
        ("calendar.txt", calendar),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::transit::{Timetable, TransitSettings};

    #[test]
    fn the_default_city_has_about_4000_stops_and_3000_trips_in_the_morning_window() {
        let feed = city_feed(1, 4_000, &CityArea::default());
        assert!(
            (4_000..4_100).contains(&feed.stops.len()),
            "{}",
            feed.stops.len()
        );
        let in_window = feed
            .trips
            .iter()
            .filter(|t| {
                let (first, last) = (
                    t.stop_times[0].departure,
                    t.stop_times.last().map_or(0, |s| s.arrival),
                );
                first < 9 * 3_600 && last >= 7 * 3_600
            })
            .count();
        assert!(
            (2_800..3_600).contains(&in_window),
            "{in_window} trips in the window"
        );
        let tt = Timetable::build(feed.stops, feed.trips, &TransitSettings::default())
            .expect("a synthetic feed is valid");
        assert!(tt.footpath_count() > 0);
    }
}
