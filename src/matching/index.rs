//! The index of open openings that every search reads: their packed copy (the hot fields the
//! rules and the scoring read, in grid order), the grid and the R-tree over them, the
//! similarities of skills already compared, and the search area around one person with the
//! bound that lets a nearest-first search stop (`SearchArea::bound`).

use rstar::RTree;
use rstar::primitives::GeomWithData;
use uuid::Uuid;

use std::collections::HashMap;
use std::sync::Mutex;

use super::evaluate::{
    Assessment, Exclusion, OpeningFacts, PreparedOpening, PreparedPerson, Seats, assess_by,
    score_passed, travel_points, waiting_points,
};
use super::grid::Grid;
use super::model::{Beneficiary, MatchingConfig, Opening};
use super::skills::{NormalSkill, best_similarity, similarity};
use crate::domain::{LanguageLevel, LonLat, PhysicalDemand, Programme};

/// Kilometres per degree of latitude (and of longitude at the equator).
pub(super) const KM_PER_DEGREE: f64 = 111.32;

/// Openings indexed by place, with their skills prepared once.
#[derive(Debug)]
pub struct OpeningIndex {
    pub(super) openings: Vec<Opening>,
    pub(super) prepared: Vec<PreparedOpening>,
    /// The distinct skills the openings ask for: openings of one territory ask for the same few
    /// hundred skills, so a person is compared with each distinct skill once per query, not
    /// once per opening.
    pub(super) vocabulary: Vec<NormalSkill>,
    /// What a search reads of each opening, packed small and stored cell by cell of `grid` (the
    /// tree's leaves point here too), so that openings near in space are near in memory: a search
    /// scores a candidate from this alone and reads an opening's full record only for the
    /// suggestions it returns.
    pub(super) hot: Vec<Hot>,
    /// The opening ids of `hot`, for ties.
    pub(super) ids: Vec<Uuid>,
    /// Language minimums of `hot`, each opening's a run ([`Hot::languages`]).
    pub(super) languages: Vec<LanguageLevel>,
    /// Skill ids into `vocabulary` of `hot`, each opening's required then wanted skills a run
    /// ([`Hot::skills`]).
    pub(super) skills: Vec<u32>,
    /// Sector ids of `hot` (0: none).
    pub(super) sectors: HashMap<String, u32>,
    pub(super) position: HashMap<Uuid, usize>,
    /// Plane positions of `hot`'s openings (see [`project`]).
    pub(super) points: Vec<[f64; 2]>,
    /// Which slots of `hot` lie in which cell.
    pub(super) grid: Grid,
    /// The slot in `hot` of each opening.
    pub(super) slot_of: Vec<u32>,
    /// Leaves hold positions in `hot`.
    pub(super) tree: RTree<GeomWithData<[f64; 2], usize>>,
    /// Longitude is scaled by cos(mean latitude) so that the plane is locally true.
    pub(super) lon_scale: f64,
    pub(super) mean_lat: f64,
    /// Latitude range of the openings, for the projection's error bound.
    pub(super) lat_range: (f64, f64),
    /// Each person skill's similarity to each skill of `vocabulary`, as far as suggestions
    /// have needed it (NaN: not yet). People's skills repeat across a territory ("jardinage",
    /// "nettoyage"), and comparing texts is otherwise a third of a suggestion's work; the
    /// numbers are the same whether remembered or not. Emptied when it holds
    /// [`REMEMBERED_SKILLS`] skills.
    pub(super) similarities: Mutex<HashMap<NormalSkill, Vec<f64>>>,
}

/// Most distinct person skills whose similarities an index remembers (at a few hundred skills
/// in the vocabulary, a few kilobytes each).
pub(super) const REMEMBERED_SKILLS: usize = 16_384;

