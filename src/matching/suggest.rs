//! Suggestions for one person: the best eligible openings within reach, each with its breakdown,
//! and the openings within reach that a hard rule excluded, with the rules. Candidates come
//! nearest first from a grid over the openings (suggestions) or an R-tree (the nightly lists,
//! radius queries), never from a scan of all of them.

use rstar::RTree;
use rstar::primitives::GeomWithData;
use uuid::Uuid;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::ops::ControlFlow;
use std::sync::Mutex;

use super::evaluate::{
    Assessment, CriterionPart, Exclusion, OpeningFacts, PreparedOpening, PreparedPerson, Seats,
    assess, assess_by, explain, score_passed, travel_points, waiting_points,
};
use super::grid::{Grid, RingWalker};
use super::model::{Beneficiary, MatchingConfig, Opening};
use super::skills::{NormalSkill, best_similarity, similarity};
use crate::domain::{LanguageLevel, LonLat, PhysicalDemand, Programme};

/// Kilometres per degree of latitude (and of longitude at the equator).
const KM_PER_DEGREE: f64 = 111.32;

/// Openings indexed by place, with their skills prepared once.
#[derive(Debug)]
pub struct OpeningIndex {
    openings: Vec<Opening>,
    prepared: Vec<PreparedOpening>,
    /// The distinct skills the openings ask for: openings of one territory ask for the same few
    /// hundred skills, so a person is compared with each distinct skill once per query, not
    /// once per opening.
    vocabulary: Vec<NormalSkill>,
    /// What a search reads of each opening, packed small and stored cell by cell of `grid` (the
    /// tree's leaves point here too), so that openings near in space are near in memory: a search
    /// scores a candidate from this alone and reads an opening's full record only for the
    /// suggestions it returns.
    hot: Vec<Hot>,
    /// The opening ids of `hot`, for ties.
    ids: Vec<Uuid>,
    /// Language minimums of `hot`, each opening's a run ([`Hot::languages`]).
    languages: Vec<LanguageLevel>,
    /// Skill ids into `vocabulary` of `hot`, each opening's required then wanted skills a run
    /// ([`Hot::skills`]).
    skills: Vec<u32>,
    /// Sector ids of `hot` (0: none).
    sectors: HashMap<String, u32>,
    position: HashMap<Uuid, usize>,
    /// Plane positions of `hot`'s openings (see [`project`]).
    points: Vec<[f64; 2]>,
    /// Which slots of `hot` lie in which cell.
    grid: Grid,
    /// The slot in `hot` of each opening.
    slot_of: Vec<u32>,
    /// Leaves hold positions in `hot`.
    tree: RTree<GeomWithData<[f64; 2], usize>>,
    /// Longitude is scaled by cos(mean latitude) so that the plane is locally true.
    lon_scale: f64,
    mean_lat: f64,
    /// Latitude range of the openings, for the projection's error bound.
    lat_range: (f64, f64),
    /// Each person skill's similarity to each skill of `vocabulary`, as far as suggestions
    /// have needed it (NaN: not yet). People's skills repeat across a territory ("jardinage",
    /// "nettoyage"), and comparing texts is otherwise a third of a suggestion's work; the
    /// numbers are the same whether remembered or not. Emptied when it holds
    /// [`REMEMBERED_SKILLS`] skills.
    similarities: Mutex<HashMap<NormalSkill, Vec<f64>>>,
}

