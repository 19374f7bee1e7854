//! Public-transport travel times from timetables: the model a search runs on, built once from
//! plain input structs (the GTFS reader in `timetable::gtfs` makes them, so does
//! [`synthetic::city_feed`]). Pure: no I/O, no clock, no environment.
//!
//! - this module: [`TransitSettings`], the inputs ([`StopInput`], [`TripInput`], [`StopTime`])
//!   and the [`Timetable`] built from them (routes, footpaths, a stop grid for access lookups).
//! - [`raptor`]: earliest arrivals for one departure, range-RAPTOR over a departure window, the
//!   median and worst door-to-door time of a window, and the speed bound for exact pruning.
//! - [`brute`]: a time-dependent Dijkstra over the same timetable and rules, the reference the
//!   property tests hold RAPTOR to.
//! - [`synthetic`]: a seeded city-sized feed for benchmarks and demo territories.
//!
//! # The journey model
//!
//! Every search here (RAPTOR and the brute force alike) allows exactly these journeys:
//!
//! 1. walk from the origin to an access stop (a [`raptor`] caller's access list, usually
//!    [`Timetable::access`]), then at most one footpath;
//! 2. up to `max_transfers + 1` rides. A ride boards a trip at a stop whose departure there is at
//!    or after the arrival at that stop, and alights at any later stop of the trip;
//! 3. between two rides, either stay at the stop (no minimum transfer time: a trip leaving at the
//!    very second another arrives can be caught) or walk exactly one footpath;
//! 4. after the last ride, optionally one footpath.
//!
//! Footpaths are not chained: reaching a stop on foot and walking on needs the walk to be one
//! footpath. The arrival at a stop is the earliest of all such journeys.
//!
//! # Units
//! Times are seconds since midnight of the service day (`u32`; GTFS allows 25:00:00 and later),
//! distances metres, walking times whole seconds rounded up.

pub mod brute;
pub mod raptor;
pub mod synthetic;

use std::collections::HashMap;

use crate::domain::LonLat;

/// Straight-line distance times this is the walked distance: streets are not straight. 1.3 is
/// the usual urban figure (and the main crate's estimate uses the same factor).
pub const DETOUR_FACTOR: f64 = 1.3;

/// Walking speed.
///
/// # Units
/// Kilometres per hour.
pub const WALK_SPEED_KMH: f64 = 4.5;

/// Two stops this close (straight line) are joined by a footpath: a change of stop at an
/// interchange, not a walk across town.
///
/// # Units
/// Metres.
pub const MAX_FOOTPATH_M: f64 = 400.0;

/// Access and egress: stops this close (straight line) to a home or a workplace are walked to;
/// also the longest trip that may be walked all the way.
///
/// # Units
/// Metres.
pub const MAX_WALK_M: f64 = 1_000.0;

/// Transfers allowed in a journey (so one more ride than this).
pub const MAX_TRANSFERS: u8 = 4;

/// A trip longer than this counts as unreachable.
///
/// # Units
/// Seconds (3 hours).
pub const MAX_TRIP_SECS: u32 = 3 * 3_600;

/// The default departure window: 07:00 to 09:00, the morning commute.
///
/// # Units
/// Seconds since midnight.
pub const WINDOW: (u32, u32) = (7 * 3_600, 9 * 3_600);

/// One departure a minute in the window.
///
/// # Units
/// Seconds.
pub const STEP_SECS: u32 = 60;

/// Side of the stop grid's cells: about a footpath's length, so that a footpath lookup reads a
/// few cells of a few stops each.
///
/// # Units
/// Metres.
const GRID_CELL_M: f64 = 400.0;

/// Fewer metres than a degree of latitude has anywhere (111,195 m on the mean sphere), so that
/// cell arithmetic in degrees never misses a stop.
const METRES_PER_DEGREE_LOW: f64 = 111_000.0;