impl OpeningIndex {
    /// Builds the index. Openings keep their order; ties between equal scores go to the lower id.
    pub fn new(openings: Vec<Opening>) -> Self {
        let mean_lat = if openings.is_empty() {
            0.0
        } else {
            openings.iter().map(|o| o.location.lat()).sum::<f64>() / openings.len() as f64
        };
        let lat_range = openings.iter().fold((mean_lat, mean_lat), |(lo, hi), o| {
            (lo.min(o.location.lat()), hi.max(o.location.lat()))
        });
        let lon_scale = mean_lat.to_radians().cos() * KM_PER_DEGREE;
        let plane: Vec<[f64; 2]> = openings
            .iter()
            .map(|o| project(o.location, lon_scale))
            .collect();
        let prepared: Vec<PreparedOpening> = openings.iter().map(PreparedOpening::new).collect();
        // The packed arrays go cell by cell: openings near in space are near in memory.
        let (grid, order) = Grid::new(&plane);
        let mut slot_of = vec![0; openings.len()];
        for (slot, &i) in order.iter().enumerate() {
            slot_of[i] = slot;
        }
        let mut tree = RTree::bulk_load(
            plane
                .iter()
                .enumerate()
                .map(|(i, &p)| GeomWithData::new(p, i))
                .collect(),
        );
        for leaf in tree.iter_mut() {
            leaf.data = slot_of[leaf.data];
        }
        let mut vocabulary: Vec<NormalSkill> = Vec::new();
        let mut ids: HashMap<NormalSkill, u32> = HashMap::new();
        let mut id_of = |s: &NormalSkill| {
            *ids.entry(s.clone()).or_insert_with(|| {
                vocabulary.push(s.clone());
                (vocabulary.len() - 1) as u32
            })
        };
        let mut sectors: HashMap<String, u32> = HashMap::new();
        let mut languages = Vec::new();
        let mut skills = Vec::new();
        let hot = order
            .iter()
            .map(|&i| {
                let (o, po) = (&openings[i], &prepared[i]);
                let sector = if po.sector.is_empty() {
                    0
                } else {
                    let next = sectors.len() as u32 + 1;
                    *sectors.entry(po.sector.clone()).or_insert(next)
                };
                let language_start = languages.len();
                languages.extend_from_slice(&o.languages);
                let skill_start = skills.len();
                skills.extend(po.required.iter().map(&mut id_of));
                let required_end = skills.len();
                skills.extend(po.wanted.iter().map(&mut id_of));
                Hot::new(
                    o,
                    i,
                    sector,
                    (language_start, languages.len()),
                    (skill_start, required_end, skills.len()),
                )
            })
            .collect();
        let position = openings
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id, i))
            .collect();
        Self {
            prepared,
            vocabulary,
            hot,
            ids: order.iter().map(|&i| openings[i].id).collect(),
            points: order.iter().map(|&i| plane[i]).collect(),
            grid,
            slot_of: slot_of.iter().map(|&s| s as u32).collect(),
            languages,
            skills,
            sectors,
            position,
            openings,
            tree,
            lon_scale,
            mean_lat,
            lat_range,
            similarities: Mutex::new(HashMap::new()),
        }
    }

    /// Fills `memo`, a search's memo for a person with `skills`, with the best similarity to
    /// each skill of the vocabulary where every one of the person's skills has it remembered
    /// (NaN: not yet); true when it is complete (nothing left to remember).
    pub(crate) fn remembered(&self, skills: &[NormalSkill], memo: &mut Vec<f64>) -> bool {
        let known = self.similarities.lock().unwrap_or_else(|e| e.into_inner());
        // As `best_similarity` folds: from 0, skill by skill, so the numbers are the same.
        memo.clear();
        memo.resize(self.vocabulary.len(), 0.0);
        for s in skills {
            let Some(row) = known.get(s) else {
                memo.fill(f64::NAN);
                break;
            };
            for (m, r) in memo.iter_mut().zip(row) {
                // `f64::max` drops a NaN: an entry unknown for one skill stays unknown.
                *m = if m.is_nan() || r.is_nan() {
                    f64::NAN
                } else {
                    m.max(*r)
                };
            }
        }
        !memo.iter().any(|m| m.is_nan())
    }

    /// Remembers every one of `skills`' similarities to the whole vocabulary, for the nightly
    /// run: its tens of thousands of people share a few hundred skills, and its searches then
    /// read similarities ([`Self::remembered`]) instead of comparing texts. Stops short of
    /// [`REMEMBERED_SKILLS`]: the skills beyond are compared as searches go.
    pub(crate) fn remember_all<'s>(&self, skills: impl IntoIterator<Item = &'s NormalSkill>) {
        let mut known = self.similarities.lock().unwrap_or_else(|e| e.into_inner());
        for s in skills {
            if let Some(row) = known.get_mut(s) {
                for (k, v) in row.iter_mut().enumerate() {
                    if v.is_nan() {
                        *v = similarity(s, &self.vocabulary[k]);
                    }
                }
            } else if known.len() < REMEMBERED_SKILLS {
                let row = self.vocabulary.iter().map(|k| similarity(s, k)).collect();
                known.insert(s.clone(), row);
            }
        }
    }

    /// Remembers each of `skills`' similarity to the vocabulary's skills that a search needed
    /// (those its memo holds).
    pub(super) fn remember(&self, skills: &[NormalSkill], memo: &[f64]) {
        let needed: Vec<usize> = (0..memo.len()).filter(|&k| !memo[k].is_nan()).collect();
        let missing: Vec<(usize, Vec<usize>)> = {
            let known = self.similarities.lock().unwrap_or_else(|e| e.into_inner());
            skills
                .iter()
                .enumerate()
                .map(|(n, s)| {
                    let row = known.get(s);
                    let lacks = needed
                        .iter()
                        .copied()
                        .filter(|&k| row.is_none_or(|row| row[k].is_nan()))
                        .collect();
                    (n, lacks)
                })
                .filter(|(_, lacks): &(usize, Vec<usize>)| !lacks.is_empty())
                .collect()
        };
        if missing.is_empty() {
            return;
        }
        // The texts are compared outside the lock: other searches go on meanwhile.
        let found: Vec<(usize, Vec<(usize, f64)>)> = missing
            .into_iter()
            .map(|(n, lacks)| {
                let values = lacks
                    .into_iter()
                    .map(|k| (k, similarity(&skills[n], &self.vocabulary[k])))
                    .collect();
                (n, values)
            })
            .collect();
        let mut known = self.similarities.lock().unwrap_or_else(|e| e.into_inner());
        if known.len() + found.len() > REMEMBERED_SKILLS {
            known.clear();
        }
        for (n, values) in found {
            let row = known
                .entry(skills[n].clone())
                .or_insert_with(|| vec![f64::NAN; self.vocabulary.len()]);
            for (k, v) in values {
                row[k] = v;
            }
        }
    }

    pub fn openings(&self) -> &[Opening] {
        &self.openings
    }

    pub fn len(&self) -> usize {
        self.openings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.openings.is_empty()
    }

    /// How far the plane distance from `centre` may be from the true one, either way: east-west
    /// lengths are scaled by cos(mean latitude) instead of cos(latitude), and cos is monotone
    /// over the latitudes involved, so the worst ratio is at an end of their range. One percent
    /// more covers the plane against the sphere at a territory's scale.
    pub(super) fn slack(&self, centre: LonLat) -> f64 {
        let (lo, hi) = (
            self.lat_range.0.min(centre.lat()),
            self.lat_range.1.max(centre.lat()),
        );
        let mean = self.mean_lat.to_radians().cos();
        [lo, hi]
            .iter()
            .map(|l| {
                let c = l.to_radians().cos().max(1e-6);
                (mean / c).max(c / mean)
            })
            .fold(1.0, f64::max)
            * 1.01
    }

    /// Indices of the openings within `radius_m` (straight line) of `centre`, nearest first.
    pub fn within(&self, centre: LonLat, radius_m: f64) -> Vec<usize> {
        let c = project(centre, self.lon_scale);
        // The plane is approximate away from the mean latitude: widen by its error bound, then
        // the exact distance decides.
        let r_km = radius_m / 1000.0 * self.slack(centre);
        let mut found: Vec<(f64, usize)> = self
            .tree
            .locate_within_distance(c, r_km * r_km)
            .map(|g| {
                // Leaves hold slots of `hot`; the answer is positions in `openings`.
                let h = &self.hot[g.data];
                (centre.distance_m(h.location), h.index as usize)
            })
            .filter(|(d, _)| *d <= radius_m)
            .collect();
        found.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        found.into_iter().map(|(_, i)| i).collect()
    }

    /// Indices of the `n` openings nearest to `centre` among those within `radius_m` (straight
    /// line), nearest first on the plane (see `project`): the tree is walked only as far as
    /// it takes, for callers that look at a few openings of a crowded territory.
    pub fn nearest_within(&self, centre: LonLat, radius_m: f64, n: usize) -> Vec<usize> {
        let c = project(centre, self.lon_scale);
        let r_km = radius_m / 1000.0 * self.slack(centre);
        let mut found = Vec::with_capacity(n.min(self.hot.len()));
        for (g, d2) in self.tree.nearest_neighbor_iter_with_distance_2(&c) {
            if found.len() >= n || d2 > r_km * r_km {
                break;
            }
            let h = &self.hot[g.data];
            if centre.distance_m(h.location) <= radius_m {
                found.push(h.index as usize);
            }
        }
        found
    }

    /// The openings `keep` names (by position in [`Self::openings`]) with their seat prices
    /// `per_opening`, in a grid of their own, for [`super::pairs::for_each_affordable`]: a walk over them
    /// meets none of the others.
    pub(crate) fn priced_slots(
        &self,
        per_opening: &[f64],
        keep: impl Fn(usize) -> bool,
    ) -> PricedSlots {
        let kept: Vec<u32> = (0..self.hot.len() as u32)
            .filter(|&slot| keep(self.hot[slot as usize].index as usize))
            .collect();
        let plane: Vec<[f64; 2]> = kept.iter().map(|&s| self.points[s as usize]).collect();
        let (grid, order) = Grid::new(&plane);
        let slots: Vec<u32> = order.iter().map(|&k| kept[k]).collect();
        let points = order.iter().map(|&k| plane[k]).collect();
        let price: Vec<f64> = slots
            .iter()
            .map(|&s| per_opening[self.hot[s as usize].index as usize])
            .collect();
        let lowest = price.iter().copied().fold(f64::INFINITY, f64::min);
        PricedSlots {
            grid,
            slots,
            points,
            price,
            lowest,
        }
    }

    pub(crate) fn prepared(&self, i: usize) -> &PreparedOpening {
        &self.prepared[i]
    }

    /// A fresh memo of a person's similarity to each skill of the index (NaN: not yet).
    #[cfg(test)]
    pub(crate) fn skill_memo(&self) -> Vec<f64> {
        vec![f64::NAN; self.vocabulary.len()]
    }

    /// [`super::evaluate::assess`] of opening `i` (every rule that fails), with the person's similarity to each
    /// skill of the index remembered in `memo` across the person's openings.
    pub(crate) fn assess_remembering(
        &self,
        p: &PreparedPerson<'_>,
        i: usize,
        config: &MatchingConfig,
        seats: Seats,
        memo: &mut [f64],
    ) -> Result<Assessment, Vec<Exclusion>> {
        let h = &self.hot[self.slot_of[i] as usize];
        let skills = &self.skills[h.skills[0] as usize..h.skills[2] as usize];
        let (required, wanted) = skills.split_at((h.skills[1] - h.skills[0]) as usize);
        assess_by(
            p,
            &self.openings[i],
            &self.prepared[i],
            config,
            seats,
            &mut |is_required, k, _| {
                let id = if is_required { required[k] } else { wanted[k] } as usize;
                if memo[id].is_nan() {
                    memo[id] = best_similarity(&p.skills, &self.vocabulary[id]);
                }
                memo[id]
            },
        )
    }

    /// Scores the opening at `slot` of `hot` for a search whose packed rules
    /// ([`HotPerson::may_pass`]) passed: `None` when another rule fails. Reads the packed copy
    /// only, and the person's similarity to each skill of the index computed once into `memo`
    /// (NaN: not yet). The same as [`super::evaluate::assess`] on the full record (`score_passed` says why).
    pub(super) fn score(
        &self,
        p: &PreparedPerson<'_>,
        slot: usize,
        config: &MatchingConfig,
        memo: &mut [f64],
    ) -> Option<Assessment> {
        let h = &self.hot[slot];
        let skills = &self.skills[h.skills[0] as usize..h.skills[2] as usize];
        let (required, wanted) = skills.split_at((h.skills[1] - h.skills[0]) as usize);
        let facts = OpeningFacts {
            location: h.location,
            hours_per_week: h.hours,
            languages: &self.languages[h.languages[0] as usize..h.languages[1] as usize],
            required: required.len(),
            wanted: wanted.len(),
        };
        score_passed(p, &facts, config, |is_required, k| {
            let id = if is_required { required[k] } else { wanted[k] } as usize;
            if memo[id].is_nan() {
                memo[id] = best_similarity(&p.skills, &self.vocabulary[id]);
            }
            memo[id]
        })
    }
}

