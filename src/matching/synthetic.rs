//! Seeded synthetic territories for tests and benchmarks: the same seed gives the same people
//! and openings, so measured figures can be reproduced. Not a demo of real places (the demo
//! territories are in `crate::demo`); here only the shapes matter.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use super::model::{Beneficiary, Opening};
use super::problem::Problem;
use crate::domain::{
    CefrLevel, LanguageCode, LanguageLevel, LonLat, Mobility, OpeningKind, PhysicalDemand,
    Programme, Skill,
};

/// Skill labels drawn from public-utility work.
pub const SKILLS: &[&str] = &[
    "entretien espaces verts",
    "jardinage",
    "nettoyage de locaux",
    "aide en cuisine",
    "manutention",
    "accueil du public",
    "petits travaux de peinture",
    "tri et recyclage",
    "aide administrative",
    "animation enfants",
    "aide aux personnes âgées",
    "conduite de véhicule léger",
    "repassage",
    "magasinage",
    "maçonnerie",
    "informatique de base",
];

const LANGUAGES: &[&str] = &["fr", "lb", "de", "pt", "en", "ar"];

/// Sizes and place of a synthetic territory.
#[derive(Debug, Clone, PartialEq)]
pub struct Territory {
    pub people: usize,
    pub openings: usize,
    /// Centre of the square.
    pub centre: (f64, f64),
    /// Side of the square, in kilometres.
    pub side_km: f64,
    pub seed: u64,
}

impl Territory {
    pub fn new(people: usize, openings: usize, seed: u64) -> Self {
        Self {
            people,
            openings,
            centre: (6.05, 49.60),
            side_km: 50.0,
            seed,
        }
    }
}

fn id(rng: &mut StdRng) -> Uuid {
    Uuid::from_u128(rng.random())
}

fn point(rng: &mut StdRng, t: &Territory) -> LonLat {
    let half = t.side_km / 2.0;
    let dy = rng.random_range(-half..half) / 111.32;
    let dx = rng.random_range(-half..half) / (111.32 * t.centre.1.to_radians().cos());
    LonLat::new(t.centre.0 + dx, t.centre.1 + dy).expect("inside the world")
}

fn level(rng: &mut StdRng) -> CefrLevel {
    CefrLevel::ALL[rng.random_range(0..CefrLevel::ALL.len())]
}

fn language(rng: &mut StdRng) -> LanguageCode {
    LANGUAGES[rng.random_range(0..LANGUAGES.len())]
        .parse()
        .expect("listed codes are valid")
}

