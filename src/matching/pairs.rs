//! The nightly run's searches over the index: each person's best pairs for the optimiser
//! ([`best_pairs`], with a ceiling on every pair left out) and the pricing of the pairs left
//! out ([`for_each_affordable`]), both on the one ring walk of [`super::grid::Grid::walk`].

use uuid::Uuid;

use std::cmp::Reverse;
use std::ops::{ControlFlow, Range};

use super::evaluate::{Assessment, PreparedPerson, Seats};
use super::grid::RingWalker;
use super::index::{BoundBroken, HotPerson, OpeningIndex, PricedSlots, SearchArea, plane_d2};
use super::model::MatchingConfig;

/// A person's best pairs for the nightly optimiser.
pub(crate) struct BestPairs {
    /// Up to `m` eligible openings with their assessments, by opening index.
    pub pairs: Vec<(usize, Assessment)>,
    /// The highest score any eligible opening within reach left out of `pairs` can have, or
    /// `None` when none was left out.
    pub left_out_max_score: Option<i64>,
}

/// The `m` best eligible openings within `radius_m` of a person (seats as `seats` says), by
/// the same search as [`super::suggest::suggest`] (the grid ring by ring, the R-tree's nearest-first order when
/// a score breaks the grid's bound), and a ceiling on the score of every other one: the
/// optimiser lists these pairs only, and its certificate covers the others through the
/// ceiling. `memo` holds the person's similarity to each skill of the index (NaN: not yet;
/// [`OpeningIndex::remembered`]).
pub(crate) fn best_pairs(
    p: &PreparedPerson<'_>,
    index: &OpeningIndex,
    config: &MatchingConfig,
    seats: Seats,
    m: usize,
    radius_m: f64,
    memo: &mut [f64],
) -> BestPairs {
    pairs_by(p, index, config, seats, m, radius_m, memo, false)
}

/// [`best_pairs`], over the grid unless `in_order` (the R-tree's order, which the grid's
/// search falls back on).
#[allow(clippy::too_many_arguments)]
pub(super) fn pairs_by(
    p: &PreparedPerson<'_>,
    index: &OpeningIndex,
    config: &MatchingConfig,
    seats: Seats,
    m: usize,
    radius_m: f64,
    memo: &mut [f64],
    in_order: bool,
) -> BestPairs {
    let mut search = PairSearch {
        area: SearchArea::new(p, index, config, radius_m),
        hot_person: HotPerson::new(p, index),
        index,
        p,
        seats,
        top: TopPairs::new(m.max(1)),
    };
    if in_order || search.by_grid(memo).is_err() {
        search.top = TopPairs::new(m.max(1));
        search.by_tree(memo);
    }
    let TopPairs {
        mut pairs,
        left_out,
        ..
    } = search.top;
    pairs.sort_by_key(|(key, _)| key.2);
    BestPairs {
        pairs: pairs.into_iter().map(|((_, _, i), a)| (i, a)).collect(),
        left_out_max_score: left_out,
    }
}

/// The best `m` pairs found so far, by score then the lower opening id, and the highest score
/// of the eligible pairs they leave out.
struct TopPairs {
    m: usize,
    pairs: Vec<(PairKey, Assessment)>,
    /// The lowest key of `pairs` and where it is, once they are `m`.
    worst: Option<(PairKey, usize)>,
    left_out: Option<i64>,
}

/// A pair's rank: score, then the lower opening id, then the opening's index.
type PairKey = (i64, Reverse<Uuid>, usize);

impl TopPairs {
    fn new(m: usize) -> Self {
        Self {
            m,
            pairs: Vec::with_capacity(m),
            worst: None,
            left_out: None,
        }
    }

    /// A pair scoring at most `score` is left out.
    fn leave_out(&mut self, score: i64) {
        self.left_out = Some(self.left_out.map_or(score, |x| x.max(score)));
    }

    /// Whether the best `m` all score above `bound` (an equal score with a lower id could
    /// still enter, hence the strict comparison).
    fn full_above(&self, bound: i64) -> bool {
        self.worst.is_some_and(|(w, _)| w.0 > bound)
    }

