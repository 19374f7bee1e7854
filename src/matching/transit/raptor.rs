//! RAPTOR (Delling, Pajor, Werneck, "Round-Based Public Transit Routing", 2012) over a
//! [`Timetable`]: the earliest arrival at every stop for one departure, and range-RAPTOR for
//! every departure of a window, reusing the labels of later departures for earlier ones. Then
//! the door-to-door times of a window and their median and worst, and the speed bound that lets
//! callers prune by distance without losing a pair. Pure; the rules are the module's
//! [journey model](super#the-journey-model).
//!
//! Round `k` labels hold the earliest arrival with at most `k` rides. Two labels per stop and
//! round: `ride`, reached by alighting (or by the access walk in round 0), the only arrival a
//! footpath may start from, and `best`, which also counts arriving on a footpath, the one a
//! boarding is checked against. Keeping `ride` apart is what makes unchained footpaths exact.

use super::{StopIdx, Timetable, TransitSettings};
use crate::domain::LonLat;

/// No arrival.
const UNREACHED: u32 = u32::MAX;

/// A set of stops: a bitset for membership, a list for iteration in insertion order.
#[derive(Debug, Clone)]
struct StopSet {
    bits: Vec<u64>,
    list: Vec<u32>,
}

impl StopSet {
    fn new(n: usize) -> Self {
        Self {
            bits: vec![0; n.div_ceil(64)],
            list: Vec::new(),
        }
    }

    fn insert(&mut self, i: usize) {
        let (word, bit) = (i >> 6, 1u64 << (i & 63));
        if self.bits[word] & bit == 0 {
            self.bits[word] |= bit;
            self.list.push(i as u32);
        }
    }

    fn clear(&mut self) {
        for &i in &self.list {
            self.bits[i as usize >> 6] = 0;
        }
        self.list.clear();
    }

    fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// The labels of every round, kept between the departures of a range search.
struct Search<'a> {
    tt: &'a Timetable,
    n: usize,
    rounds: usize,
    /// `best[k * n + p]`: earliest arrival at `p` with at most `k` rides, on foot or not.
    best: Vec<u32>,
    /// `ride[k * n + p]`: earliest arrival at `p` by alighting in round `k` (or access walk).
    ride: Vec<u32>,
    /// Stops whose `best` improved in the round just done (boarding candidates).
    marked: StopSet,
    next_marked: StopSet,
    /// Stops whose `best` changed in the round just done, improved or copied from the round
    /// before: their label must be carried into the next round.
    changed: StopSet,
    next_changed: StopSet,
    /// Stops whose `ride` improved in this round: footpaths start from them.
    walk_from: StopSet,
    /// Per route, the first position to scan from (`u32::MAX`: not to scan).
    route_from: Vec<u32>,
    routes: Vec<u32>,
}

impl<'a> Search<'a> {
    fn new(tt: &'a Timetable, max_transfers: u8) -> Self {
        let n = tt.stop_count();
        let rounds = max_transfers as usize + 2;
        Self {
            tt,
            n,
            rounds,
            best: vec![UNREACHED; rounds * n],
            ride: vec![UNREACHED; rounds * n],
            marked: StopSet::new(n),
            next_marked: StopSet::new(n),
            changed: StopSet::new(n),
            next_changed: StopSet::new(n),
            walk_from: StopSet::new(n),
            route_from: vec![u32::MAX; tt.route_count()],
            routes: Vec::new(),
        }
    }

