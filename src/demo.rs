//! Seeded demo territories modelled on the real programmes: a Luxembourg office social (REVIS),
//! a Brussels CPAS (article 60, social economy) and a French département (RSA, a city and a
//! rural area). Real place names and coordinates; no real person (names are drawn from common
//! first and family names). The same seed gives the same territory.

use std::sync::Arc;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::store::{
    BeneficiaryFields, LanguageRecord, NewOffice, NewOrganisation, OpeningFields, SkillRecord,
    Store, StoreError,
};

/// Which territory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Territory {
    /// An office social in the south of Luxembourg (REVIS): a few hundred people.
    Luxembourg,
    /// A Brussels CPAS: about 5,600 files and 350 article 60 posts (121 in social economy).
    Brussels,
    /// A French département (RSA): a city and a rural area, long car trips.
    France,
}

impl Territory {
    /// Every value, in order.
    pub const ALL: &'static [Territory] = &[
        Territory::Luxembourg,
        Territory::Brussels,
        Territory::France,
    ];
    /// Every string form, in order.
    pub const NAMES: &'static [&'static str] = &["luxembourg", "brussels", "france"];
}

impl std::str::FromStr for Territory {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        crate::domain::one_of(s, Territory::ALL, Territory::NAMES)
    }
}

impl std::fmt::Display for Territory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Territory::Luxembourg => "luxembourg",
            Territory::Brussels => "brussels",
            Territory::France => "france",
        })
    }
}

struct Place {
    name: &'static str,
    lon: f64,
    lat: f64,
}

const fn place(name: &'static str, lon: f64, lat: f64) -> Place {
    Place { name, lon, lat }
}

const LUXEMBOURG: &[Place] = &[
    place("Esch-sur-Alzette", 5.9806, 49.4958),
    place("Differdange", 5.8914, 49.5242),
    place("Dudelange", 6.0875, 49.4806),
    place("Schifflange", 6.0122, 49.5064),
    place("Pétange", 5.8781, 49.5586),
    place("Sanem", 5.9344, 49.5478),
    place("Kayl", 6.0397, 49.4894),
    place("Bettembourg", 6.1028, 49.5186),
    place("Mondercange", 5.9867, 49.5328),
    place("Rumelange", 6.0311, 49.4597),
    place("Luxembourg", 6.1296, 49.6116),
];

const BRUSSELS: &[Place] = &[
    place("Molenbeek-Saint-Jean", 4.3317, 50.8547),
    place("Anderlecht", 4.3086, 50.8365),
    place("Schaerbeek", 4.3775, 50.8676),
    place("Bruxelles", 4.3517, 50.8503),
    place("Saint-Gilles", 4.3456, 50.8275),
    place("Koekelberg", 4.3290, 50.8624),
    place("Jette", 4.3275, 50.8777),
    place("Forest", 4.3200, 50.8110),
    place("Ixelles", 4.3719, 50.8330),
    place("Saint-Josse-ten-Noode", 4.3710, 50.8540),
];

const FRANCE_CITY: &[Place] = &[
    place("Nancy", 6.1844, 48.6921),
    place("Vandœuvre-lès-Nancy", 6.1722, 48.6589),
    place("Laxou", 6.1500, 48.6850),
    place("Villers-lès-Nancy", 6.1528, 48.6731),
    place("Maxéville", 6.1631, 48.7114),
];

const FRANCE_RURAL: &[Place] = &[
    place("Lunéville", 6.4960, 48.5894),
    place("Toul", 5.8917, 48.6750),
    place("Pont-à-Mousson", 6.0536, 48.9053),
    place("Baccarat", 6.7400, 48.4500),
    place("Blâmont", 6.8442, 48.5894),
    place("Colombey-les-Belles", 5.8964, 48.5292),
    place("Vézelise", 6.0917, 48.4878),
];