    fn offer(&mut self, key: PairKey, a: Assessment) {
        match self.worst {
            None => self.pairs.push((key, a)),
            Some((worst, at)) if key > worst => {
                self.pairs[at] = (key, a);
                self.leave_out(worst.0);
            }
            Some(_) => {
                self.leave_out(key.0);
                return;
            }
        }
        if self.pairs.len() == self.m {
            self.worst = self
                .pairs
                .iter()
                .enumerate()
                .map(|(at, (k, _))| (*k, at))
                .min();
        }
    }
}

/// One person's search of [`best_pairs`].
struct PairSearch<'a> {
    area: SearchArea<'a>,
    hot_person: HotPerson,
    index: &'a OpeningIndex,
    p: &'a PreparedPerson<'a>,
    seats: Seats,
    top: TopPairs,
}

impl PairSearch<'_> {
    /// Scores the opening at `slot` when it passes the rules; its score.
    fn visit(&mut self, slot: usize, memo: &mut [f64]) -> Option<i64> {
        let index = self.index;
        let h = &index.hot[slot];
        if !self.hot_person.may_pass(h, self.seats) {
            return None;
        }
        // An eligible pair is within the person's trip limit, hence within the radius when
        // that is the reach: no second distance here.
        let a = index.score(self.p, slot, self.area.config, memo)?;
        let score = a.score();
        self.top
            .offer((score, Reverse(index.ids[slot]), h.index as usize), a);
        Some(score)
    }

    /// Nearest first by the R-tree, stopping once a perfect fit at the distance reached could
    /// not enter the best.
    fn by_tree(&mut self, memo: &mut [f64]) {
        let index = self.index;
        for (g, d2) in index
            .tree
            .nearest_neighbor_iter_with_distance_2(&self.area.centre)
        {
            let km = d2.sqrt();
            if km > self.area.outer_km {
                break;
            }
            let b = self.area.bound(km);
            if self.top.full_above(b) {
                self.top.leave_out(b);
                break;
            }
            self.visit(g.data, memo);
        }
    }

    /// The same best pairs ring by ring of the grid: an opening whose bound at its distance
    /// cannot enter the best found so far is left out at that bound, and the walk stops at
    /// the ring from which none could. `Err` when a score breaks its bound (the caller then
    /// searches in order).
    fn by_grid(&mut self, memo: &mut [f64]) -> Result<(), BoundBroken> {
        let index = self.index;
        let centre = self.area.centre;
        let mut rings = PairRings { search: self, memo };
        match index.grid.walk(centre, &mut rings) {
            ControlFlow::Break(broken) => Err(broken),
            ControlFlow::Continue(()) => Ok(()),
        }
    }
}

/// [`PairSearch::by_grid`]'s steps on the grid: an opening whose bound at its distance cannot
/// enter the best found so far is left out at that bound, and the walk stops at the ring from
/// which none could.
struct PairRings<'s, 'a> {
    search: &'s mut PairSearch<'a>,
    memo: &'s mut [f64],
}

impl RingWalker for PairRings<'_, '_> {
    type Stop = BoundBroken;

    fn next_ring(&mut self, near: f64) -> bool {
        let s = &mut *self.search;
        if near > s.area.outer_km {
            return false;
        }
        let b = s.area.bound(near);
        if s.top.full_above(b) {
            s.top.leave_out(b);
            return false;
        }
        true
    }

    #[inline]
    fn step(&mut self, slots: Range<usize>) -> ControlFlow<BoundBroken> {
        let s = &mut *self.search;
        let (points, centre, outer) = (&s.index.points, s.area.centre, s.area.outer_km);
        for slot in slots {
            let km = plane_d2(points[slot], centre).sqrt();
            if km > outer {
                continue;
            }
            let b = s.area.bound(km);
            if s.top.full_above(b) {
                s.top.leave_out(b);
                continue;
            }
            if s.visit(slot, self.memo).is_some_and(|score| score > b) {
                return ControlFlow::Break(BoundBroken);
            }
        }
        ControlFlow::Continue(())
    }
}

/// What a pair left out of a person's list must beat for the nightly pricing
/// ([`for_each_affordable`]): its cost plus its opening's seat price must fall below
/// `threshold` to improve the optimum.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PriceTest {
    /// The person's threshold (cost units).
    pub threshold: f64,
    /// A floor on the cost of every pair left out (from the listing search).
    pub floor: i64,
    /// Cost that every pair left out carries on top of its assessment (a move's penalty).
    pub extra_cost: i64,
}