    /// Runs every round for one departure. Labels from a later departure stay valid (one can
    /// always wait at the origin), so only what this departure improves is propagated.
    fn depart(&mut self, depart_at: u32, access: &[(StopIdx, u32)]) {
        let n = self.n;
        self.marked.clear();
        self.changed.clear();
        self.walk_from.clear();
        for &(s, walk) in access {
            let (i, at) = (s.index(), depart_at.saturating_add(walk));
            if i >= n {
                continue;
            }
            if at < self.ride[i] {
                self.ride[i] = at;
                self.walk_from.insert(i);
            }
            if at < self.best[i] {
                self.best[i] = at;
                self.marked.insert(i);
                self.changed.insert(i);
            }
        }
        self.walk(0);

        for k in 1..self.rounds {
            if self.changed.is_empty() {
                break;
            }
            self.next_marked.clear();
            self.next_changed.clear();
            self.walk_from.clear();
            let (before, now) = self.best.split_at_mut(k * n);
            let (before, now) = (&before[(k - 1) * n..], &mut now[..n]);
            // With at most k rides one arrives no later than with at most k - 1.
            for &p in &self.changed.list {
                let p = p as usize;
                if before[p] < now[p] {
                    now[p] = before[p];
                    self.next_changed.insert(p);
                }
            }
            if !self.marked.is_empty() {
                self.scan_routes(k);
                self.walk(k);
            }
            std::mem::swap(&mut self.marked, &mut self.next_marked);
            std::mem::swap(&mut self.changed, &mut self.next_changed);
        }
    }

    /// Relaxes the footpaths from the stops whose `ride` label of round `k` improved. Marks go
    /// to the sets of round `k`: `marked`/`changed` for round 0, the `next_` ones after.
    fn walk(&mut self, k: usize) {
        let n = self.n;
        let (marked, changed) = if k == 0 {
            (&mut self.marked, &mut self.changed)
        } else {
            (&mut self.next_marked, &mut self.next_changed)
        };
        let ride = &self.ride[k * n..(k + 1) * n];
        let best = &mut self.best[k * n..(k + 1) * n];
        for &p in &self.walk_from.list {
            let from = ride[p as usize];
            for &(q, secs) in self.tt.footpaths(StopIdx(p)) {
                let at = from.saturating_add(secs);
                let q = q.index();
                if at < best[q] {
                    best[q] = at;
                    marked.insert(q);
                    changed.insert(q);
                }
            }
        }
    }

    /// Round `k`: rides boarded where round `k - 1` improved.
    fn scan_routes(&mut self, k: usize) {
        let n = self.n;
        let tt = self.tt;
        for &p in &self.marked.list {
            for &(r, position) in tt.routes_at(StopIdx(p)) {
                let from = &mut self.route_from[r as usize];
                if *from == u32::MAX {
                    self.routes.push(r);
                }
                *from = (*from).min(position);
            }
        }
        let (before, now) = self.best.split_at_mut(k * n);
        let (before, best) = (&before[(k - 1) * n..], &mut now[..n]);
        let ride = &mut self.ride[k * n..(k + 1) * n];
        for &r in &self.routes {
            let from = std::mem::replace(&mut self.route_from[r as usize], u32::MAX) as usize;
            let route = tt.route(r as usize);
            let stops = route.stops();
            let trips = route.trip_count();
            let mut trip = usize::MAX;
            for (position, stop) in stops.iter().enumerate().skip(from) {
                let p = stop.index();
                if trip != usize::MAX {
                    let at = route.arrival(trip, position);
                    if at < ride[p] {
                        ride[p] = at;
                        self.walk_from.insert(p);
                    }
                    if at < best[p] {
                        best[p] = at;
                        self.next_marked.insert(p);
                        self.next_changed.insert(p);
                    }
                }
                let ready = before[p];
                if ready != UNREACHED && position + 1 < stops.len() {
                    // Trips before the current one, if any, that leave here in time: the first
                    // of them is at least as good at every later stop (no overtaking).
                    let limit = trip.min(trips);
                    let leaving = route.departures_at(position);
                    if limit > 0 && leaving[limit - 1] >= ready {
                        trip = leaving[..limit].partition_point(|&d| d < ready);
                    }
                }
            }
        }
        self.routes.clear();
    }

    fn arrivals(&self) -> &[u32] {
        &self.best[(self.rounds - 1) * self.n..]
    }
}

/// The earliest arrival at every stop, by stop index, leaving at `depart_at` and walking to the
/// `access` stops (stop, walking seconds), with at most `max_transfers` transfers
/// (`max_transfers + 1` rides). `None`: not reachable at all.
///
/// # Units
/// Seconds since midnight.
pub fn earliest_arrivals(
    tt: &Timetable,
    access: &[(StopIdx, u32)],
    depart_at: u32,
    max_transfers: u8,
) -> Vec<Option<u32>> {
    let mut search = Search::new(tt, max_transfers);
    search.depart(depart_at, access);
    search
        .arrivals()
        .iter()
        .map(|&a| (a != UNREACHED).then_some(a))
        .collect()
}

