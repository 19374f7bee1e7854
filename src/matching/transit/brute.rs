//! The reference search: a time-dependent Dijkstra over the same [`Timetable`] and the same
//! [journey model](super#the-journey-model) as [`raptor`](super::raptor), written for
//! obviousness, not speed. It looks at every trip of every route at every stop it settles and
//! relies on neither the trips' order nor their not overtaking. Test support, kept in the
//! library so that the main crate's property tests can use it too.
//!
//! A state is (stop, rides taken, how the stop was reached): by alighting (or the access walk),
//! from where a footpath may be walked, or on foot, from where it may not.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{StopIdx, Timetable};

/// The earliest arrival at every stop, by stop index, leaving at `depart_at` with the `access`
/// walks (stop, walking seconds) and at most `max_transfers` transfers. Same meaning as
/// [`raptor::earliest_arrivals`](super::raptor::earliest_arrivals).
///
/// # Units
/// Seconds since midnight.
pub fn earliest_arrivals(
    tt: &Timetable,
    access: &[(StopIdx, u32)],
    depart_at: u32,
    max_transfers: u8,
) -> Vec<Option<u32>> {
    let n = tt.stop_count();
    let max_rides = max_transfers as usize + 1;
    let layers = max_rides + 1;
    // State (stop, rides, walked) at index (stop * layers + rides) * 2 + walked.
    let state = |stop: usize, rides: usize, walked: usize| (stop * layers + rides) * 2 + walked;
    let mut settled = vec![false; n * layers * 2];
    let mut best: Vec<Option<u32>> = vec![None; n];
    let mut queue = BinaryHeap::new();
    for &(s, walk) in access {
        if s.index() < n {
            queue.push(Reverse((
                depart_at.saturating_add(walk),
                state(s.index(), 0, 0),
            )));
        }
    }
    while let Some(Reverse((time, at))) = queue.pop() {
        if settled[at] {
            continue;
        }
        settled[at] = true;
        let (stop, rides, walked) = (at / 2 / layers, at / 2 % layers, at % 2);
        if best[stop].is_none_or(|b| time < b) {
            best[stop] = Some(time);
        }
        if walked == 0 {
            for &(q, secs) in tt.footpaths(StopIdx(stop as u32)) {
                queue.push(Reverse((
                    time.saturating_add(secs),
                    state(q.index(), rides, 1),
                )));
            }
        }
        if rides == max_rides {
            continue;
        }
        for r in 0..tt.route_count() {
            let route = tt.route(r);
            let stops = route.stops();
            for (board, s) in stops.iter().enumerate() {
                if s.index() != stop {
                    continue;
                }
                for trip in 0..route.trip_count() {
                    if route.departure(trip, board) < time {
                        continue;
                    }
                    for (alight, t) in stops.iter().enumerate().skip(board + 1) {
                        let arrival = route.arrival(trip, alight);
                        queue.push(Reverse((arrival, state(t.index(), rides + 1, 0))));
                    }
                }
            }
        }
    }
    best
}