/// What a search reads of one opening: its distance-free, text-free rules in a few bytes (see
/// `check_cheap_rules`), and what scoring needs (`OpeningFacts`).
#[derive(Debug, Clone, Copy)]
pub(super) struct Hot {
    pub(super) location: LonLat,
    pub(super) hours: f64,
    /// Position in [`OpeningIndex::openings`].
    pub(super) index: u32,
    /// Programmes (bit per [`Programme::ALL`] index) that may take the opening, its kind
    /// allowing.
    pub(super) programmes: u32,
    /// Julian day of the end date; `i32::MAX` for none.
    pub(super) end: i32,
    /// Physical demands, bit per [`PhysicalDemand::ALL`] index.
    pub(super) demands: u32,
    pub(super) sector: u32,
    /// Start and end of the language minimums in [`OpeningIndex::languages`].
    pub(super) languages: [u32; 2],
    /// Start of the required skills in [`OpeningIndex::skills`], start of the wanted ones, end.
    pub(super) skills: [u32; 3],
    /// No free seat, or the host at its monthly cap.
    pub(super) full: bool,
}

pub(super) fn bit<T: PartialEq>(all: &[T], x: &T) -> u32 {
    all.iter().position(|a| a == x).map_or(0, |k| 1 << k)
}

impl Hot {
    pub(super) fn new(
        o: &Opening,
        index: usize,
        sector: u32,
        languages: (usize, usize),
        skills: (usize, usize, usize),
    ) -> Self {
        // Positions into the index's arrays: an index of more than 4 billion entries would not
        // fit in memory anyway.
        let at = |n: usize| u32::try_from(n).expect("fewer than 2^32 entries");
        Self {
            location: o.location,
            hours: o.hours_per_week,
            index: at(index),
            programmes: o
                .programmes
                .iter()
                .filter(|p| o.kind.allowed_for(**p))
                .map(|p| bit(Programme::ALL, p))
                .fold(0, |a, b| a | b),
            end: o.end_date.map_or(i32::MAX, |d| d.to_julian_day()),
            demands: o
                .physical_demands
                .iter()
                .map(|d| bit(PhysicalDemand::ALL, d))
                .fold(0, |a, b| a | b),
            sector,
            languages: [at(languages.0), at(languages.1)],
            skills: [at(skills.0), at(skills.1), at(skills.2)],
            full: o.free_seats() == 0
                || o.host_monthly_cap
                    .is_some_and(|cap| o.host_intake_this_month >= cap),
        }
    }
}