/// The arrival at every stop for every departure of a window, from one origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeArrivals {
    /// The departures, ascending.
    ///
    /// # Units
    /// Seconds since midnight.
    departures: Vec<u32>,
    /// `arrivals[p * departures.len() + d]`, `u32::MAX` for none.
    arrivals: Vec<u32>,
}

impl RangeArrivals {
    /// The departures of the window, ascending.
    ///
    /// # Units
    /// Seconds since midnight.
    pub fn departures(&self) -> &[u32] {
        &self.departures
    }

    /// The earliest arrival at `stop` leaving at `departures()[d]`.
    ///
    /// # Units
    /// Seconds since midnight.
    pub fn arrival(&self, stop: StopIdx, d: usize) -> Option<u32> {
        let a = self.arrivals[stop.index() * self.departures.len() + d];
        (a != UNREACHED).then_some(a)
    }

    /// The arrivals at `stop` for each departure, `u32::MAX` where unreachable.
    pub fn stop_arrivals(&self, stop: StopIdx) -> &[u32] {
        let k = self.departures.len();
        &self.arrivals[stop.index() * k..(stop.index() + 1) * k]
    }

    /// Door to door, for each departure: arrival at the best `egress` stop (stop, walking
    /// seconds) plus the walk, minus the departure, so waiting at the origin counts. `None`:
    /// no egress stop is reached. No time limit is applied here; see [`summarise`].
    ///
    /// # Units
    /// Seconds.
    pub fn door_to_door(&self, egress: &[(StopIdx, u32)]) -> Vec<Option<u32>> {
        let mut best = vec![UNREACHED; self.departures.len()];
        for &(stop, walk) in egress {
            for (b, &a) in best.iter_mut().zip(self.stop_arrivals(stop)) {
                *b = (*b).min(a.saturating_add(walk));
            }
        }
        best.iter()
            .zip(&self.departures)
            .map(|(&a, &d)| (a != UNREACHED).then(|| a - d))
            .collect()
    }
}

/// Range-RAPTOR (rRAPTOR): the arrival at every stop for each departure `window_start`,
/// `window_start + step_secs`, … before `window_end` (excluded; a `step_secs` of 0 is read as
/// 1). Departures are searched from the latest to the earliest; the labels of each round are
/// kept, since what can be reached leaving later can be reached leaving earlier, so each
/// departure only propagates what it improves. Same results as [`earliest_arrivals`] for each
/// departure.
///
/// # Units
/// Seconds since midnight; `step_secs` seconds.
pub fn range_raptor(
    tt: &Timetable,
    access: &[(StopIdx, u32)],
    window_start: u32,
    window_end: u32,
    step_secs: u32,
    max_transfers: u8,
) -> RangeArrivals {
    let departures: Vec<u32> = (window_start..window_end)
        .step_by(step_secs.max(1) as usize)
        .collect();
    let k = departures.len();
    let n = tt.stop_count();
    let mut arrivals = vec![UNREACHED; n * k];
    let mut search = Search::new(tt, max_transfers);
    for (d, &depart_at) in departures.iter().enumerate().rev() {
        search.depart(depart_at, access);
        for (p, &a) in search.arrivals().iter().enumerate() {
            arrivals[p * k + d] = a;
        }
    }
    RangeArrivals {
        departures,
        arrivals,
    }
}

/// The median and worst door-to-door time over a window's departures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowSummary {
    /// The lower median: sorting the departures' times with unreachable ones as infinite, the
    /// one at ⌈count / 2⌉ (1-based), so at least half the departures take this long or less.
    /// `None` if that one is unreachable.
    ///
    /// # Units
    /// Minutes, rounded up.
    pub median_minutes: Option<u32>,
    /// The slowest departure. `None` if any departure is unreachable.
    ///
    /// # Units
    /// Minutes, rounded up.
    pub worst_minutes: Option<u32>,
    /// Departures in the window.
    pub departures: usize,
    /// Departures that arrive within the limit.
    pub reachable: usize,
}

