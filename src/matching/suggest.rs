//! Suggestions for one person: the best eligible openings within reach, each with its breakdown,
//! and the openings within reach that a hard rule excluded, with the rules. Candidates come
//! nearest first from a grid over the openings (suggestions) or an R-tree (the nightly lists,
//! radius queries), never from a scan of all of them.

use uuid::Uuid;

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::{ControlFlow, Range};

use super::evaluate::{CriterionPart, Exclusion, PreparedPerson, Seats, assess, explain};
use super::grid::RingWalker;
use super::index::{BoundBroken, HotPerson, OpeningIndex, SearchArea, plane_d2};
use super::model::{Beneficiary, MatchingConfig};

/// One suggested opening.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub opening_id: Uuid,
    /// Higher is better; the sum of `breakdown`'s points.
    pub score: i64,
    pub breakdown: Vec<CriterionPart>,
    pub seats_left: u32,
}

/// An opening within reach that hard rules excluded, with every rule that does.
#[derive(Debug, Clone, PartialEq)]
pub struct Excluded {
    pub opening_id: Uuid,
    pub reasons: Vec<Exclusion>,
}

/// Suggestions for one person.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestions {
    pub items: Vec<Suggestion>,
    pub excluded: Vec<Excluded>,
}

/// One nearest-first search of [`suggest`]: what it has found so far, and the step for each
/// opening met.
struct Walk<'a> {
    area: SearchArea<'a>,
    index: &'a OpeningIndex,
    p: &'a PreparedPerson<'a>,
    limit: usize,
    excluded_limit: usize,
    /// Worst of the best `limit` so far on top: lowest score, then highest id.
    best: BinaryHeap<Reverse<Ranked>>,
    /// Excluded openings met, with their plane distance: reasons are worked out for the
    /// nearest `excluded_limit` only, at the end.
    met_excluded: Vec<(f64, usize)>,
    memo: Vec<f64>,
    hot_person: HotPerson,
    current_index: Option<usize>,
}

impl Walk<'_> {
    /// Whether the search stops before an opening at a plane distance of `km`: once a perfect
    /// fit this far could not enter the best `limit` (an equal score with a lower id still
    /// would, hence `<`), none farther can, openings coming nearest first.
    fn stops(&self, km: f64) -> bool {
        self.full_above(self.area.bound(km))
    }

    /// Whether the best `limit` found all score above `bound`.
    fn full_above(&self, bound: i64) -> bool {
        self.limit > 0
            && self.best.len() == self.limit
            && bound < self.best.peek().expect("full").0.0
    }

    /// Judges the opening at `slot` of `hot`, at a plane distance of `sqrt(d2)`: its score
    /// when it is eligible.
    fn visit(&mut self, d2: f64, slot: usize) -> Option<i64> {
        let index = self.index;
        let h = &index.hot[slot];
        let i = h.index as usize;
        let seats = Seats::Check {
            is_current: self.current_index == Some(i),
        };
        let assessed = if self.hot_person.may_pass(h, seats) {
            index.score(self.p, slot, self.area.config, &mut self.memo)
        } else {
            None
        };
        let Some(a) = assessed else {
            if self.excluded_limit > 0 {
                self.met_excluded.push((d2, i));
            }
            return None;
        };
        let score = a.score();
        let key = Reverse((score, Reverse(index.ids[slot]), i, slot));
        if self.best.len() < self.limit {
            self.best.push(key);
        } else if self.limit > 0 && key < *self.best.peek().expect("full") {
            self.best.pop();
            self.best.push(key);
        }
        Some(score)
    }

    /// The search in the R-tree's nearest-first order, one opening after the other.
    fn by_tree(&mut self) {
        let index = self.index;
        for (g, d2) in index
            .tree
            .nearest_neighbor_iter_with_distance_2(&self.area.centre)
        {
            let km = d2.sqrt();
            if km > self.area.outer_km || self.stops(km) {
                break;
            }
            self.visit(d2, g.data);
        }
    }

    /// The result of [`Self::by_tree`] without its order: ring by ring of the grid, each
    /// opening judged as it comes unless the search in order would surely have stopped before
    /// it, until it would surely have stopped before anything farther.
    ///
    /// Why that is the same: a pair's score is at most the bound at its distance (`Err` if one
    /// is not: the caller then walks in order). So the best `limit` found have scores above
    /// the bound at some distance only if all of them are nearer; then the search in order
    /// found them too by the time it got there, and stopped. An opening skipped here was
    /// skipped there. One judged here but not there scores below the best `limit` (it is out
    /// of the suggestions), and when it is excluded, the best `limit` at the end tell: those
    /// are the same as there, and it is met there only if they do not stop the search at its
    /// distance.
    fn by_grid(&mut self) -> Result<(), BoundBroken> {
        let index = self.index;
        let centre = self.area.centre;
        let mut rings = WalkRings {
            walk: self,
            skip_from: f64::INFINITY,
        };
        if let ControlFlow::Break(broken) = index.grid.walk(centre, &mut rings) {
            return Err(broken);
        }
        // The excluded openings the search in order met.
        let met = std::mem::take(&mut self.met_excluded);
        self.met_excluded = met
            .into_iter()
            .filter(|(d2, _)| !self.stops(d2.sqrt()))
            .collect();
        Ok(())
    }
}