/// The walking and search parameters. The defaults are the issue's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TransitSettings {
    /// Walked distance per straight-line distance.
    pub detour_factor: f64,
    /// # Units
    /// Kilometres per hour.
    pub walk_speed_kmh: f64,
    /// Longest footpath between two stops, straight line.
    ///
    /// # Units
    /// Metres.
    pub max_footpath_m: f64,
    /// Longest access or egress walk, straight line; also the longest direct walk.
    ///
    /// # Units
    /// Metres.
    pub max_walk_m: f64,
    /// Transfers allowed in one journey.
    pub max_transfers: u8,
    /// First departure of the window, included.
    ///
    /// # Units
    /// Seconds since midnight.
    pub window_start: u32,
    /// End of the window, excluded: 07:00–09:00 is 120 departures, 07:00 to 08:59.
    ///
    /// # Units
    /// Seconds since midnight.
    pub window_end: u32,
    /// Time between two departures of the window.
    ///
    /// # Units
    /// Seconds.
    pub step_secs: u32,
    /// Door-to-door times above this count as unreachable.
    ///
    /// # Units
    /// Seconds.
    pub max_trip_secs: u32,
}

impl Default for TransitSettings {
    fn default() -> Self {
        Self {
            detour_factor: DETOUR_FACTOR,
            walk_speed_kmh: WALK_SPEED_KMH,
            max_footpath_m: MAX_FOOTPATH_M,
            max_walk_m: MAX_WALK_M,
            max_transfers: MAX_TRANSFERS,
            window_start: WINDOW.0,
            window_end: WINDOW.1,
            step_secs: STEP_SECS,
            max_trip_secs: MAX_TRIP_SECS,
        }
    }
}

impl TransitSettings {
    /// The time to walk a straight-line distance: distance × detour factor at walking speed,
    /// rounded up to the second.
    ///
    /// # Units
    /// Metres in, seconds out.
    pub fn walk_secs(&self, straight_m: f64) -> u32 {
        let secs = (straight_m * self.detour_factor / (self.walk_speed_kmh / 3.6)).ceil();
        // `as` saturates; a negative or NaN distance (not produced here) walks in no time.
        secs as u32
    }

    /// Walking speed along the straight line, once the detour is taken into account.
    ///
    /// # Units
    /// Metres per second.
    pub fn straight_walk_speed(&self) -> f64 {
        self.walk_speed_kmh / 3.6 / self.detour_factor
    }

    fn check(&self) -> Result<(), TimetableError> {
        let finite_non_negative = |v: f64| v.is_finite() && v >= 0.0;
        if !(self.detour_factor.is_finite() && self.detour_factor >= 1.0) {
            return Err(TimetableError::Settings(
                "the detour factor must be 1 or more",
            ));
        }
        if !(self.walk_speed_kmh.is_finite() && self.walk_speed_kmh > 0.0) {
            return Err(TimetableError::Settings(
                "the walking speed must be positive",
            ));
        }
        if !finite_non_negative(self.max_footpath_m) || !finite_non_negative(self.max_walk_m) {
            return Err(TimetableError::Settings(
                "walking distances must be finite and not negative",
            ));
        }
        Ok(())
    }
}

/// A stop, by its index in the timetable's stop list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StopIdx(pub u32);

impl StopIdx {
    /// The index into [`Timetable::stops`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A stop where vehicles halt (GTFS `location_type` 0), as the timetable is built from.
#[derive(Debug, Clone, PartialEq)]
pub struct StopInput {
    /// The feed's `stop_id`.
    pub id: String,
    /// The feed's `stop_name`, possibly empty.
    pub name: String,
    /// Where it is (`stop_lon`, `stop_lat`).
    pub pos: LonLat,
    /// The `stop_id` of the station this stop belongs to, if any. Kept for display and
    /// grouping; stations themselves are not stops here.
    pub parent_station: Option<String>,
}

/// One stop of a trip: when the vehicle arrives and leaves.
///
/// # Units
/// Seconds since midnight of the service day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StopTime {
    /// Index into the stop list given with the trips.
    pub stop: StopIdx,
    /// When the vehicle arrives: alighting passengers are there then.
    pub arrival: u32,
    /// When it leaves: boarding passengers must be there by then.
    pub departure: u32,
}