/// Summarises per-departure door-to-door times (from [`RangeArrivals::door_to_door`]): each
/// departure takes the faster of its transit time and `direct_walk_secs` (walking all the way,
/// [`Timetable::direct_walk_secs`]); a departure slower than `max_trip_secs` is unreachable.
///
/// # Units
/// Seconds in; minutes (rounded up) out.
pub fn summarise(
    door_to_door_secs: &[Option<u32>],
    direct_walk_secs: Option<u32>,
    max_trip_secs: u32,
) -> WindowSummary {
    let mut times: Vec<u32> = door_to_door_secs
        .iter()
        .map(|&t| {
            let t = match (t, direct_walk_secs) {
                (Some(a), Some(b)) => a.min(b),
                (a, b) => a.or(b).unwrap_or(UNREACHED),
            };
            if t <= max_trip_secs { t } else { UNREACHED }
        })
        .collect();
    times.sort_unstable();
    let minutes = |t: u32| (t != UNREACHED).then(|| t.div_ceil(60));
    let reachable = times.iter().filter(|&&t| t != UNREACHED).count();
    WindowSummary {
        median_minutes: times
            .get(times.len().saturating_sub(1) / 2)
            .and_then(|&t| minutes(t)),
        worst_minutes: times.last().and_then(|&t| minutes(t)),
        departures: times.len(),
        reachable,
    }
}

/// The summary of a trip from `origin` to `destination` over the window that `range` was
/// searched for, `range` being the search from `origin`'s access stops: egress to the
/// destination's stops, the direct walk, the time limit, all from the timetable's settings.
pub fn trip_summary(
    tt: &Timetable,
    range: &RangeArrivals,
    origin: LonLat,
    destination: LonLat,
) -> WindowSummary {
    let egress = tt.access(destination);
    summarise(
        &range.door_to_door(&egress),
        tt.direct_walk_secs(origin, destination),
        tt.settings().max_trip_secs,
    )
}

/// Candidate speeds for [`SpeedBound`]: from a brisk walk to a fast train, in metres per second.
const BOUND_SPEEDS: [f64; 12] = [
    2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.5, 10.0, 12.5, 15.0, 20.0, 30.0,
];

/// A lower bound on the door-to-door time of any journey as a function of the straight-line
/// distance it covers, valid for every pair of points on one timetable.
///
/// # Why it holds
/// A journey is a chain of walks and rides; by the triangle inequality the straight-line
/// distance `D` from origin to destination is at most the sum of the straight-line lengths of
/// its pieces. A walk of length `d` takes at least `d / w` (`w` the walking speed along the
/// straight line, i.e. speed / detour). A ride from stop `i` to stop `j` of a trip covers at
/// most the sum of its hops' lengths, and for any speed `v` that sum is at most
/// `v × (arr_j − dep_i) + e(v)`, where `e(v)` is the largest such excess over all rides of the
/// feed (a maximum-subarray sum along each trip). So with at most `R` rides and `v ≥ w`,
/// `D ≤ v × T + R × e(v)`, i.e. `T ≥ (D − R × e(v)) / v`; waiting only adds to `T`. The bound
/// is the largest of these over a set of candidate speeds, and, when no hop of the feed is
/// instantaneous, `D / v_max` with `v_max` the fastest hop or walk (for which `e = 0`).
#[derive(Debug, Clone, PartialEq)]
pub struct SpeedBound {
    /// (speed in m/s, excess per ride in metres), each pair a valid bound.
    lines: Vec<(f64, f64)>,
}

impl SpeedBound {
    /// A lower bound on the door-to-door time of a journey with at most `max_transfers`
    /// transfers covering `distance_m` in straight line, rounded down.
    ///
    /// # Units
    /// Metres in, seconds out.
    pub fn min_secs(&self, distance_m: f64, max_transfers: u8) -> u32 {
        let rides = f64::from(max_transfers) + 1.0;
        let secs = self
            .lines
            .iter()
            .map(|&(v, e)| (distance_m - rides * e) / v)
            .fold(0.0f64, f64::max);
        // A millisecond off covers floating-point rounding of the distances.
        (secs - 1e-3).max(0.0).floor() as u32
    }