/// [`Walk::by_grid`]'s steps on the grid.
struct WalkRings<'w, 'a> {
    walk: &'w mut Walk<'a>,
    /// From this plane distance on, the search in order would surely have stopped (the best
    /// found only get better).
    skip_from: f64,
}

impl RingWalker for WalkRings<'_, '_> {
    type Stop = BoundBroken;

    fn next_ring(&mut self, near: f64) -> bool {
        near <= self.walk.area.outer_km && !self.walk.stops(near)
    }

    #[inline]
    fn step(&mut self, slots: Range<usize>) -> ControlFlow<BoundBroken> {
        let w = &mut *self.walk;
        let (points, centre, outer) = (&w.index.points, w.area.centre, w.area.outer_km);
        for slot in slots {
            let d2 = plane_d2(points[slot], centre);
            let km = d2.sqrt();
            if km > outer || km >= self.skip_from {
                continue;
            }
            let mut bound = None;
            if w.limit > 0 && w.best.len() == w.limit {
                let b = w.area.bound(km);
                if w.full_above(b) {
                    self.skip_from = km;
                    continue;
                }
                bound = Some(b);
            }
            if let Some(score) = w.visit(d2, slot)
                && score > bound.unwrap_or_else(|| w.area.bound(km))
            {
                return ControlFlow::Break(BoundBroken);
            }
        }
        ControlFlow::Continue(())
    }
}

/// A candidate's rank: score, then id (the lower first), then position in
/// [`OpeningIndex::openings`] and in `hot`.
type Ranked = (i64, Reverse<Uuid>, usize, usize);

/// The `limit` best eligible openings within reach (best first; equal scores by opening id),
/// and up to `excluded_limit` excluded ones, nearest first.
///
/// Openings are visited nearest first. Travel points only fall with distance and every other
/// criterion has a ceiling, so once even a perfect fit at the current distance could not beat
/// the `limit`-th suggestion found so far, no farther opening can: the search stops there, and
/// the result is exactly that of assessing every opening in reach. The excluded
/// openings are the nearest among those the search met: every excluded opening nearer than the
/// last suggestion (the caseworker's "why not that nearer one?") and, when fewer than `limit`
/// openings fit, those within reach and a little beyond (listed for travel).
pub fn suggest(
    person: &Beneficiary,
    index: &OpeningIndex,
    config: &MatchingConfig,
    today: time::Date,
    limit: usize,
    excluded_limit: usize,
) -> Suggestions {
    search(person, index, config, today, limit, excluded_limit, false)
}