/// A person's side of [`Hot`].
pub(super) struct HotPerson {
    pub(super) programme: u32,
    pub(super) hours: f64,
    pub(super) available_from: i32,
    pub(super) health: u32,
    pub(super) refused: Vec<u32>,
}

impl HotPerson {
    pub(super) fn new(p: &PreparedPerson<'_>, index: &OpeningIndex) -> Self {
        Self {
            programme: bit(Programme::ALL, &p.person.programme),
            hours: p.person.hours_per_week,
            available_from: p.available_from.to_julian_day(),
            health: p
                .person
                .health_limits
                .iter()
                .map(|d| bit(PhysicalDemand::ALL, d))
                .fold(0, |a, b| a | b),
            refused: p
                .refused_sectors
                .iter()
                .filter_map(|s| index.sectors.get(s).copied())
                .collect(),
        }
    }

    /// False only when a rule of `check_cheap_rules` surely excludes the pair.
    pub(super) fn may_pass(&self, h: &Hot, seats: Seats) -> bool {
        h.programmes & self.programme != 0
            && h.hours <= self.hours + 1e-9
            && h.end >= self.available_from
            && h.demands & self.health == 0
            && (h.sector == 0 || !self.refused.contains(&h.sector))
            && !(h.full && seats == (Seats::Check { is_current: false }))
    }
}

