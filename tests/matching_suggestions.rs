//! Suggestions for one person: each hard rule excludes by name, breakdowns add up, the ranking is
//! deterministic, and the R-tree finds what a full scan would.

use placematch::domain::{
    CefrLevel, LanguageLevel, LonLat, Mobility, OpeningKind, PhysicalDemand, Programme, Skill,
};
use placematch::i18n::Language;
use placematch::matching::evaluate::{PreparedOpening, PreparedPerson, Seats, assess};
use placematch::matching::synthetic::{Territory, generate};
use placematch::matching::{
    Beneficiary, CurrentPlacement, CurrentState, MatchingConfig, Opening, OpeningIndex, suggest,
};
use placematch::resource::explain;
use proptest::prelude::*;
#[path = "support/run.rs"]
mod run;
use run::assert_success;
use time::macros::date;
use uuid::Uuid;

const TODAY: time::Date = date!(2026 - 11 - 24);

fn esch_person() -> Beneficiary {
    Beneficiary {
        id: Uuid::from_u128(1),
        programme: Programme::Revis,
        office_id: Uuid::from_u128(99),
        home: LonLat::new(5.9806, 49.4958).unwrap(),
        mobility: Mobility::PublicTransport,
        max_trip_minutes: 45,
        languages: vec![LanguageLevel {
            language: "fr".parse().unwrap(),
            level: CefrLevel::B1,
        }],
        skills: vec![Skill::new("jardinage")],
        hours_per_week: 20.0,
        earliest_start: date!(2026 - 12 - 01),
        health_limits: vec![PhysicalDemand::HeavyLifting],
        refused_sectors: vec!["cleaning".into()],
        waiting_since: date!(2026 - 05 - 28),
        current: None,
    }
}

/// An opening in Differdange (about 20 minutes by public transport from Esch) that fits.
fn differdange_opening(n: u128) -> Opening {
    Opening {
        id: Uuid::from_u128(1000 + n),
        organisation_id: Uuid::from_u128(2000),
        title: "Espaces verts".into(),
        kind: OpeningKind::PublicUtilityWork,
        sector: "environment".into(),
        programmes: vec![Programme::Revis],
        location: LonLat::new(5.8914, 49.5242).unwrap(),
        seats: 2,
        seats_taken: 0,
        hours_per_week: 20.0,
        start_date: date!(2026 - 12 - 01),
        end_date: Some(date!(2027 - 05 - 31)),
        required_skills: vec![Skill::new("jardinage")],
        wanted_skills: vec![],
        languages: vec![LanguageLevel {
            language: "fr".parse().unwrap(),
            level: CefrLevel::A2,
        }],
        physical_demands: vec![],
        host_monthly_cap: None,
        host_intake_this_month: 0,
    }
}

fn rules_of(o: Opening) -> Vec<&'static str> {
    let person = esch_person();
    let p = PreparedPerson::new(&person, TODAY);
    let config = MatchingConfig::default();
    match assess(
        &p,
        &o,
        &PreparedOpening::new(&o),
        &config,
        Seats::Check { is_current: false },
    ) {
        Ok(_) => vec![],
        Err(rules) => rules.iter().map(|r| r.code()).collect(),
    }
}

#[test]
fn a_fitting_opening_passes_every_rule() {
    assert!(rules_of(differdange_opening(0)).is_empty());
}

#[test]
fn another_programme_is_excluded() {
    let mut o = differdange_opening(0);
    o.programmes = vec![Programme::Rsa];
    assert_eq!(rules_of(o), vec!["programme"]);
}

#[test]
fn an_article_60_post_is_excluded_for_a_revis_beneficiary() {
    let mut o = differdange_opening(0);
    o.kind = OpeningKind::Article60;
    assert_eq!(rules_of(o), vec!["kind_not_allowed"]);
}

#[test]
fn a_trip_over_the_persons_limit_is_excluded() {
    let mut o = differdange_opening(0);
    o.location = LonLat::new(6.1042, 49.8475).unwrap(); // Ettelbruck, ~40 km
    assert_eq!(rules_of(o), vec!["travel_time"]);
}

#[test]
fn a_required_language_below_level_or_missing_is_excluded() {
    let mut o = differdange_opening(0);
    o.languages = vec![LanguageLevel {
        language: "fr".parse().unwrap(),
        level: CefrLevel::B2,
    }];
    assert_eq!(rules_of(o.clone()), vec!["language_level"]);
    o.languages = vec![LanguageLevel {
        language: "lb".parse().unwrap(),
        level: CefrLevel::A1,
    }];
    assert_eq!(rules_of(o), vec!["language_level"]);
}