/// [`suggest`], over the grid unless `in_order` (the R-tree's order, which the grid's search
/// falls back on).
fn search(
    person: &Beneficiary,
    index: &OpeningIndex,
    config: &MatchingConfig,
    today: time::Date,
    limit: usize,
    excluded_limit: usize,
    in_order: bool,
) -> Suggestions {
    let p = PreparedPerson::new(person, today);
    let current = person.current.map(|c| c.opening_id);
    // Openings a little beyond reach are listed as excluded for travel, which is what a
    // caseworker asks about ("why not the one in the next town?").
    let radius_m = config.reach_m(person) * 1.5;
    let mut memo = Vec::new();
    let remembered_all = index.remembered(&p.skills, &mut memo);
    let mut walk = Walk {
        area: SearchArea::new(&p, index, config, radius_m),
        index,
        p: &p,
        limit,
        excluded_limit,
        best: BinaryHeap::new(),
        met_excluded: Vec::new(),
        memo,
        hot_person: HotPerson::new(&p, index),
        current_index: current.and_then(|id| index.position.get(&id).copied()),
    };
    if in_order || walk.by_grid().is_err() {
        walk.best.clear();
        walk.met_excluded.clear();
        walk.by_tree();
    }
    let Walk {
        best,
        mut met_excluded,
        mut memo,
        ..
    } = walk;
    let mut ranked: Vec<(i64, Uuid, usize, usize)> = best
        .into_iter()
        .map(|Reverse((score, Reverse(id), i, slot))| (score, id, i, slot))
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let items = ranked
        .into_iter()
        .map(|(score, id, i, slot)| {
            let o = &index.openings[i];
            let a = index
                .score(&p, slot, config, &mut memo)
                .expect("an opening that passed once passes again");
            debug_assert_eq!(a.score(), score);
            debug_assert_eq!(
                assess(
                    &p,
                    o,
                    index.prepared(i),
                    config,
                    Seats::Check {
                        is_current: current == Some(o.id),
                    }
                )
                .ok()
                .as_ref(),
                Some(&a),
                "the packed copy scores as the full record"
            );
            Suggestion {
                opening_id: id,
                score,
                breakdown: explain(&a, &p, o, config),
                seats_left: o.free_seats(),
            }
        })
        .collect();
    if !remembered_all {
        index.remember(&p.skills, &memo);
    }
    // The nearest excluded openings, with every rule that excludes each.
    let by_plane = |a: &(f64, usize), b: &(f64, usize)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
    if met_excluded.len() > excluded_limit * 2 {
        met_excluded.select_nth_unstable_by(excluded_limit * 2, by_plane);
        met_excluded.truncate(excluded_limit * 2);
    }
    let mut near: Vec<(f64, usize)> = met_excluded
        .into_iter()
        .map(|(_, i)| (person.home.distance_m(index.openings[i].location), i))
        .filter(|(m, _)| *m <= radius_m)
        .collect();
    near.sort_by(by_plane);
    near.truncate(excluded_limit);
    let excluded = near
        .into_iter()
        .map(|(_, i)| {
            let o = &index.openings[i];
            let seats = Seats::Check {
                is_current: current == Some(o.id),
            };
            let why = assess(&p, o, index.prepared(i), config, seats)
                .err()
                .unwrap_or_default();
            Excluded {
                opening_id: o.id,
                reasons: why,
            }
        })
        .collect();
    Suggestions { items, excluded }
}

#[cfg(test)]
mod tests {
    //! The search against the straightforward way, as it was before the grid and the packed
    //! copy: the R-tree's nearest-first walk, every candidate judged by [`assess`] on its full
    //! record.

    use super::*;
    use crate::domain::{CefrLevel, LanguageLevel, LonLat, OpeningKind, Programme};
    use crate::matching::evaluate::Assessment;
    use crate::matching::model::Opening;
    use crate::matching::model::{CurrentPlacement, CurrentState};
    use crate::matching::pairs::{PriceTest, for_each_affordable, pairs_by};
    use crate::matching::skills::best_similarity;
    use crate::matching::synthetic::{Territory, generate};
    use proptest::prelude::*;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    use std::collections::HashMap;

    const TODAY: time::Date = time::macros::date!(2026 - 11 - 24);