/// One vehicle's run, as the timetable is built from.
#[derive(Debug, Clone, PartialEq)]
pub struct TripInput {
    /// The feed's `trip_id` (a frequency-expanded trip gets a suffix), for error messages.
    pub trip_id: String,
    /// The feed's `route_id`. Routes of the timetable are grouped by stop sequence alone, so
    /// this is kept for reporting only.
    pub route_id: String,
    /// Whether the trip runs on the chosen service date; inactive trips are left out.
    pub active: bool,
    /// The stops in order of travel, with times that never go back.
    pub stop_times: Vec<StopTime>,
}

/// Why a timetable cannot be built from the inputs given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimetableError {
    /// A setting out of range (a detour under 1, a walking speed of 0, …).
    #[error("invalid settings: {0}")]
    Settings(&'static str),
    /// A stop time names a stop index past the end of the stop list.
    #[error("trip {trip_id}, stop {position}: stop index {stop} is not in the stop list")]
    UnknownStop {
        trip_id: String,
        position: usize,
        stop: u32,
    },
    /// An arrival before the previous departure, or a departure before its arrival.
    #[error("trip {trip_id}, stop {position}: the time goes back ({earlier} then {later})")]
    TimeGoesBack {
        trip_id: String,
        position: usize,
        earlier: u32,
        later: u32,
    },
    /// More than 2³² stops or stop times, or a time past 2³¹ seconds.
    #[error("the timetable is too large for 32-bit indices")]
    TooLarge,
}

/// Times from `u32::MAX / 2` on are refused, so that adding a walk to a time never overflows.
const LATEST_TIME: u32 = u32::MAX / 2;

/// The timetable of one service day, laid out for RAPTOR.
///
/// A route is a set of trips with the same stop sequence in which no trip overtakes another
/// (at every stop, a later trip arrives and leaves no earlier): the trips of one stop sequence
/// that would overtake go to a route of their own. Trips of a route are sorted by departure.
/// Stop times are kept in one flat array per kind, route by route, position by position, trip by
/// trip, so that the trips leaving one stop of a route are contiguous and sorted.
#[derive(Debug, Clone)]
pub struct Timetable {
    settings: TransitSettings,
    stops: Vec<StopInput>,
    ids: HashMap<String, StopIdx>,
    /// Route `r`'s stops are `route_stops[route_stop_start[r]..route_stop_start[r + 1]]`.
    route_stop_start: Vec<u32>,
    route_stops: Vec<StopIdx>,
    route_trip_count: Vec<u32>,
    /// Route `r`'s times start at `route_time_start[r]`: position `i`, trip `t` is at
    /// `route_time_start[r] + i * trips + t`.
    route_time_start: Vec<u32>,
    arrivals: Vec<u32>,
    departures: Vec<u32>,
    /// Stop `p`'s (route, position) pairs are `stop_routes[stop_route_start[p]..][..]`.
    stop_route_start: Vec<u32>,
    stop_routes: Vec<(u32, u32)>,
    /// Stop `p`'s footpaths (other stop, walking seconds).
    footpath_start: Vec<u32>,
    footpaths: Vec<(StopIdx, u32)>,
    grid: StopGrid,
    trips: usize,
}

/// One route of a [`Timetable`]: a stop sequence and its trips, none overtaking another.
#[derive(Debug, Clone, Copy)]
pub struct Route<'a> {
    stops: &'a [StopIdx],
    trips: usize,
    arrivals: &'a [u32],
    departures: &'a [u32],
}