pub(super) fn project(p: LonLat, lon_scale: f64) -> [f64; 2] {
    [p.lon() * lon_scale, p.lat() * KM_PER_DEGREE]
}

/// Where a nearest-first search around one person runs, and how many points a pair can have at
/// a given distance: both searches ([`super::suggest::suggest`], [`super::pairs::best_pairs`]) stop on this bound.
pub(super) struct SearchArea<'a> {
    pub(super) person: &'a Beneficiary,
    pub(super) config: &'a MatchingConfig,
    /// The person's home on the index's plane.
    pub(super) centre: [f64; 2],
    /// Plane radius that holds every opening within the search radius.
    pub(super) outer_km: f64,
    /// Plane distance over true distance, at worst (see [`OpeningIndex::slack`]).
    pub(super) slack: f64,
    /// Points a pair can have at most, travel aside.
    pub(super) ceiling: i64,
}

impl<'a> SearchArea<'a> {
    pub(super) fn new(
        p: &PreparedPerson<'a>,
        index: &OpeningIndex,
        config: &'a MatchingConfig,
        radius_m: f64,
    ) -> Self {
        let slack = index.slack(p.person.home);
        Self {
            person: p.person,
            config,
            centre: project(p.person.home, index.lon_scale),
            outer_km: radius_m / 1000.0 * slack,
            slack,
            ceiling: config
                .weight_skills
                .max(config.skills_points_when_none_asked)
                + config.weight_language
                + config.weight_hours
                + waiting_points(p, config),
        }
    }