    fn straightforward(
        person: &Beneficiary,
        index: &OpeningIndex,
        config: &MatchingConfig,
        limit: usize,
        excluded_limit: usize,
    ) -> Suggestions {
        let p = PreparedPerson::new(person, TODAY);
        let current = person.current.map(|c| c.opening_id);
        let radius_m = config.reach_m(person) * 1.5;
        let area = SearchArea::new(&p, index, config, radius_m);
        let seats_of = |o: &Opening| Seats::Check {
            is_current: current == Some(o.id),
        };
        let mut best: BinaryHeap<Reverse<(i64, Reverse<Uuid>, usize)>> = BinaryHeap::new();
        let mut met_excluded: Vec<(f64, usize)> = Vec::new();
        for (g, d2) in index
            .tree
            .nearest_neighbor_iter_with_distance_2(&area.centre)
        {
            let km = d2.sqrt();
            if km > area.outer_km {
                break;
            }
            if limit > 0 && best.len() == limit && area.bound(km) < best.peek().unwrap().0.0 {
                break;
            }
            let i = index.hot[g.data].index as usize;
            let o = &index.openings[i];
            match assess(&p, o, index.prepared(i), config, seats_of(o)) {
                Ok(a) => {
                    let key = Reverse((a.score(), Reverse(o.id), i));
                    if best.len() < limit {
                        best.push(key);
                    } else if limit > 0 && key < *best.peek().unwrap() {
                        best.pop();
                        best.push(key);
                    }
                }
                Err(_) => met_excluded.push((d2, i)),
            }
        }
        let mut ranked: Vec<(i64, Uuid, usize)> = best
            .into_iter()
            .map(|Reverse((score, Reverse(id), i))| (score, id, i))
            .collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let items = ranked
            .into_iter()
            .map(|(score, id, i)| {
                let o = &index.openings[i];
                let a = assess(&p, o, index.prepared(i), config, seats_of(o)).unwrap();
                Suggestion {
                    opening_id: id,
                    score,
                    breakdown: explain(&a, &p, o, config),
                    seats_left: o.free_seats(),
                }
            })
            .collect();
        let by_plane = |a: &(f64, usize), b: &(f64, usize)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
        met_excluded.sort_by(by_plane);
        met_excluded.truncate(excluded_limit * 2);
        let mut near: Vec<(f64, usize)> = met_excluded
            .into_iter()
            .map(|(_, i)| (person.home.distance_m(index.openings[i].location), i))
            .filter(|(m, _)| *m <= radius_m)
            .collect();
        near.sort_by(by_plane);
        near.truncate(excluded_limit);
        let excluded = near
            .into_iter()
            .map(|(_, i)| {
                let o = &index.openings[i];
                Excluded {
                    opening_id: o.id,
                    reasons: assess(&p, o, index.prepared(i), config, seats_of(o)).unwrap_err(),
                }
            })
            .collect();
        Suggestions { items, excluded }
    }

    /// A synthetic territory with what the generator leaves out: openings at one address,
    /// full ones, hosts at their cap, sectors refused, kinds reserved to a programme, several
    /// languages, current placements.
    fn varied(seed: u64, openings: usize) -> (Vec<Beneficiary>, Vec<Opening>) {
        let mut territory = Territory::new(6, openings, seed);
        // Dense enough, now and then, that searches stop well within reach.
        if seed.is_multiple_of(2) {
            territory.side_km = 6.0;
        }
        let (mut people, mut list) = generate(&territory);
        let mut rng = StdRng::seed_from_u64(seed);
        let sectors = ["cleaning", "Environment", "care", ""];
        // Sometimes most openings share an address with another, so that searches stop among
        // openings at one distance.
        let shared = if rng.random_bool(0.5) { 0.2 } else { 0.9 };
        for k in 0..list.len() {
            if k > 0 && rng.random_bool(shared) {
                list[k].location = list[rng.random_range(0..k)].location;
            }
            let o = &mut list[k];
            o.sector = sectors[rng.random_range(0..sectors.len())].to_owned();
            if rng.random_bool(0.1) {
                o.seats_taken = o.seats;
            }
            if rng.random_bool(0.1) {
                o.host_monthly_cap = Some(2);
                o.host_intake_this_month = rng.random_range(0..4);
            }
            if rng.random_bool(0.1) {
                o.kind = OpeningKind::Article60;
                o.programmes.push(Programme::CpasRis);
            }
            if rng.random_bool(0.1) {
                o.end_date = None;
            }
            if rng.random_bool(0.15) {
                for code in ["lb", "de", "en"] {
                    o.languages.push(LanguageLevel {
                        language: code.parse().unwrap(),
                        level: CefrLevel::ALL[rng.random_range(0..3)],
                    });
                }
            }
        }
        // A few openings and people far from the rest.
        for o in list.iter_mut().filter(|_| rng.random_bool(0.05)) {
            o.location = LonLat::new(o.location.lon() + 1.5, o.location.lat() - 0.8).unwrap();
        }
        people[0].home = LonLat::new(people[0].home.lon() - 2.0, people[0].home.lat()).unwrap();
        for b in &mut people {
            if rng.random_bool(0.3) {
                b.refused_sectors = vec!["cleaning".into(), "care".into()];
            }
            if rng.random_bool(0.3) {
                b.programme = Programme::CpasRis;
            }
            if rng.random_bool(0.3) {
                b.current = Some(CurrentPlacement {
                    opening_id: list[rng.random_range(0..list.len())].id,
                    state: CurrentState::Proposed,
                });
            }
        }
        (people, list)
    }