/// People and openings of a territory, all of one office and programme (REVIS).
pub fn generate(t: &Territory) -> (Vec<Beneficiary>, Vec<Opening>) {
    let mut rng = StdRng::seed_from_u64(t.seed);
    let office = id(&mut rng);
    let today = time::macros::date!(2026 - 11 - 24);
    let mut orgs: Vec<Uuid> = (0..(t.openings / 5).max(1)).map(|_| id(&mut rng)).collect();
    orgs.sort();
    let openings = (0..t.openings)
        .map(|_| {
            let required = if rng.random_bool(0.3) {
                vec![Skill::new(SKILLS[rng.random_range(0..SKILLS.len())])]
            } else {
                vec![]
            };
            let wanted = (0..rng.random_range(0..3))
                .map(|_| Skill::new(SKILLS[rng.random_range(0..SKILLS.len())]))
                .collect();
            let languages = if rng.random_bool(0.6) {
                vec![LanguageLevel {
                    language: if rng.random_bool(0.7) {
                        "fr".parse().unwrap()
                    } else {
                        language(&mut rng)
                    },
                    level: CefrLevel::ALL[rng.random_range(0..3)],
                }]
            } else {
                vec![]
            };
            let demands = if rng.random_bool(0.3) {
                vec![PhysicalDemand::ALL[rng.random_range(0..PhysicalDemand::ALL.len())]]
            } else {
                vec![]
            };
            Opening {
                id: id(&mut rng),
                organisation_id: orgs[rng.random_range(0..orgs.len())],
                title: String::new(),
                kind: OpeningKind::PublicUtilityWork,
                sector: String::new(),
                programmes: vec![Programme::Revis],
                location: point(&mut rng, t),
                seats: rng.random_range(1..=5),
                seats_taken: 0,
                hours_per_week: [10.0, 16.0, 20.0, 24.0][rng.random_range(0..4)],
                start_date: today,
                end_date: Some(today + time::Duration::days(rng.random_range(90..365))),
                required_skills: required,
                wanted_skills: wanted,
                languages,
                physical_demands: demands,
                host_monthly_cap: None,
                host_intake_this_month: 0,
            }
        })
        .collect();
    let people = (0..t.people)
        .map(|_| {
            let mobility = Mobility::ALL[rng.random_range(0..Mobility::ALL.len())];
            let skills = (0..rng.random_range(1..4))
                .map(|_| Skill::new(SKILLS[rng.random_range(0..SKILLS.len())]))
                .collect();
            let mut languages = vec![LanguageLevel {
                language: language(&mut rng),
                level: level(&mut rng),
            }];
            if rng.random_bool(0.6) {
                languages.push(LanguageLevel {
                    language: "fr".parse().unwrap(),
                    level: level(&mut rng),
                });
            }
            languages.sort_by_key(|l| l.language);
            languages.dedup_by_key(|l| l.language);
            Beneficiary {
                id: id(&mut rng),
                programme: Programme::Revis,
                office_id: office,
                home: point(&mut rng, t),
                mobility,
                max_trip_minutes: [20, 30, 45, 60][rng.random_range(0..4)],
                languages,
                skills,
                hours_per_week: [16.0, 20.0, 24.0, 30.0][rng.random_range(0..4)],
                earliest_start: today,
                health_limits: if rng.random_bool(0.2) {
                    vec![PhysicalDemand::HeavyLifting]
                } else {
                    vec![]
                },
                refused_sectors: vec![],
                waiting_since: today - time::Duration::days(rng.random_range(0..700)),
                current: None,
            }
        })
        .collect();
    (people, openings)
}

/// A plain assignment problem shaped like `shared/tools/gen_instance.py`'s (not the same numbers:
/// another random generator): people and openings scattered over a 50 × 50 km square, each
/// person reaching about half the openings within a radius of 0.5 to 1.5 × `radius_km`, a pair's
/// cost 40 per km plus up to 600 of skill mismatch, leaving a person out 2,000 to 2,500.
pub fn instance(people: usize, openings: usize, radius_km: f64, seed: u64) -> Problem {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut xy = |count: usize| -> Vec<(f64, f64)> {
        (0..count)
            .map(|_| (rng.random_range(0.0..50.0), rng.random_range(0.0..50.0)))
            .collect()
    };
    let homes = xy(people);
    let places = xy(openings);
    let mut problem = Problem {
        capacity: (0..openings).map(|_| rng.random_range(1..5)).collect(),
        start: vec![0],
        ..Default::default()
    };
    // Openings by 1 km cell, so that generation is not quadratic.
    let mut cells: std::collections::HashMap<(i32, i32), Vec<u32>> = Default::default();
    for (j, &(x, y)) in places.iter().enumerate() {
        cells
            .entry((x as i32, y as i32))
            .or_default()
            .push(j as u32);
    }
    for &(x, y) in &homes {
        problem
            .unassigned_cost
            .push(2_000 + rng.random_range(0..500));
        let radius = rng.random_range(0.5..1.5) * radius_km;
        let r = radius.ceil() as i32;
        let mut near: Vec<u32> = Vec::new();
        for cx in (x as i32 - r)..=(x as i32 + r) {
            for cy in (y as i32 - r)..=(y as i32 + r) {
                if let Some(list) = cells.get(&(cx, cy)) {
                    near.extend(list);
                }
            }
        }
        near.sort_unstable();
        for j in near {
            let (ox, oy) = places[j as usize];
            let d = (ox - x).hypot(oy - y);
            if d <= radius && rng.random_bool(0.5) {
                problem.edge_opening.push(j);
                problem
                    .edge_cost
                    .push((d * 40.0) as i64 + rng.random_range(0..600));
            }
        }
        problem.start.push(problem.edge_opening.len());
    }
    problem
}