    /// A straight-line speed that no walk and no ride of the feed exceeds: the fastest hop or
    /// walk, or failing that (when some hop between two distinct places takes no time) the
    /// lowest candidate speed no ride beats, or infinity.
    ///
    /// # Units
    /// Metres per second.
    pub fn max_speed(&self) -> f64 {
        self.lines
            .iter()
            .filter(|&&(_, e)| e == 0.0)
            .map(|&(v, _)| v)
            .fold(f64::INFINITY, f64::min)
    }
}

/// The [`SpeedBound`] of a timetable, for callers that prune pairs by distance and must stay
/// exact: a pair whose bound exceeds the limit cannot be within it.
pub fn fastest_speed_bound(tt: &Timetable) -> SpeedBound {
    let walk = tt.settings().straight_walk_speed();
    let mut fastest = walk;
    let mut speeds: Vec<f64> = BOUND_SPEEDS.iter().copied().filter(|&v| v > walk).collect();
    speeds.push(walk);
    let mut excess = vec![0.0f64; speeds.len()];
    let mut hops = Vec::new();
    for r in 0..tt.route_count() {
        let route = tt.route(r);
        let stops = route.stops();
        hops.clear();
        hops.extend(stops.windows(2).map(|w| {
            tt.stops()[w[0].index()]
                .pos
                .distance_m(tt.stops()[w[1].index()].pos)
        }));
        for trip in 0..route.trip_count() {
            for (h, &metres) in hops.iter().enumerate() {
                let secs = route.arrival(trip, h + 1) - route.departure(trip, h);
                if metres > 0.0 {
                    fastest = fastest.max(metres / f64::from(secs));
                }
            }
            for (v, e) in speeds.iter().zip(excess.iter_mut()) {
                // Kadane over hops: the best excess of a ride ending with hop h, dwell times
                // in between counting against it.
                let mut ending = f64::NEG_INFINITY;
                for (h, &metres) in hops.iter().enumerate() {
                    let secs = f64::from(route.arrival(trip, h + 1) - route.departure(trip, h));
                    let gain = metres - v * secs;
                    let dwell = f64::from(route.departure(trip, h) - route.arrival(trip, h));
                    ending = gain + (ending - v * dwell).max(0.0);
                    *e = e.max(ending);
                }
            }
        }
    }
    let mut lines: Vec<(f64, f64)> = speeds.into_iter().zip(excess).collect();
    if fastest.is_finite() {
        lines.push((fastest, 0.0));
    }
    SpeedBound { lines }
}

/// A door-to-door lower bound in whole minutes, for callers that compare minutes.
///
/// # Units
/// Metres in, minutes (rounded down) out.
pub fn min_minutes(bound: &SpeedBound, distance_m: f64, settings: &TransitSettings) -> u32 {
    bound.min_secs(distance_m, settings.max_transfers) / 60
}

#[cfg(test)]
mod tests {
    use super::super::{StopInput, StopTime, TripInput, brute};
    use super::*;
    use proptest::prelude::*;

    /// A point `x`, `y` metres east and north of a corner of Luxembourg City.
    fn point(x: f64, y: f64) -> LonLat {
        let lat = 49.6 + y / 111_195.0;
        LonLat::new(6.1 + x / (111_195.0 * 49.6f64.to_radians().cos()), lat).expect("in range")
    }

    fn stops(points: &[(f64, f64)]) -> Vec<StopInput> {
        points
            .iter()
            .enumerate()
            .map(|(i, &(x, y))| StopInput {
                id: format!("s{i}"),
                name: String::new(),
                pos: point(x, y),
                parent_station: None,
            })
            .collect()
    }

    fn trip(id: &str, times: &[(u32, u32, u32)]) -> TripInput {
        TripInput {
            trip_id: id.into(),
            route_id: "r".into(),
            active: true,
            stop_times: times
                .iter()
                .map(|&(s, arrival, departure)| StopTime {
                    stop: StopIdx(s),
                    arrival,
                    departure,
                })
                .collect(),
        }
    }