/// Most distinct person skills whose similarities an index remembers (at a few hundred skills
/// in the vocabulary, a few kilobytes each).
const REMEMBERED_SKILLS: usize = 16_384;

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
    fn remember(&self, skills: &[NormalSkill], memo: &[f64]) {
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
    fn slack(&self, centre: LonLat) -> f64 {
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
    /// `per_opening`, in a grid of their own, for [`for_each_affordable`]: a walk over them
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

    /// [`assess`] of opening `i` (every rule that fails), with the person's similarity to each
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
    /// (NaN: not yet). The same as [`assess`] on the full record (`score_passed` says why).
    fn score(
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
struct Hot {
    location: LonLat,
    hours: f64,
    /// Position in [`OpeningIndex::openings`].
    index: u32,
    /// Programmes (bit per [`Programme::ALL`] index) that may take the opening, its kind
    /// allowing.
    programmes: u32,
    /// Julian day of the end date; `i32::MAX` for none.
    end: i32,
    /// Physical demands, bit per [`PhysicalDemand::ALL`] index.
    demands: u32,
    sector: u32,
    /// Start and end of the language minimums in [`OpeningIndex::languages`].
    languages: [u32; 2],
    /// Start of the required skills in [`OpeningIndex::skills`], start of the wanted ones, end.
    skills: [u32; 3],
    /// No free seat, or the host at its monthly cap.
    full: bool,
}

fn bit<T: PartialEq>(all: &[T], x: &T) -> u32 {
    all.iter().position(|a| a == x).map_or(0, |k| 1 << k)
}

impl Hot {
    fn new(
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
struct HotPerson {
    programme: u32,
    hours: f64,
    available_from: i32,
    health: u32,
    refused: Vec<u32>,
}

impl HotPerson {
    fn new(p: &PreparedPerson<'_>, index: &OpeningIndex) -> Self {
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
    fn may_pass(&self, h: &Hot, seats: Seats) -> bool {
        h.programmes & self.programme != 0
            && h.hours <= self.hours + 1e-9
            && h.end >= self.available_from
            && h.demands & self.health == 0
            && (h.sector == 0 || !self.refused.contains(&h.sector))
            && !(h.full && seats == (Seats::Check { is_current: false }))
    }
}

fn project(p: LonLat, lon_scale: f64) -> [f64; 2] {
    [p.lon() * lon_scale, p.lat() * KM_PER_DEGREE]
}

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

/// Where a nearest-first search around one person runs, and how many points a pair can have at
/// a given distance: both searches ([`suggest`], [`best_pairs`]) stop on this bound.
struct SearchArea<'a> {
    person: &'a Beneficiary,
    config: &'a MatchingConfig,
    /// The person's home on the index's plane.
    centre: [f64; 2],
    /// Plane radius that holds every opening within the search radius.
    outer_km: f64,
    /// Plane distance over true distance, at worst (see [`OpeningIndex::slack`]).
    slack: f64,
    /// Points a pair can have at most, travel aside.
    ceiling: i64,
}

impl<'a> SearchArea<'a> {
    fn new(
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
    fn bound(&self, km: f64) -> i64 {
        let minutes = self
            .config
            .travel_minutes(km / self.slack * 1000.0, self.person.mobility);
        self.ceiling + travel_points(minutes, self.person.max_trip_minutes, self.config)
    }
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

    fn step(&mut self, slot: usize) -> ControlFlow<BoundBroken> {
        let w = &mut *self.walk;
        let d2 = plane_d2(w.index.points[slot], w.area.centre);
        let km = d2.sqrt();
        if km > w.area.outer_km || km >= self.skip_from {
            return ControlFlow::Continue(());
        }
        let mut bound = None;
        if w.limit > 0 && w.best.len() == w.limit {
            let b = w.area.bound(km);
            if w.full_above(b) {
                self.skip_from = km;
                return ControlFlow::Continue(());
            }
            bound = Some(b);
        }
        match w.visit(d2, slot) {
            Some(score) if score > bound.unwrap_or_else(|| w.area.bound(km)) => {
                ControlFlow::Break(BoundBroken)
            }
            _ => ControlFlow::Continue(()),
        }
    }
}

/// The squared plane distance between `point` and `centre`, as the R-tree has it, so that
/// every search measures the same distance to the last bit.
fn plane_d2(point: [f64; 2], centre: [f64; 2]) -> f64 {
    let (dx, dy) = (point[0] - centre[0], point[1] - centre[1]);
    dx * dx + dy * dy
}

/// A pair scored above the search's bound at its distance (see [`OpeningIndex::slack`]).
struct BoundBroken;

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

/// A person's best pairs for the nightly optimiser.
pub(crate) struct BestPairs {
    /// Up to `m` eligible openings with their assessments, by opening index.
    pub pairs: Vec<(usize, Assessment)>,
    /// The highest score any eligible opening within reach left out of `pairs` can have, or
    /// `None` when none was left out.
    pub left_out_max_score: Option<i64>,
}

/// The `m` best eligible openings within `radius_m` of a person (seats as `seats` says), by
/// the same search as [`suggest`] (the grid ring by ring, the R-tree's nearest-first order when
/// a score breaks the grid's bound), and a ceiling on the score of every other one: the
/// optimiser lists these pairs only, and its certificate covers the others through the
/// ceiling. `memo` holds the person's similarity to each skill of the index (NaN: not yet;
/// [`OpeningIndex::skill_memo`], [`OpeningIndex::remembered`]).
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
fn pairs_by(
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

    fn step(&mut self, slot: usize) -> ControlFlow<BoundBroken> {
        let s = &mut *self.search;
        let km = plane_d2(s.index.points[slot], s.area.centre).sqrt();
        if km > s.area.outer_km {
            return ControlFlow::Continue(());
        }
        let b = s.area.bound(km);
        if s.top.full_above(b) {
            s.top.leave_out(b);
            return ControlFlow::Continue(());
        }
        if s.visit(slot, self.memo).is_some_and(|score| score > b) {
            return ControlFlow::Break(BoundBroken);
        }
        ControlFlow::Continue(())
    }
}

/// Some openings of an index with their seat prices, bucketed by a grid of their own
/// ([`OpeningIndex::priced_slots`]).
pub(crate) struct PricedSlots {
    grid: Grid,
    /// The index's slot of each of this grid's slots.
    slots: Vec<u32>,
    /// Plane positions, by this grid's slots.
    points: Vec<[f64; 2]>,
    /// Seat prices, by this grid's slots.
    price: Vec<f64>,
    /// The lowest of `price` (infinite when there is none).
    lowest: f64,
}

impl PricedSlots {
    pub fn len(&self) -> usize {
        self.slots.len()
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

    fn step(&mut self, k: usize) -> ControlFlow<Self::Stop> {
        let priced = self.priced;
        if priced.price[k] >= self.ring_price {
            return ControlFlow::Continue(());
        }
        let km = plane_d2(priced.points[k], self.centre).sqrt();
        if km > self.outer_km || priced.price[k] >= (self.affordable)(km) {
            return ControlFlow::Continue(());
        }
        let index = self.index;
        let slot = priced.slots[k] as usize;
        let h = &index.hot[slot];
        let i = h.index as usize;
        if (self.skip)(i) || !self.hot_person.may_pass(h, Seats::Ignore) {
            return ControlFlow::Continue(());
        }
        if let Some(a) = index.score(self.p, slot, self.config, self.memo) {
            (self.f)(i, a);
        }
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    //! The search against the straightforward way, as it was before the grid and the packed
    //! copy: the R-tree's nearest-first walk, every candidate judged by [`assess`] on its full
    //! record.

    use super::*;
    use crate::domain::{CefrLevel, OpeningKind};
    use crate::matching::model::{CurrentPlacement, CurrentState};
    use crate::matching::synthetic::{Territory, generate};
    use proptest::prelude::*;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

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