/// Posts: title, ROME code, sector, physical demand (if any).
const POSTS: &[(&str, &str, &str, Option<&str>)] = &[
    (
        "Entretien des espaces verts",
        "A1203",
        "environment",
        Some("outdoor_work"),
    ),
    (
        "Nettoyage de locaux",
        "K2204",
        "cleaning",
        Some("standing_all_day"),
    ),
    (
        "Aide en cuisine collective",
        "G1602",
        "catering",
        Some("standing_all_day"),
    ),
    (
        "Magasinage et préparation de commandes",
        "N1103",
        "logistics",
        Some("heavy_lifting"),
    ),
    ("Accueil du public", "M1601", "public_service", None),
    ("Aide administrative", "M1602", "public_service", None),
    (
        "Tri et recyclage",
        "K2304",
        "environment",
        Some("repetitive_motion"),
    ),
    ("Aide aux personnes âgées", "K1302", "care", None),
    (
        "Petits travaux de peinture",
        "F1606",
        "building",
        Some("work_at_height"),
    ),
    ("Animation périscolaire", "G1203", "education", None),
    (
        "Conduite de véhicule léger",
        "N4105",
        "transport",
        Some("driving"),
    ),
    (
        "Repassage et retouches",
        "B1806",
        "textile",
        Some("repetitive_motion"),
    ),
];

const GIVEN: &[&str] = &[
    "Ana", "Mohamed", "Fatima", "João", "Sofia", "Youssef", "Marie", "Luca", "Amina", "Pedro",
    "Nadia", "Olena", "Karim", "Inês", "Aliou", "Sara", "Tomás", "Leïla", "Mehdi", "Claire",
];
const FAMILY: &[&str] = &[
    "Ferreira",
    "El Amrani",
    "Dupont",
    "Da Silva",
    "Kowalski",
    "Diallo",
    "Martin",
    "Rossi",
    "Haddad",
    "Pereira",
    "Schmit",
    "Yilmaz",
    "Bernard",
    "Nguyen",
    "Lambert",
    "Boukhari",
    "Weber",
    "Costa",
    "Hoffmann",
    "Petit",
];

/// What a load created.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Loaded {
    pub office_id: Uuid,
    pub office_name: String,
    pub organisations: usize,
    pub openings: usize,
    pub beneficiaries: usize,
}

struct Shape {
    office: &'static str,
    country: &'static str,
    programme: &'static str,
    people: usize,
    openings: usize,
    /// Languages people speak (code, probability), and of openings' demands.
    languages: &'static [(&'static str, f64)],
    demanded: &'static [&'static str],
    mobility: &'static [(&'static str, u32)],
    kind: &'static str,
}