#[test]
fn a_missing_required_skill_is_excluded_but_a_wanted_one_is_not() {
    let mut o = differdange_opening(0);
    o.required_skills = vec![Skill::new("maçonnerie")];
    assert_eq!(rules_of(o.clone()), vec!["required_skill"]);
    o.wanted_skills = o.required_skills.split_off(0);
    assert!(rules_of(o).is_empty());
}

#[test]
fn more_hours_than_available_are_excluded() {
    let mut o = differdange_opening(0);
    o.hours_per_week = 30.0;
    assert_eq!(rules_of(o), vec!["hours"]);
}

#[test]
fn an_opening_ending_before_the_person_can_start_is_excluded() {
    let mut o = differdange_opening(0);
    o.end_date = Some(date!(2026 - 11 - 30));
    assert_eq!(rules_of(o), vec!["dates"]);
}

#[test]
fn a_physical_demand_against_a_health_limit_is_excluded() {
    let mut o = differdange_opening(0);
    o.physical_demands = vec![PhysicalDemand::HeavyLifting];
    assert_eq!(rules_of(o), vec!["health"]);
}

#[test]
fn a_refused_sector_is_excluded() {
    let mut o = differdange_opening(0);
    o.sector = "Cleaning".into();
    assert_eq!(rules_of(o), vec!["refused_sector"]);
}

#[test]
fn a_sector_refused_in_other_case_or_spacing_is_still_excluded() {
    // The person refuses "cleaning"; the host typed it differently.
    let mut o = differdange_opening(0);
    o.sector = "  CLEANING ".into();
    assert_eq!(rules_of(o), vec!["refused_sector"]);
    let mut person = esch_person();
    person.refused_sectors = vec!["Green  Spaces".into()];
    let mut o = differdange_opening(0);
    o.sector = "green spaces".into();
    let p = PreparedPerson::new(&person, TODAY);
    let rules = assess(
        &p,
        &o,
        &PreparedOpening::new(&o),
        &MatchingConfig::default(),
        Seats::Check { is_current: false },
    )
    .unwrap_err();
    assert_eq!(rules[0].code(), "refused_sector");
}

#[test]
fn a_full_opening_and_a_host_at_its_monthly_cap_are_excluded() {
    let mut o = differdange_opening(0);
    o.seats_taken = 2;
    assert_eq!(rules_of(o.clone()), vec!["no_seat_left"]);
    o.seats_taken = 0;
    o.host_monthly_cap = Some(2);
    o.host_intake_this_month = 2;
    assert_eq!(rules_of(o), vec!["host_intake_cap"]);
}

#[test]
fn several_failing_rules_are_all_named() {
    let mut o = differdange_opening(0);
    o.hours_per_week = 35.0;
    o.physical_demands = vec![PhysicalDemand::HeavyLifting];
    o.programmes = vec![Programme::CpasRis];
    assert_eq!(rules_of(o), vec!["programme", "hours", "health"]);
}

#[test]
fn the_persons_own_full_opening_is_still_suggested() {
    let mut person = esch_person();
    let mut o = differdange_opening(0);
    o.seats_taken = 2;
    person.current = Some(CurrentPlacement {
        opening_id: o.id,
        state: CurrentState::Proposed,
    });
    let index = OpeningIndex::new(vec![o]);
    let found = suggest(&person, &index, &MatchingConfig::default(), TODAY, 10, 10);
    assert_eq!(found.items.len(), 1);
}

#[test]
fn suggestions_rank_best_first_and_explain_the_excluded_with_sentences() {
    let person = esch_person();
    let near = differdange_opening(1);
    let mut far_but_ok = differdange_opening(2);
    far_but_ok.location = LonLat::new(5.8781, 49.5586).unwrap(); // Pétange, farther
    let mut heavy = differdange_opening(3);
    heavy.physical_demands = vec![PhysicalDemand::HeavyLifting];
    let index = OpeningIndex::new(vec![far_but_ok.clone(), heavy.clone(), near.clone()]);
    let found = suggest(&person, &index, &MatchingConfig::default(), TODAY, 10, 10);
    let ids: Vec<Uuid> = found.items.iter().map(|s| s.opening_id).collect();
    assert_eq!(ids, vec![near.id, far_but_ok.id], "the nearer one first");
    assert_eq!(found.excluded.len(), 1);
    assert_eq!(found.excluded[0].opening_id, heavy.id);
    assert_eq!(found.excluded[0].reasons[0].code(), "health");
    let health = explain::exclusion(&found.excluded[0].reasons[0]).render(Language::En);
    assert!(health.contains("heavy lifting"), "{health}");
    let travel = explain::criterion(&found.items[0].breakdown[2].facts).render(Language::Fr);
    assert!(travel.contains("min en transports en commun"), "{travel}");
}