impl<'a> Route<'a> {
    /// The stops in order of travel.
    pub fn stops(&self) -> &'a [StopIdx] {
        self.stops
    }

    /// Number of trips, sorted by departure.
    pub fn trip_count(&self) -> usize {
        self.trips
    }

    /// Arrival of trip `trip` at position `position` of the stop sequence.
    ///
    /// # Units
    /// Seconds since midnight.
    pub fn arrival(&self, trip: usize, position: usize) -> u32 {
        self.arrivals[position * self.trips + trip]
    }

    /// Departure of trip `trip` from position `position` of the stop sequence.
    ///
    /// # Units
    /// Seconds since midnight.
    pub fn departure(&self, trip: usize, position: usize) -> u32 {
        self.departures[position * self.trips + trip]
    }

    /// Departures of every trip from `position`, sorted.
    pub fn departures_at(&self, position: usize) -> &'a [u32] {
        &self.departures[position * self.trips..(position + 1) * self.trips]
    }

    /// Arrivals of every trip at `position`, sorted.
    pub fn arrivals_at(&self, position: usize) -> &'a [u32] {
        &self.arrivals[position * self.trips..(position + 1) * self.trips]
    }
}

fn index_u32(n: usize) -> Result<u32, TimetableError> {
    u32::try_from(n).map_err(|_| TimetableError::TooLarge)
}