fn shape(t: Territory) -> Shape {
    match t {
        Territory::Luxembourg => Shape {
            office: "Office social régional Sud (démo)",
            country: "LU",
            programme: "revis",
            people: 300,
            openings: 60,
            languages: &[
                ("fr", 0.7),
                ("lb", 0.35),
                ("de", 0.4),
                ("pt", 0.35),
                ("en", 0.2),
            ],
            demanded: &["fr", "lb", "de"],
            mobility: &[
                ("public_transport", 60),
                ("car", 15),
                ("walk", 10),
                ("bike", 15),
            ],
            kind: "public_utility_work",
        },
        Territory::Brussels => Shape {
            office: "CPAS de Molenbeek-Saint-Jean (démo)",
            country: "BE",
            programme: "cpas_ris",
            people: 5_600,
            openings: 350,
            languages: &[
                ("fr", 0.75),
                ("nl", 0.25),
                ("ar", 0.4),
                ("en", 0.2),
                ("tr", 0.1),
            ],
            demanded: &["fr", "nl"],
            mobility: &[
                ("public_transport", 75),
                ("walk", 15),
                ("bike", 5),
                ("car", 5),
            ],
            kind: "article_60",
        },
        Territory::France => Shape {
            office: "Département de Meurthe-et-Moselle, service RSA (démo)",
            country: "FR",
            programme: "rsa",
            people: 3_000,
            openings: 300,
            languages: &[("fr", 0.9), ("ar", 0.15), ("tr", 0.05), ("en", 0.1)],
            demanded: &["fr"],
            mobility: &[
                ("car", 45),
                ("public_transport", 40),
                ("bike", 5),
                ("walk", 10),
            ],
            kind: "public_utility_work",
        },
    }
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn near(rng: &mut StdRng, p: &Place, km: f64) -> (f64, f64) {
    let dy = rng.random_range(-km..km) / 111.32;
    let dx = rng.random_range(-km..km) / (111.32 * p.lat.to_radians().cos());
    (p.lon + dx, p.lat + dy)
}

fn level(rng: &mut StdRng, low: usize, high: usize) -> String {
    ["A1", "A2", "B1", "B2", "C1", "C2"][rng.random_range(low..=high)].to_owned()
}

/// Loads a territory at `scale` (1.0 = the sizes above) into `store`.
pub async fn load(
    store: &Arc<dyn Store>,
    territory: Territory,
    seed: u64,
    scale: f64,
    today: time::Date,
) -> Result<Loaded, StoreError> {
    let (people, openings) = sizes(territory, scale);
    load_sized(store, territory, seed, people, openings, today).await
}

/// People and openings of a territory at `scale`.
pub fn sizes(territory: Territory, scale: f64) -> (usize, usize) {
    let s = shape(territory);
    (
        ((s.people as f64 * scale).round() as usize).max(1),
        ((s.openings as f64 * scale).round() as usize).max(1),
    )
}

/// Loads a territory with exactly `people` files and `openings_n` openings.
pub async fn load_sized(
    store: &Arc<dyn Store>,
    territory: Territory,
    seed: u64,
    people: usize,
    openings_n: usize,
    today: time::Date,
) -> Result<Loaded, StoreError> {
    let s = shape(territory);
    let mut rng = StdRng::seed_from_u64(seed ^ (territory as u64) << 32);
    let office = store
        .create_office(&NewOffice {
            name: s.office.to_owned(),
            country: s.country.to_owned(),
            programme: s.programme.to_owned(),
        })
        .await?;
    let places: Vec<&Place> = match territory {
        Territory::Luxembourg => LUXEMBOURG.iter().collect(),
        Territory::Brussels => BRUSSELS.iter().collect(),
        Territory::France => FRANCE_CITY.iter().chain(FRANCE_RURAL).collect(),
    };
    // Hosts: communes, non-profits, social-economy firms; about one per six openings.
    let host_kinds: &[&str] = match territory {
        Territory::Brussels => &["social_economy", "non_profit", "commune", "cpas"],
        _ => &["commune", "non_profit", "foundation", "public_body"],
    };
    let mut orgs = Vec::new();
    for k in 0..(openings_n / 6).max(1) {
        let p = places[k % places.len()];
        let kind = if territory == Territory::Brussels && k % 3 == 0 {
            "social_economy"
        } else {
            host_kinds[k % host_kinds.len()]
        };
        let (lon, lat) = near(&mut rng, p, 1.5);
        let label = match kind {
            "commune" => format!("Administration communale de {}", p.name),
            "social_economy" => format!("Entreprise d'économie sociale {} {}", p.name, k + 1),
            "cpas" => format!("CPAS de {}", p.name),
            "foundation" => format!("Fondation {} {}", p.name, k + 1),
            "public_body" => format!("Service public de {}", p.name),
            _ => format!("ASBL {} {}", p.name, k + 1),
        };
        let org = store
            .create_organisation(&NewOrganisation {
                external_ref: None,
                name: label,
                kind: kind.to_owned(),
                address: Some(format!("{} (centre)", p.name)),
                lon,
                lat,
                monthly_intake_cap: (k % 4 == 0).then_some(3),
            })
            .await?;
        // The territory's hosts see its people among their candidates.
        store.set_served_offices(org.id, &[office.id]).await?;
        orgs.push(org);
    }
    let mut openings = Vec::with_capacity(openings_n);
    for _ in 0..openings_n {
        let org = pick(&mut rng, &orgs);
        let (title, code, sector, demand) = *pick(&mut rng, POSTS);
        let languages = if rng.random_bool(0.55) {
            vec![LanguageRecord {
                language: pick(&mut rng, s.demanded).to_string(),
                level: level(&mut rng, 0, 2),
            }]
        } else {
            vec![]
        };
        let months = rng.random_range(3..=12);
        openings.push((
            org.id,
            OpeningFields {
                external_ref: None,
                title: title.to_owned(),
                tasks: format!("{title} au sein de l'équipe, avec un tuteur."),
                kind: s.kind.to_owned(),
                sector: sector.to_owned(),
                programmes: vec![s.programme.to_owned()],
                lon: org.lon,
                lat: org.lat,
                seats: rng.random_range(1..=3),
                hours_per_week: *pick(&mut rng, &[16.0, 19.0, 20.0, 24.0, 30.0]),
                start_date: today + time::Duration::days(rng.random_range(0..30)),
                end_date: Some(today + time::Duration::days(30 * months)),
                required_skills: if rng.random_bool(0.2) {
                    vec![SkillRecord {
                        label: title.to_lowercase(),
                        code: Some(code.to_owned()),
                    }]
                } else {
                    vec![]
                },
                wanted_skills: vec![SkillRecord {
                    label: title.to_lowercase(),
                    code: (s.country == "FR").then(|| code.to_owned()),
                }],
                languages,
                physical_demands: demand.map(|d| vec![d.to_owned()]).unwrap_or_default(),
                tutor: Some(format!("Tuteur·rice {}", pick(&mut rng, FAMILY))),
                status: "open".to_owned(),
                status_reason: None,
            },
        ));
    }
    store.create_openings(&openings).await?;

    let mut files = Vec::with_capacity(people);
    for k in 0..people {
        let p = pick(&mut rng, &places);
        let (lon, lat) = near(&mut rng, p, 2.0);
        let mut languages: Vec<LanguageRecord> = Vec::new();
        for (code, prob) in s.languages {
            if rng.random_bool(*prob) {
                languages.push(LanguageRecord {
                    language: (*code).to_owned(),
                    level: level(&mut rng, 0, 5),
                });
            }
        }
        if languages.is_empty() {
            languages.push(LanguageRecord {
                language: s.languages[0].0.to_owned(),
                level: level(&mut rng, 0, 2),
            });
        }
        let skills = (0..rng.random_range(1..=3))
            .map(|_| {
                let (title, code, _, _) = *pick(&mut rng, POSTS);
                SkillRecord {
                    label: title.to_lowercase(),
                    code: (s.country == "FR" && rng.random_bool(0.5)).then(|| code.to_owned()),
                }
            })
            .collect();
        let mobility = {
            let total: u32 = s.mobility.iter().map(|m| m.1).sum();
            let mut r = rng.random_range(0..total);
            s.mobility
                .iter()
                .find(|m| {
                    if r < m.1 {
                        true
                    } else {
                        r -= m.1;
                        false
                    }
                })
                .map_or("public_transport", |m| m.0)
        };
        files.push(BeneficiaryFields {
            external_ref: Some(format!("{}-{:06}", s.country, k + 1)),
            given_name: pick(&mut rng, GIVEN).to_string(),
            family_name: pick(&mut rng, FAMILY).to_string(),
            birth_date: Some(today - time::Duration::days(rng.random_range(20 * 365..60 * 365))),
            address: Some(format!("{} (démo)", p.name)),
            lon,
            lat,
            mobility: mobility.to_owned(),
            max_trip_minutes: *pick(&mut rng, &[20, 30, 45, 60]),
            hours_per_week: *pick(&mut rng, &[15.0, 20.0, 24.0, 30.0, 38.0]),
            earliest_start: today,
            waiting_since: today - time::Duration::days(rng.random_range(0..720)),
            skills,
            languages,
            health_limits: if rng.random_bool(0.15) {
                vec![
                    pick(
                        &mut rng,
                        &["heavy_lifting", "standing_all_day", "night_work"],
                    )
                    .to_string(),
                ]
            } else {
                vec![]
            },
            refused_sectors: vec![],
            status: "waiting".to_owned(),
        });
    }
    for chunk in files.chunks(20_000) {
        store.create_beneficiaries(office.id, chunk).await?;
    }
    Ok(Loaded {
        office_id: office.id,
        office_name: office.name,
        organisations: orgs.len(),
        openings: openings_n,
        beneficiaries: people,
    })
}