    const H8: u32 = 8 * 3_600;

    #[test]
    fn a_bus_leaving_the_second_another_arrives_is_caught() {
        // s0 → s1 on one line, s1 → s2 on another leaving exactly at the arrival; stops 3 km
        // apart so that no footpath helps.
        let tt = Timetable::build(
            stops(&[(0.0, 0.0), (3_000.0, 0.0), (6_000.0, 0.0)]),
            vec![
                trip("a", &[(0, H8, H8), (1, H8 + 600, H8 + 600)]),
                trip("b", &[(1, H8 + 600, H8 + 600), (2, H8 + 1_200, H8 + 1_200)]),
            ],
            &TransitSettings::default(),
        )
        .expect("valid");
        let at = earliest_arrivals(&tt, &[(StopIdx(0), 0)], H8, 1);
        assert_eq!(at[2], Some(H8 + 1_200));
        let without_transfer = earliest_arrivals(&tt, &[(StopIdx(0), 0)], H8, 0);
        assert_eq!(without_transfer[2], None);
    }

    #[test]
    fn the_median_of_an_even_count_is_the_lower_middle_and_unreachable_counts_as_infinite() {
        let secs = |m: u32| Some(m * 60);
        let s = summarise(&[secs(30), secs(10), secs(20), secs(40)], None, MAX_TRIP);
        assert_eq!((s.median_minutes, s.worst_minutes), (Some(20), Some(40)));
        let s = summarise(&[secs(30), None, secs(20), None], None, MAX_TRIP);
        assert_eq!((s.median_minutes, s.worst_minutes), (Some(30), None));
        let s = summarise(&[secs(30), None, None, None], None, MAX_TRIP);
        assert_eq!(
            (s.median_minutes, s.worst_minutes, s.reachable),
            (None, None, 1)
        );
        // Over three hours is unreachable; walking all the way counts at every departure.
        let s = summarise(&[secs(181), secs(50)], Some(45 * 60), MAX_TRIP);
        assert_eq!((s.median_minutes, s.worst_minutes), (Some(45), Some(45)));
        let s = summarise(&[Some(61)], None, MAX_TRIP);
        assert_eq!(s.median_minutes, Some(2), "minutes are rounded up");
    }

    const MAX_TRIP: u32 = 3 * 3_600;

    #[test]
    fn the_speed_bound_holds_across_a_synthetic_city_and_still_prunes() {
        use super::super::synthetic::{CityArea, city_feed};
        let city = city_feed(5, 600, &CityArea::around_luxembourg(8.0));
        let tt =
            Timetable::build(city.stops, city.trips, &TransitSettings::default()).expect("valid");
        let bound = fastest_speed_bound(&tt);
        assert!(
            bound.min_secs(8_000.0, 4) >= 8 * 60,
            "8 km take at least 8 minutes"
        );
        let depart_at = 7 * 3_600 + 1_800;
        for origin in (0..tt.stop_count()).step_by(29) {
            let o = tt.stops()[origin].pos;
            let at = earliest_arrivals(&tt, &tt.access(o), depart_at, 4);
            for (p, a) in at.iter().enumerate() {
                if let Some(a) = a {
                    let metres = o.distance_m(tt.stops()[p].pos);
                    assert!(a - depart_at >= bound.min_secs(metres, 4));
                }
            }
        }
    }

    #[test]
    fn an_instantaneous_hop_does_not_make_the_speed_bound_useless() {
        // 3 km in no time, then 3 km in 10 minutes.
        let tt = Timetable::build(
            stops(&[(0.0, 0.0), (3_000.0, 0.0), (6_000.0, 0.0)]),
            vec![trip(
                "a",
                &[(0, H8, H8), (1, H8, H8), (2, H8 + 600, H8 + 600)],
            )],
            &TransitSettings::default(),
        )
        .expect("valid");
        let bound = fastest_speed_bound(&tt);
        assert!(bound.max_speed() > 10.0);
        // With 5 rides of up to 6 km each nothing under 30 km is certain; past it, it is.
        assert_eq!(bound.min_secs(6_000.0, 4), 0);
        assert!(bound.min_secs(60_000.0, 4) > 0);
    }