impl Timetable {
    /// Builds the timetable: checks the trips, groups them into routes, finds the footpaths.
    /// Inactive trips and trips of fewer than two stops are left out.
    ///
    /// ```
    /// use placematch::domain::LonLat;
    /// use placematch::matching::transit::{StopIdx, StopInput, StopTime, Timetable, TransitSettings, TripInput};
    /// let stop = |id: &str, lon| StopInput {
    ///     id: id.into(), name: String::new(), pos: LonLat::new(lon, 49.6).unwrap(), parent_station: None,
    /// };
    /// let at = |s, t| StopTime { stop: StopIdx(s), arrival: t, departure: t };
    /// let trip = TripInput {
    ///     trip_id: "t1".into(), route_id: "r1".into(), active: true,
    ///     stop_times: vec![at(0, 8 * 3600), at(1, 8 * 3600 + 600)],
    /// };
    /// let tt = Timetable::build(vec![stop("a", 6.10), stop("b", 6.15)], vec![trip], &TransitSettings::default())?;
    /// assert_eq!(tt.route_count(), 1);
    /// # Ok::<(), placematch::matching::transit::TimetableError>(())
    /// ```
    pub fn build(
        stops: Vec<StopInput>,
        trips: Vec<TripInput>,
        settings: &TransitSettings,
    ) -> Result<Self, TimetableError> {
        settings.check()?;
        let n = stops.len();
        index_u32(n)?;
        let trips: Vec<TripInput> = trips
            .into_iter()
            .filter(|t| t.active && t.stop_times.len() >= 2)
            .collect();
        for trip in &trips {
            check_trip(trip, n)?;
        }

        // Patterns in order of first appearance, so that the same input gives the same layout.
        let mut pattern_of: HashMap<Vec<StopIdx>, usize> = HashMap::new();
        let mut patterns: Vec<Vec<usize>> = Vec::new();
        for (i, trip) in trips.iter().enumerate() {
            let key: Vec<StopIdx> = trip.stop_times.iter().map(|s| s.stop).collect();
            let next = patterns.len();
            let p = *pattern_of.entry(key).or_insert(next);
            if p == next {
                patterns.push(Vec::new());
            }
            patterns[p].push(i);
        }

        let mut routes: Vec<Vec<usize>> = Vec::new();
        for mut members in patterns {
            members.sort_by(|&a, &b| {
                let times = |t: usize| {
                    trips[t]
                        .stop_times
                        .iter()
                        .flat_map(|s| [s.departure, s.arrival])
                };
                times(a).cmp(times(b)).then(a.cmp(&b))
            });
            // Greedy split: each trip joins the first route whose last trip it never overtakes.
            // Trips come by first departure, so not overtaking the last means not overtaking any.
            let first = routes.len();
            for t in members {
                let fits = |route: &Vec<usize>| {
                    route.last().is_some_and(|&last| {
                        trips[last]
                            .stop_times
                            .iter()
                            .zip(&trips[t].stop_times)
                            .all(|(a, b)| a.arrival <= b.arrival && a.departure <= b.departure)
                    })
                };
                match routes[first..].iter().position(fits) {
                    Some(r) => routes[first + r].push(t),
                    None => routes.push(vec![t]),
                }
            }
        }

        let mut route_stop_start = Vec::with_capacity(routes.len() + 1);
        let mut route_stops = Vec::new();
        let mut route_trip_count = Vec::with_capacity(routes.len());
        let mut route_time_start = Vec::with_capacity(routes.len());
        let mut arrivals = Vec::new();
        let mut departures = Vec::new();
        route_stop_start.push(0);
        for members in &routes {
            let sequence = &trips[members[0]].stop_times;
            route_stops.extend(sequence.iter().map(|s| s.stop));
            route_stop_start.push(index_u32(route_stops.len())?);
            route_trip_count.push(index_u32(members.len())?);
            route_time_start.push(index_u32(arrivals.len())?);
            for position in 0..sequence.len() {
                for &t in members {
                    let st = trips[t].stop_times[position];
                    arrivals.push(st.arrival);
                    departures.push(st.departure);
                }
            }
        }
        index_u32(arrivals.len())?;

        let mut at_stop: Vec<(u32, u32, u32)> = Vec::with_capacity(route_stops.len());
        for r in 0..routes.len() {
            let (from, to) = (
                route_stop_start[r] as usize,
                route_stop_start[r + 1] as usize,
            );
            for (position, stop) in route_stops[from..to].iter().enumerate() {
                at_stop.push((stop.0, r as u32, position as u32));
            }
        }
        at_stop.sort_unstable();
        let mut stop_route_start = vec![0u32; n + 1];
        for &(s, _, _) in &at_stop {
            stop_route_start[s as usize + 1] += 1;
        }
        for k in 1..=n {
            stop_route_start[k] += stop_route_start[k - 1];
        }
        let stop_routes = at_stop.into_iter().map(|(_, r, p)| (r, p)).collect();

        let grid = StopGrid::new(&stops);
        let mut footpath_start = Vec::with_capacity(n + 1);
        let mut footpaths = Vec::new();
        footpath_start.push(0);
        for (i, stop) in stops.iter().enumerate() {
            for (q, metres) in grid.within(&stops, stop.pos, settings.max_footpath_m) {
                if q.index() != i {
                    footpaths.push((q, settings.walk_secs(metres)));
                }
            }
            footpath_start.push(index_u32(footpaths.len())?);
        }

        let ids = stops
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), StopIdx(i as u32)))
            .collect();
        Ok(Self {
            settings: *settings,
            stops,
            ids,
            route_stop_start,
            route_stops,
            route_trip_count,
            route_time_start,
            arrivals,
            departures,
            stop_route_start,
            stop_routes,
            footpath_start,
            footpaths,
            grid,
            trips: trips.len(),
        })
    }

    /// The settings the timetable was built with (footpaths depend on them) and that searches
    /// on it use for walking.
    pub fn settings(&self) -> &TransitSettings {
        &self.settings
    }

    /// Every stop, indexed by [`StopIdx`].
    pub fn stops(&self) -> &[StopInput] {
        &self.stops
    }

    /// Number of stops.
    pub fn stop_count(&self) -> usize {
        self.stops.len()
    }

    /// The stop with this `stop_id`.
    pub fn stop_index(&self, id: &str) -> Option<StopIdx> {
        self.ids.get(id).copied()
    }

    /// Number of routes (after splitting overtaking trips).
    pub fn route_count(&self) -> usize {
        self.route_trip_count.len()
    }

    /// Number of trips kept (active, two stops or more).
    pub fn trip_count(&self) -> usize {
        self.trips
    }

    /// Route `r`, `r < route_count()`.
    pub fn route(&self, r: usize) -> Route<'_> {
        let stops = &self.route_stops
            [self.route_stop_start[r] as usize..self.route_stop_start[r + 1] as usize];
        let trips = self.route_trip_count[r] as usize;
        let start = self.route_time_start[r] as usize;
        let end = start + stops.len() * trips;
        Route {
            stops,
            trips,
            arrivals: &self.arrivals[start..end],
            departures: &self.departures[start..end],
        }
    }

    /// The (route, position) pairs that serve stop `p`, by route.
    pub fn routes_at(&self, p: StopIdx) -> &[(u32, u32)] {
        let i = p.index();
        &self.stop_routes[self.stop_route_start[i] as usize..self.stop_route_start[i + 1] as usize]
    }

    /// The footpaths from stop `p`: every other stop within `max_footpath_m` (straight line),
    /// with the walking time, by stop index.
    ///
    /// # Units
    /// Seconds.
    pub fn footpaths(&self, p: StopIdx) -> &[(StopIdx, u32)] {
        let i = p.index();
        &self.footpaths[self.footpath_start[i] as usize..self.footpath_start[i + 1] as usize]
    }

    /// Total number of footpaths (each direction counted).
    pub fn footpath_count(&self) -> usize {
        self.footpaths.len()
    }

    /// The stops within `radius_m` (straight line) of `point`, with their distance, by stop
    /// index.
    ///
    /// # Units
    /// Metres.
    pub fn stops_within(&self, point: LonLat, radius_m: f64) -> Vec<(StopIdx, f64)> {
        self.grid.within(&self.stops, point, radius_m)
    }

    /// Access (or egress: walking is symmetric) from a point: the stops within `max_walk_m` and
    /// the time to walk there.
    ///
    /// # Units
    /// Seconds.
    pub fn access(&self, point: LonLat) -> Vec<(StopIdx, u32)> {
        self.stops_within(point, self.settings.max_walk_m)
            .into_iter()
            .map(|(s, m)| (s, self.settings.walk_secs(m)))
            .collect()
    }

    /// The time to walk from `from` to `to` all the way, if they are no further apart than
    /// `max_walk_m` (straight line).
    ///
    /// # Units
    /// Seconds.
    pub fn direct_walk_secs(&self, from: LonLat, to: LonLat) -> Option<u32> {
        let metres = from.distance_m(to);
        (metres <= self.settings.max_walk_m).then(|| self.settings.walk_secs(metres))
    }
}