    /// Most points a pair at a plane distance of `km` can have: travel points only fall with
    /// distance, and the true distance is at least `km / slack`.
    pub(super) fn bound(&self, km: f64) -> i64 {
        let minutes = self
            .config
            .travel_minutes(km / self.slack * 1000.0, self.person.mobility);
        self.ceiling + travel_points(minutes, self.person.max_trip_minutes, self.config)
    }
}

/// The squared plane distance between `point` and `centre`, as the R-tree has it, so that
/// every search measures the same distance to the last bit.
pub(super) fn plane_d2(point: [f64; 2], centre: [f64; 2]) -> f64 {
    let (dx, dy) = (point[0] - centre[0], point[1] - centre[1]);
    dx * dx + dy * dy
}

/// A pair scored above the search's bound at its distance (see [`OpeningIndex::slack`]).
pub(super) struct BoundBroken;

/// Some openings of an index with their seat prices, bucketed by a grid of their own
/// ([`OpeningIndex::priced_slots`]).
pub(crate) struct PricedSlots {
    pub(super) grid: Grid,
    /// The index's slot of each of this grid's slots.
    pub(super) slots: Vec<u32>,
    /// Plane positions, by this grid's slots.
    pub(super) points: Vec<[f64; 2]>,
    /// Seat prices, by this grid's slots.
    pub(super) price: Vec<f64>,
    /// The lowest of `price` (infinite when there is none).
    pub(super) lowest: f64,
}

impl PricedSlots {
    pub fn len(&self) -> usize {
        self.slots.len()
    }
}