    /// The default weights, or travel alone: travel alone makes scores close to the stopping
    /// bound, where a search that stops too early or too late shows.
    fn weights(travel_only: bool) -> MatchingConfig {
        if travel_only {
            MatchingConfig {
                weight_skills: 0,
                weight_language: 0,
                weight_hours: 0,
                weight_waiting: 0,
                skills_points_when_none_asked: 0,
                ..MatchingConfig::default()
            }
        } else {
            MatchingConfig::default()
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn the_packed_search_suggests_and_excludes_exactly_what_assessing_each_record_does(
            seed in 0u64..10_000,
            size in prop::sample::select(vec![40usize, 300, 2_000, 5_000]),
            limit in 0usize..12,
            excluded_limit in prop_oneof![0usize..30, Just(1_000)],
            travel_only in any::<bool>(),
        ) {
            let (people, openings) = varied(seed, size);
            let config = weights(travel_only);
            let index = OpeningIndex::new(openings);
            for person in &people {
                let fast = suggest(person, &index, &config, TODAY, limit, excluded_limit);
                let slow = straightforward(person, &index, &config, limit, excluded_limit);
                prop_assert_eq!(&fast, &slow);
                let in_order = search(person, &index, &config, TODAY, limit, excluded_limit, true);
                prop_assert_eq!(&in_order, &slow);
            }
        }

        #[test]
        fn the_packed_copy_scores_every_pair_as_its_full_record(seed in 0u64..10_000) {
            let (people, openings) = varied(seed, 200);
            let config = MatchingConfig::default();
            let index = OpeningIndex::new(openings);
            for person in &people {
                let p = PreparedPerson::new(person, TODAY);
                let hot_person = HotPerson::new(&p, &index);
                let mut memo = vec![f64::NAN; index.vocabulary.len()];
                for (slot, h) in index.hot.iter().enumerate() {
                    let i = h.index as usize;
                    let seats = Seats::Ignore;
                    let full = assess(&p, &index.openings[i], index.prepared(i), &config, seats).ok();
                    let packed = if hot_person.may_pass(h, seats) {
                        index.score(&p, slot, &config, &mut memo)
                    } else {
                        None
                    };
                    prop_assert_eq!(packed, full);
                }
            }
        }

        /// Suggestions remember people's skill similarities across searches: a search that
        /// finds them remembered (the same person again, or others with the same skills) must
        /// answer exactly what a search on a fresh index answers.
        #[test]
        fn remembered_similarities_change_no_suggestion(seed in 0u64..10_000) {
            let (mut people, openings) = varied(seed, 300);
            // People who share some skills but not all: a skill remembered in full beside one
            // remembered in part, or not at all.
            for k in 1..people.len() {
                if let Some(shared) = people[k - 1].skills.first().cloned() {
                    people[k].skills.push(shared);
                }
            }
            let config = MatchingConfig::default();
            let warm = OpeningIndex::new(openings.clone());
            for round in 0..2 {
                for person in &people {
                    let fresh = OpeningIndex::new(openings.clone());
                    let expected = suggest(person, &fresh, &config, TODAY, 10, 20);
                    let got = suggest(person, &warm, &config, TODAY, 10, 20);
                    prop_assert_eq!(&got, &expected, "round {}", round);
                }
            }
        }

        /// The nightly listing walks the grid: it must list the same best pairs as the walk
        /// in order, and its ceiling must hold for every eligible pair it leaves out.
        #[test]
        fn the_listing_lists_the_best_pairs_and_caps_every_other(
            seed in 0u64..10_000,
            size in prop::sample::select(vec![40usize, 300, 2_000]),
            m in prop::sample::select(vec![1usize, 3, 16]),
            travel_only in any::<bool>(),
        ) {
            let (people, openings) = varied(seed, size);
            let config = weights(travel_only);
            let index = OpeningIndex::new(openings);
            for person in people.iter().take(40) {
                let p = PreparedPerson::new(person, TODAY);
                let radius_m = config.reach_m(person);
                let mut memo = index.skill_memo();
                let grid = pairs_by(&p, &index, &config, Seats::Ignore, m, radius_m, &mut memo, false);
                let in_order = pairs_by(&p, &index, &config, Seats::Ignore, m, radius_m, &mut memo, true);
                prop_assert_eq!(&grid.pairs, &in_order.pairs);
                for (j, o) in index.openings().iter().enumerate() {
                    let Ok(a) = assess(&p, o, index.prepared(j), &config, Seats::Ignore) else {
                        continue;
                    };
                    if grid.pairs.iter().all(|(k, _)| *k != j) {
                        prop_assert!(
                            grid.left_out_max_score.is_some_and(|s| a.score() <= s),
                            "opening {} scores {} but the ceiling is {:?}",
                            j, a.score(), grid.left_out_max_score
                        );
                    }
                }
            }
        }

        /// The nightly run remembers every skill of its people at once, then its searches read
        /// the similarities: each must be what comparing the person's skills with the asked one
        /// gives, also after suggestions remembered some of them first.
        #[test]
        fn remembering_a_runs_skills_gives_each_person_the_similarities_of_their_skills(
            seed in 0u64..10_000,
            suggested_first in 0usize..5,
        ) {
            let (people, openings) = varied(seed, 60);
            let config = MatchingConfig::default();
            let index = OpeningIndex::new(openings);
            for person in people.iter().take(suggested_first) {
                suggest(person, &index, &config, TODAY, 10, 5);
            }
            let prepared: Vec<PreparedPerson<'_>> =
                people.iter().map(|b| PreparedPerson::new(b, TODAY)).collect();
            index.remember_all(prepared.iter().flat_map(|p| &p.skills));
            let mut memo = Vec::new();
            for p in &prepared {
                prop_assert!(index.remembered(&p.skills, &mut memo));
                prop_assert_eq!(memo.len(), index.vocabulary.len());
                for (k, asked) in index.vocabulary.iter().enumerate() {
                    prop_assert_eq!(memo[k], best_similarity(&p.skills, asked));
                }
            }
        }

        /// The nightly pricing's walk must yield every eligible opening within reach whose
        /// cost plus seat price beats the person's threshold, each with its own assessment, and
        /// skip what it is told to; it may yield more (it prices on bounds), never fewer.
        #[test]
        fn the_pricing_walk_yields_every_opening_that_beats_the_threshold(
            seed in 0u64..10_000,
            size in prop::sample::select(vec![40usize, 300, 2_000]),
            threshold in 0.0f64..1_600.0,
            extra_cost in prop_oneof![Just(0i64), 0i64..300],
            travel_only in any::<bool>(),
            only_some in any::<bool>(),
        ) {
            let (people, openings) = varied(seed, size);
            let config = weights(travel_only);
            let index = OpeningIndex::new(openings);
            let mut rng = StdRng::seed_from_u64(seed);
            // Seat prices from free to dear, a few seatless (infinite).
            let per_opening: Vec<f64> = (0..index.len())
                .map(|_| match rng.random_range(0..10) {
                    0 => f64::INFINITY,
                    1..=3 => 0.0,
                    _ => rng.random_range(0.0..1_200.0),
                })
                .collect();
            // Either every opening or some only (the others not to be met).
            let kept = |j: usize| !only_some || j % 5 != 1;
            let priced = index.priced_slots(&per_opening, kept);
            for person in &people {
                let p = PreparedPerson::new(person, TODAY);
                let radius_m = config.reach_m(person);
                let skipped = |j: usize| j % 7 == 3;
                let test = PriceTest { threshold, floor: 0, extra_cost };
                let mut yielded: HashMap<usize, Assessment> = HashMap::new();
                let mut memo = index.skill_memo();
                for_each_affordable(&p, &index, &config, radius_m, test, &priced, skipped,
                    &mut memo, |j, a| {
                        assert!(yielded.insert(j, a).is_none(), "opening {j} yielded twice");
                    });
                for (j, o) in index.openings().iter().enumerate() {
                    let full = assess(&p, o, index.prepared(j), &config, Seats::Ignore).ok();
                    if let Some(a) = yielded.get(&j) {
                        prop_assert!(!skipped(j), "opening {} was to be skipped", j);
                        prop_assert!(kept(j), "opening {} is not among those priced", j);
                        prop_assert_eq!(Some(a), full.as_ref(), "opening {} assessed wrongly", j);
                    } else if let Some(a) = full
                        && !skipped(j)
                        && kept(j)
                    {
                        let beats = (a.cost(&config) + extra_cost) as f64 + per_opening[j] < threshold;
                        prop_assert!(!beats, "opening {} beats the threshold but was not yielded", j);
                    }
                }
            }
        }
    }
}