fn check_trip(trip: &TripInput, n: usize) -> Result<(), TimetableError> {
    let mut previous = 0u32;
    for (position, st) in trip.stop_times.iter().enumerate() {
        if st.stop.index() >= n {
            return Err(TimetableError::UnknownStop {
                trip_id: trip.trip_id.clone(),
                position,
                stop: st.stop.0,
            });
        }
        for (earlier, later) in [(previous, st.arrival), (st.arrival, st.departure)] {
            if later < earlier {
                return Err(TimetableError::TimeGoesBack {
                    trip_id: trip.trip_id.clone(),
                    position,
                    earlier,
                    later,
                });
            }
        }
        if st.departure >= LATEST_TIME {
            return Err(TimetableError::TooLarge);
        }
        previous = st.departure;
    }
    Ok(())
}

/// Stops bucketed by cells of about [`GRID_CELL_M`] in latitude and longitude degrees, sorted by
/// (row, column) so that one row's run of cells is one slice.
#[derive(Debug, Clone)]
struct StopGrid {
    /// Cell height and width.
    ///
    /// # Units
    /// Degrees.
    cell_lat: f64,
    cell_lon: f64,
    /// The largest |latitude| the cell width was sized for.
    ///
    /// # Units
    /// Degrees.
    lat_limit: f64,
    /// (row, column, stop), sorted.
    cells: Vec<(i32, i32, u32)>,
}