    /// A small random feed: stops on a 50 m lattice over 2.5 km × 2.5 km (so some footpaths
    /// exist), patterns of 2 to 8 stops, trips with random hops and dwells that may overtake.
    /// A trip: its first departure and, per stop, (running seconds to the next, dwell).
    type Run = (u32, Vec<(u32, u32)>);

    #[derive(Debug, Clone)]
    struct Feed {
        points: Vec<(f64, f64)>,
        patterns: Vec<(Vec<u32>, Vec<Run>)>,
        origin: (f64, f64),
        window_start: u32,
    }

    fn feeds() -> impl Strategy<Value = Feed> {
        (3usize..=25).prop_flat_map(|n| {
            let lattice = || (0u32..=50).prop_map(|v| f64::from(v) * 50.0);
            let trip = (
                (6 * 120u32..=8 * 120 + 60).prop_map(|h| h * 30),
                prop::collection::vec(
                    (
                        (0u32..=20).prop_map(|v| v * 30),
                        (0u32..=4).prop_map(|v| v * 30),
                    ),
                    8,
                ),
            );
            let pattern = (
                prop::collection::vec(0..n as u32, 2..=8),
                prop::collection::vec(trip, 1..=8),
            );
            (
                prop::collection::vec((lattice(), lattice()), n),
                prop::collection::vec(pattern, 1..=6),
                (lattice(), lattice()),
                (6 * 60u32 + 50..=7 * 60 + 40).prop_map(|m| m * 60),
            )
                .prop_map(|(points, patterns, origin, window_start)| Feed {
                    points,
                    patterns,
                    origin,
                    window_start,
                })
        })
    }

    fn build(feed: &Feed) -> Timetable {
        let mut trips = Vec::new();
        for (p, (sequence, runs)) in feed.patterns.iter().enumerate() {
            for (t, (start, hops)) in runs.iter().enumerate() {
                let mut clock = *start;
                let mut times = Vec::new();
                for (i, &s) in sequence.iter().enumerate() {
                    let arrival = clock;
                    let departure = arrival + if i == 0 { 0 } else { hops[i].1 };
                    times.push((s, arrival, departure));
                    clock = departure + hops[i].0;
                }
                trips.push(trip(&format!("p{p}t{t}"), &times));
            }
        }
        let settings = TransitSettings {
            max_walk_m: 600.0,
            ..TransitSettings::default()
        };
        Timetable::build(stops(&feed.points), trips, &settings).expect("generated feeds are valid")
    }

    const WINDOW_DEPARTURES: u32 = 20;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn raptor_and_range_raptor_arrive_when_the_brute_force_does_at_every_stop_and_minute(
            feed in feeds(),
        ) {
            let tt = build(&feed);
            let origin = point(feed.origin.0, feed.origin.1);
            let access = tt.access(origin);
            let bound = fastest_speed_bound(&tt);
            let end = feed.window_start + WINDOW_DEPARTURES * 60;
            for max_transfers in 0..=3u8 {
                let range = range_raptor(&tt, &access, feed.window_start, end, 60, max_transfers);
                prop_assert_eq!(range.departures().len(), WINDOW_DEPARTURES as usize);
                for (d, &depart_at) in range.departures().iter().enumerate() {
                    let expected = brute::earliest_arrivals(&tt, &access, depart_at, max_transfers);
                    let single = earliest_arrivals(&tt, &access, depart_at, max_transfers);
                    prop_assert_eq!(&single, &expected, "one departure at {}, {} transfers", depart_at, max_transfers);
                    let ranged: Vec<Option<u32>> =
                        (0..tt.stop_count()).map(|p| range.arrival(StopIdx(p as u32), d)).collect();
                    prop_assert_eq!(&ranged, &expected, "range at {}, {} transfers", depart_at, max_transfers);
                    for (p, at) in expected.iter().enumerate() {
                        if let Some(at) = at {
                            let metres = origin.distance_m(tt.stops()[p].pos);
                            prop_assert!(at - depart_at >= bound.min_secs(metres, max_transfers));
                        }
                    }
                }
            }
        }
    }
}
