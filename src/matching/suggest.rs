//! Suggestions for one person: the best eligible openings within reach, each with its breakdown,
//! and the openings within reach that a hard rule excluded, with the rules. Candidates come from
//! an R-tree over the openings, never from a scan of all of them.

use rstar::RTree;
use rstar::primitives::GeomWithData;
use serde::Serialize;
use uuid::Uuid;

use super::evaluate::{
    CriterionPart, Exclusion, PreparedOpening, PreparedPerson, Seats, assess, explain,
};
use super::model::{Beneficiary, MatchingConfig, Opening};
use crate::domain::LonLat;

/// Kilometres per degree of latitude (and of longitude at the equator).
const KM_PER_DEGREE: f64 = 111.32;

/// Openings indexed by place, with their skills prepared once.
#[derive(Debug)]
pub struct OpeningIndex {
    openings: Vec<Opening>,
    prepared: Vec<PreparedOpening>,
    tree: RTree<GeomWithData<[f64; 2], usize>>,
    /// Longitude is scaled by cos(mean latitude) so that the plane is locally true.
    lon_scale: f64,
}

impl OpeningIndex {
    /// Builds the index. Openings keep their order; ties between equal scores go to the lower id.
    pub fn new(openings: Vec<Opening>) -> Self {
        let mean_lat = if openings.is_empty() {
            0.0
        } else {
            openings.iter().map(|o| o.location.lat()).sum::<f64>() / openings.len() as f64
        };
        let lon_scale = mean_lat.to_radians().cos() * KM_PER_DEGREE;
        let points = openings
            .iter()
            .enumerate()
            .map(|(i, o)| GeomWithData::new(project(o.location, lon_scale), i))
            .collect();
        Self {
            prepared: openings.iter().map(PreparedOpening::new).collect(),
            openings,
            tree: RTree::bulk_load(points),
            lon_scale,
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

    /// Indices of the openings within `radius_m` (straight line) of `centre`, nearest first.
    pub fn within(&self, centre: LonLat, radius_m: f64) -> Vec<usize> {
        let c = project(centre, self.lon_scale);
        // The projection is approximate away from the mean latitude: widen by 5 %, then the
        // exact distance decides.
        let r_km = radius_m / 1000.0 * 1.05;
        let mut found: Vec<(f64, usize)> = self
            .tree
            .locate_within_distance(c, r_km * r_km)
            .map(|g| {
                let o = &self.openings[g.data];
                (centre.distance_m(o.location), g.data)
            })
            .filter(|(d, _)| *d <= radius_m)
            .collect();
        found.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        found.into_iter().map(|(_, i)| i).collect()
    }

    pub(crate) fn prepared(&self, i: usize) -> &PreparedOpening {
        &self.prepared[i]
    }
}

fn project(p: LonLat, lon_scale: f64) -> [f64; 2] {
    [p.lon() * lon_scale, p.lat() * KM_PER_DEGREE]
}

/// One suggested opening.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub opening_id: Uuid,
    /// Higher is better; the sum of `breakdown`'s points.
    pub score: i64,
    pub breakdown: Vec<CriterionPart>,
    pub seats_left: u32,
}

/// An opening within reach that a hard rule excluded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Excluded {
    pub opening_id: Uuid,
    pub reasons: Vec<ExclusionReason>,
}

/// One rule that excluded an opening.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExclusionReason {
    pub code: &'static str,
    pub explanation: String,
}

impl From<&Exclusion> for ExclusionReason {
    fn from(e: &Exclusion) -> Self {
        Self {
            code: e.code(),
            explanation: e.explanation(),
        }
    }
}

/// Suggestions for one person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestions {
    pub items: Vec<Suggestion>,
    pub excluded: Vec<Excluded>,
}

/// The `limit` best eligible openings within reach (best first; equal scores by opening id),
/// and up to `excluded_limit` excluded ones, nearest first.
pub fn suggest(
    person: &Beneficiary,
    index: &OpeningIndex,
    config: &MatchingConfig,
    today: time::Date,
    limit: usize,
    excluded_limit: usize,
) -> Suggestions {
    let p = PreparedPerson::new(person, today);
    let current = person.current.map(|c| c.opening_id);
    // Openings a little beyond reach are listed as excluded for travel, which is what a
    // caseworker asks about ("why not the one in the next town?").
    let candidates = index.within(person.home, config.reach_m(person) * 1.5);
    let mut ranked: Vec<(i64, Uuid, usize, super::evaluate::Assessment)> = Vec::new();
    let mut excluded = Vec::new();
    for i in candidates {
        let o = &index.openings[i];
        let seats = Seats::Check {
            is_current: current == Some(o.id),
        };
        match assess(&p, o, index.prepared(i), config, seats) {
            Ok(a) => ranked.push((a.score(), o.id, i, a)),
            Err(why) => {
                if excluded.len() < excluded_limit {
                    excluded.push(Excluded {
                        opening_id: o.id,
                        reasons: why.iter().map(ExclusionReason::from).collect(),
                    });
                }
            }
        }
    }
    let by_rank =
        |a: &(i64, Uuid, usize, _), b: &(i64, Uuid, usize, _)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
    if ranked.len() > limit {
        ranked.select_nth_unstable_by(limit, by_rank);
        ranked.truncate(limit);
    }
    ranked.sort_by(by_rank);
    let items = ranked
        .into_iter()
        .map(|(score, id, i, a)| {
            let o = &index.openings[i];
            Suggestion {
                opening_id: id,
                score,
                breakdown: explain(&a, &p, o, config),
                seats_left: o.free_seats(),
            }
        })
        .collect();
    Suggestions { items, excluded }
}