impl StopGrid {
    fn new(stops: &[StopInput]) -> Self {
        let top = stops
            .iter()
            .map(|s| s.pos.lat().abs())
            .fold(0.0f64, f64::max);
        let lat_limit = (top + 1.0).min(89.0);
        let cell_lat = GRID_CELL_M / METRES_PER_DEGREE_LOW;
        let cell_lon = cell_lat / lat_limit.to_radians().cos();
        let mut grid = Self {
            cell_lat,
            cell_lon,
            lat_limit,
            cells: Vec::with_capacity(stops.len()),
        };
        grid.cells = stops
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let (row, column) = grid.cell_of(s.pos);
                (row, column, i as u32)
            })
            .collect();
        grid.cells.sort_unstable();
        grid
    }

    fn cell_of(&self, p: LonLat) -> (i32, i32) {
        // `as` saturates, so far-away points land on the edge and find nothing.
        (
            (p.lat() / self.cell_lat).floor() as i32,
            (p.lon() / self.cell_lon).floor() as i32,
        )
    }

    /// Stops within `radius_m` of `point`, by stop index.
    fn within(&self, stops: &[StopInput], point: LonLat, radius_m: f64) -> Vec<(StopIdx, f64)> {
        let mut found = Vec::new();
        let keep = |i: usize, found: &mut Vec<(StopIdx, f64)>| {
            let metres = point.distance_m(stops[i].pos);
            if metres <= radius_m {
                found.push((StopIdx(i as u32), metres));
            }
        };
        // The cell bound below holds for short distances; a search this wide reads every stop.
        if radius_m.is_nan() || radius_m > 50_000.0 || point.lat().abs() > 88.0 {
            for i in 0..stops.len() {
                keep(i, &mut found);
            }
            return found;
        }
        // A distance d spans at most d / 111,195 degrees of latitude and d / (111,195 cos φ)
        // of longitude at the highest latitude φ of the two points; one ring more covers the
        // rounding of both points to cells.
        let rows = (radius_m / GRID_CELL_M).ceil() as i32 + 1;
        let widest = point
            .lat()
            .abs()
            .max(self.lat_limit)
            .min(89.0)
            .to_radians()
            .cos();
        let stretch = self.lat_limit.to_radians().cos() / widest;
        let columns = (radius_m / GRID_CELL_M * stretch).ceil() as i32 + 1;
        let (row, column) = self.cell_of(point);
        for r in row.saturating_sub(rows)..=row.saturating_add(rows) {
            let lo = (r, column.saturating_sub(columns), 0);
            let hi = (r, column.saturating_add(columns), u32::MAX);
            let start = self.cells.partition_point(|c| *c < lo);
            let end = self.cells.partition_point(|c| *c <= hi);
            for &(_, _, i) in &self.cells[start..end] {
                keep(i as usize, &mut found);
            }
        }
        found.sort_unstable_by_key(|&(s, _)| s);
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn stop(i: usize, lon: f64, lat: f64) -> StopInput {
        StopInput {
            id: format!("s{i}"),
            name: String::new(),
            pos: LonLat::new(lon, lat).expect("in range"),
            parent_station: None,
        }
    }

    fn at(stop: u32, arrival: u32, departure: u32) -> StopTime {
        StopTime {
            stop: StopIdx(stop),
            arrival,
            departure,
        }
    }

    fn trip(id: &str, times: Vec<StopTime>) -> TripInput {
        TripInput {
            trip_id: id.into(),
            route_id: "r".into(),
            active: true,
            stop_times: times,
        }
    }

    #[test]
    fn a_walk_of_a_kilometre_takes_17_minutes_20_seconds_with_the_default_detour() {
        // 1,000 m × 1.3 at 1.25 m/s = 1,040 s.
        assert_eq!(TransitSettings::default().walk_secs(1_000.0), 1_040);
    }

    #[test]
    fn a_trip_that_would_overtake_another_gets_a_route_of_its_own() {
        let stops = (0..3)
            .map(|i| stop(i, 6.0 + i as f64 * 0.01, 49.6))
            .collect();
        let slow = trip(
            "slow",
            vec![at(0, 100, 100), at(1, 900, 900), at(2, 2_000, 2_000)],
        );
        let fast = trip(
            "fast",
            vec![at(0, 200, 200), at(1, 500, 500), at(2, 800, 800)],
        );
        let later = trip(
            "later",
            vec![at(0, 300, 300), at(1, 1_000, 1_000), at(2, 2_100, 2_100)],
        );
        let tt = Timetable::build(stops, vec![slow, fast, later], &TransitSettings::default())
            .expect("valid");
        assert_eq!(tt.route_count(), 2);
        assert_eq!(tt.trip_count(), 3);
        for r in 0..tt.route_count() {
            let route = tt.route(r);
            for position in 0..route.stops().len() {
                assert!(route.departures_at(position).is_sorted());
                assert!(route.arrivals_at(position).is_sorted());
            }
        }
    }

    #[test]
    fn a_trip_whose_time_goes_back_is_refused_with_its_id_and_position() {
        let stops = (0..2)
            .map(|i| stop(i, 6.0 + i as f64 * 0.01, 49.6))
            .collect();
        let bad = trip("t9", vec![at(0, 100, 500), at(1, 400, 400)]);
        let err = Timetable::build(stops, vec![bad], &TransitSettings::default())
            .expect_err("times go back");
        assert_eq!(
            err.to_string(),
            "trip t9, stop 1: the time goes back (500 then 400)"
        );
    }

    #[test]
    fn inactive_and_one_stop_trips_are_left_out() {
        let stops = (0..2)
            .map(|i| stop(i, 6.0 + i as f64 * 0.01, 49.6))
            .collect();
        let mut off = trip("off", vec![at(0, 100, 100), at(1, 400, 400)]);
        off.active = false;
        let single = trip("single", vec![at(0, 100, 100)]);
        let tt =
            Timetable::build(stops, vec![off, single], &TransitSettings::default()).expect("valid");
        assert_eq!((tt.route_count(), tt.trip_count()), (0, 0));
    }

    /// Stops at `points` (degrees off 6° E, `lat` N) and no trip, on the default settings.
    fn stops_only(points: &[(f64, f64)], lat: f64) -> (Vec<StopInput>, TransitSettings, Timetable) {
        let stops: Vec<StopInput> = points
            .iter()
            .enumerate()
            .map(|(i, &(x, y))| stop(i, 6.0 + x, lat + y))
            .collect();
        let settings = TransitSettings::default();
        let tt = Timetable::build(stops.clone(), vec![], &settings).expect("valid");
        (stops, settings, tt)
    }

    proptest! {
        #[test]
        fn footpaths_are_exactly_the_pairs_within_the_limit(
            points in prop::collection::vec((-0.02f64..0.02, -0.02f64..0.02), 1..80),
            lat in -70.0f64..70.0,
        ) {
            let (stops, settings, tt) = stops_only(&points, lat);
            for (i, a) in stops.iter().enumerate() {
                let expected: Vec<(StopIdx, u32)> = stops
                    .iter()
                    .enumerate()
                    .filter(|&(j, b)| j != i && a.pos.distance_m(b.pos) <= settings.max_footpath_m)
                    .map(|(j, b)| (StopIdx(j as u32), settings.walk_secs(a.pos.distance_m(b.pos))))
                    .collect();
                prop_assert_eq!(tt.footpaths(StopIdx(i as u32)), &expected[..]);
            }
        }

        #[test]
        fn access_finds_every_stop_within_the_walking_limit(
            points in prop::collection::vec((-0.03f64..0.03, -0.03f64..0.03), 1..80),
            origin in (-0.03f64..0.03, -0.03f64..0.03),
            lat in -70.0f64..70.0,
        ) {
            let (stops, settings, tt) = stops_only(&points, lat);
            let o = LonLat::new(6.0 + origin.0, lat + origin.1).expect("in range");
            let expected: Vec<StopIdx> = (0..stops.len())
                .filter(|&j| o.distance_m(stops[j].pos) <= settings.max_walk_m)
                .map(|j| StopIdx(j as u32))
                .collect();
            let found: Vec<StopIdx> = tt.access(o).into_iter().map(|(s, _)| s).collect();
            prop_assert_eq!(found, expected);
        }
    }
}