#[test]
fn the_cli_explains_suggestions_from_the_fixture_file() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_placematch"))
        .args([
            "suggest",
            "--input",
            "fixtures/matching/small_territory.json",
            "--beneficiary",
            "00000000-0000-4000-8000-000000000001",
        ])
        .output()
        .unwrap();
    assert_success(&out);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &v["items"][0];
    assert_eq!(
        first["opening_id"], "00000000-0000-4000-8000-000000000101",
        "green spaces in Differdange fits her best"
    );
    let sum: i64 = first["breakdown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["points"].as_i64().unwrap())
        .sum();
    assert_eq!(sum, first["score"].as_i64().unwrap());
    let excluded: Vec<(&str, &str)> = v["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["opening_id"].as_str().unwrap(),
                e["reasons"][0]["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        excluded,
        vec![
            ("00000000-0000-4000-8000-000000000104", "no_seat_left"),
            ("00000000-0000-4000-8000-000000000106", "hours"),
        ],
        "the full depot in Schifflange and the 30-hour job in Pétange: {v}"
    );
}

#[test]
fn the_cli_names_an_unknown_beneficiary() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_placematch"))
        .args([
            "suggest",
            "--input",
            "fixtures/matching/small_territory.json",
            "--beneficiary",
            "00000000-0000-4000-8000-000000000777",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--beneficiary: no beneficiary"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn every_breakdown_adds_up_to_its_score_and_the_index_finds_what_a_scan_finds(seed in 0u64..1000) {
        let (people, openings) = generate(&Territory::new(5, 300, seed));
        let config = MatchingConfig::default();
        let index = OpeningIndex::new(openings.clone());
        for person in &people {
            let found = suggest(person, &index, &config, TODAY, 10, 1000);
            for s in &found.items {
                prop_assert_eq!(s.breakdown.iter().map(|p| p.points).sum::<i64>(), s.score);
                prop_assert!(s.score <= config.max_score() && s.score >= 0);
            }
            prop_assert!(found.items.windows(2).all(|w| (w[0].score, std::cmp::Reverse(w[0].opening_id)) >= (w[1].score, std::cmp::Reverse(w[1].opening_id))));
            // A full scan with the same rules finds the same best ten.
            let p = PreparedPerson::new(person, TODAY);
            let mut scan: Vec<(i64, Uuid)> = openings.iter().filter_map(|o| {
                assess(&p, o, &PreparedOpening::new(o), &config, Seats::Check { is_current: false }).ok().map(|a| (a.score(), o.id))
            }).collect();
            scan.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            scan.truncate(10);
            let got: Vec<(i64, Uuid)> = found.items.iter().map(|s| (s.score, s.opening_id)).collect();
            prop_assert_eq!(got, scan);
            let again = suggest(person, &index, &config, TODAY, 10, 1000);
            prop_assert_eq!(&again, &found);
        }
    }

    /// The radius query answers positions in `openings()` (its tree's leaves hold packed slots):
    /// exactly the openings within the radius, nearest first, ties by position.
    #[test]
    fn within_answers_the_positions_of_the_openings_inside_the_radius_nearest_first(
        seed in 0u64..1000,
        count in 1usize..300,
        east_km in -25.0f64..25.0,
        north_km in -25.0f64..25.0,
        radius_m in 0.0f64..20_000.0,
    ) {
        let (_, openings) = generate(&Territory::new(0, count, seed));
        let index = OpeningIndex::new(openings);
        let centre = LonLat::new(
            6.05 + east_km / (111.32 * 49.6f64.to_radians().cos()),
            49.60 + north_km / 111.32,
        )
        .unwrap();
        let mut expected: Vec<(f64, usize)> = index
            .openings()
            .iter()
            .enumerate()
            .map(|(j, o)| (centre.distance_m(o.location), j))
            .filter(|(d, _)| *d <= radius_m)
            .collect();
        expected.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let expected: Vec<usize> = expected.into_iter().map(|(_, j)| j).collect();
        prop_assert_eq!(index.within(centre, radius_m), expected);
    }
}