/// Calls `f` with each opening of `priced` within `radius_m` of a person that passes the hard
/// rules and could improve the nightly optimum at its seat price, with its assessment; `skip`
/// names openings not to look at (those listed already); `memo` holds the person's similarity
/// to each skill of the index, as for [`best_pairs`].
///
/// A pair's cost is at least that of a perfect fit at its distance (travel points only fall
/// with distance) and at least `test.floor`, so an opening whose seat price is at or above
/// `test.threshold` minus that cost cannot improve: the grid is walked ring by ring, each
/// ring's distance giving a price above which none of its openings is looked at, and the walk
/// stops at the ring from which no price is low enough. Only the openings left are judged by
/// the packed rules and the packed scoring (whose trip limit is the reach: no second distance).
// The nightly pricing's hot path: plain arguments, no options struct built per person.
#[allow(clippy::too_many_arguments)]
pub(crate) fn for_each_affordable(
    p: &PreparedPerson<'_>,
    index: &OpeningIndex,
    config: &MatchingConfig,
    radius_m: f64,
    test: PriceTest,
    priced: &PricedSlots,
    skip: impl Fn(usize) -> bool,
    memo: &mut [f64],
    f: impl FnMut(usize, Assessment),
) {
    if priced.slots.is_empty() {
        return;
    }
    let area = SearchArea::new(p, index, config, radius_m);
    let max_score = config.max_score();
    let centre = area.centre;
    let mut rings = PricedRings {
        priced,
        index,
        p,
        config,
        hot_person: HotPerson::new(p, index),
        // The highest seat price at which a pair at plane distance `km` could still improve.
        affordable: |km: f64| {
            let least_cost = (max_score - area.bound(km) + test.extra_cost).max(test.floor);
            test.threshold - least_cost as f64
        },
        centre,
        outer_km: area.outer_km,
        ring_price: f64::INFINITY,
        skip,
        memo,
        f,
    };
    let ControlFlow::Continue(()) = priced.grid.walk(centre, &mut rings);
}

/// [`for_each_affordable`]'s steps on the priced openings' grid: each ring's distance gives a
/// price above which none of its openings is looked at.
struct PricedRings<'x, 'p, A, S, F> {
    priced: &'x PricedSlots,
    index: &'x OpeningIndex,
    p: &'x PreparedPerson<'p>,
    config: &'x MatchingConfig,
    hot_person: HotPerson,
    affordable: A,
    centre: [f64; 2],
    outer_km: f64,
    /// The affordable price at the distance of the ring being walked.
    ring_price: f64,
    skip: S,
    memo: &'x mut [f64],
    f: F,
}

impl<A, S, F> RingWalker for PricedRings<'_, '_, A, S, F>
where
    A: Fn(f64) -> f64,
    S: Fn(usize) -> bool,
    F: FnMut(usize, Assessment),
{
    type Stop = std::convert::Infallible;

    fn next_ring(&mut self, near: f64) -> bool {
        let near = near.max(0.0);
        self.ring_price = (self.affordable)(near);
        near <= self.outer_km && self.ring_price > self.priced.lowest
    }

    #[inline]
    fn step(&mut self, run: Range<usize>) -> ControlFlow<Self::Stop> {
        let Self {
            priced,
            index,
            p,
            config,
            hot_person,
            affordable,
            centre,
            outer_km,
            ring_price,
            skip,
            memo,
            f,
        } = self;
        let (price, points, slot_of) = (&priced.price, &priced.points, &priced.slots);
        let (centre, outer_km, ring_price) = (*centre, *outer_km, *ring_price);
        for k in run {
            if price[k] >= ring_price {
                continue;
            }
            let km = plane_d2(points[k], centre).sqrt();
            if km > outer_km || price[k] >= affordable(km) {
                continue;
            }
            let slot = slot_of[k] as usize;
            let h = &index.hot[slot];
            let i = h.index as usize;
            if skip(i) || !hot_person.may_pass(h, Seats::Ignore) {
                continue;
            }
            if let Some(a) = index.score(p, slot, config, memo) {
                f(i, a);
            }
        }
        ControlFlow::Continue(())
    }
}
