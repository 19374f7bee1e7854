//! The nightly assignment with its stability rules: people at work stay, a second run on the same
//! data moves nobody, the move limit holds, and every person left out gets a reason.

use placematch::domain::{CefrLevel, LanguageLevel, LonLat, Mobility, Programme, Skill};
use placematch::i18n::Language;
use placematch::matching::assign::Problem;
use placematch::matching::evaluate::{PreparedOpening, PreparedPerson, Seats, assess};
use placematch::matching::rebalance::{
    EXPLAINED_NEAREST, Outcome, Rebalancing, Unassigned, rebalance, rebalance_listing,
};
use placematch::matching::synthetic::{Territory, generate};
use placematch::matching::{Beneficiary, CurrentPlacement, CurrentState, MatchingConfig, Opening};
use placematch::resource::explain;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use time::macros::date;
use uuid::Uuid;

#[path = "support/min_cost_flow.rs"]
mod min_cost_flow;
use min_cost_flow::optimum_by_flow;

const TODAY: time::Date = date!(2026 - 11 - 24);

#[test]
fn a_second_run_on_the_applied_result_moves_nobody() {
    let (mut people, mut openings) = generate(&Territory::new(300, 60, 7));
    let config = MatchingConfig::default();
    let first = rebalance(&people, openings.clone(), &config, TODAY).unwrap();
    assert!(first.certified_optimal);
    assert!(first.count("new") > 0);
    // Apply: every new proposal becomes the person's current one and holds a seat.
    let placed: HashMap<_, _> = first
        .results
        .iter()
        .filter_map(|r| match r.outcome {
            Outcome::New { opening_id, .. } => Some((r.beneficiary_id, opening_id)),
            _ => None,
        })
        .collect();
    for p in &mut people {
        if let Some(&o) = placed.get(&p.id) {
            p.current = Some(CurrentPlacement {
                opening_id: o,
                state: CurrentState::Proposed,
            });
        }
    }
    for o in &mut openings {
        o.seats_taken += placed.values().filter(|&&id| id == o.id).count() as u32;
    }
    let second = rebalance(&people, openings, &config, TODAY).unwrap();
    assert!(second.certified_optimal);
    assert_eq!(
        second.count("moved") + second.count("withdrawn") + second.count("new"),
        0
    );
    assert_eq!(second.count("kept"), placed.len());
}

#[test]
fn people_at_work_are_left_out_of_the_run_and_keep_their_seat() {
    let (mut people, mut openings) = generate(&Territory::new(50, 10, 3));
    openings[0].seats = 1;
    openings[0].seats_taken = 1;
    people[0].current = Some(CurrentPlacement {
        opening_id: openings[0].id,
        state: CurrentState::Active,
    });
    let result = rebalance(&people, openings.clone(), &MatchingConfig::default(), TODAY).unwrap();
    assert_eq!(result.people, 49);
    assert!(
        result
            .results
            .iter()
            .all(|r| r.beneficiary_id != people[0].id)
    );
    let on_full: usize = result
        .results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::New { opening_id, .. } if opening_id == openings[0].id))
        .count();
    assert_eq!(on_full, 0, "the worker's seat is not handed out");
}

#[test]
fn the_move_limit_caps_how_many_proposals_change() {
    let (mut people, mut openings) = generate(&Territory::new(200, 40, 11));
    // Yesterday's proposals came from other weights (travel ignored): eligible, but not today's
    // optimum, so an unlimited run would move many of them.
    let yesterday = MatchingConfig {
        weight_travel: 0,
        weight_skills: 900,
        ..MatchingConfig::default()
    };
    let old = rebalance(&people, openings.clone(), &yesterday, TODAY).unwrap();
    for r in &old.results {
        if let Outcome::New { opening_id, .. } = r.outcome {
            people
                .iter_mut()
                .find(|p| p.id == r.beneficiary_id)
                .unwrap()
                .current = Some(CurrentPlacement {
                opening_id,
                state: CurrentState::Proposed,
            });
            openings
                .iter_mut()
                .find(|o| o.id == opening_id)
                .unwrap()
                .seats_taken += 1;
        }
    }
    let free = MatchingConfig {
        move_penalty: 0,
        ..MatchingConfig::default()
    };
    let unlimited = rebalance(&people, openings.clone(), &free, TODAY).unwrap();
    let unlimited_moves = unlimited.count("moved") + unlimited.count("withdrawn");
    assert!(
        unlimited_moves > 3,
        "the scenario needs moves: {unlimited_moves}"
    );
    let capped = MatchingConfig {
        max_moves: Some(3),
        ..free
    };
    let result = rebalance(&people, openings, &capped, TODAY).unwrap();
    assert!(result.certified_optimal);
    assert!(result.count("moved") + result.count("withdrawn") <= 3);
    assert!(
        result.objective >= unlimited.objective,
        "a cap cannot beat the free optimum"
    );
}

#[test]
fn every_person_left_out_gets_a_reason() {
    let (people, openings) = generate(&Territory::new(400, 20, 5));
    let result = rebalance(&people, openings, &MatchingConfig::default(), TODAY).unwrap();
    let mut no_opening = 0;
    let mut outcompeted = 0;
    for r in &result.results {
        if let Outcome::Unassigned { reason } = &r.outcome {
            match reason {
                Unassigned::NoEligibleOpening { .. } => {
                    let explanation = &explain::unassigned(reason).render(Language::En);
                    let rule_names: Vec<String> = RULE_CODES
                        .iter()
                        .map(|code| {
                            Language::En.render(&placematch::i18n::Msg {
                                id: format!("rule-{code}").into(),
                                args: vec![],
                            })
                        })
                        .collect();
                    // Either nothing is within reach, or the rules are named, each with its count.
                    assert!(
                        explanation == "No opening is within reach of the person's trip limit."
                            || explanation
                                .strip_prefix(
                                    "No opening within reach passes the hard rules; most often",
                                )
                                .map(|rest| {
                                    rest.strip_prefix(&format!(
                                        " among the {EXPLAINED_NEAREST} nearest"
                                    ))
                                    .unwrap_or(rest)
                                })
                                .and_then(|rest| rest.strip_prefix(": "))
                                .is_some_and(|named| named.split(", ").all(|rule| {
                                    rule_names.iter().any(|name| {
                                        rule.starts_with(&format!("{name} ("))
                                            && (rule.trim_end_matches('.').ends_with(" openings)")
                                                || rule
                                                    .trim_end_matches('.')
                                                    .ends_with(" (1 opening)"))
                                    })
                                })),
                        "{explanation}"
                    );
                    no_opening += 1;
                }
                Unassigned::OutCompeted { .. } | Unassigned::NoSeatLeft { .. } => {
                    let explanation = explain::unassigned(reason).render(Language::En);
                    assert!(
                        explanation.contains("decided") || explanation.contains("no seat"),
                        "{explanation}"
                    );
                    outcompeted += 1;
                }
            }
        }
    }
    assert!(
        no_opening > 0 && outcompeted > 0,
        "{no_opening} {outcompeted}"
    );
    assert_eq!(result.count("unassigned"), no_opening + outcompeted);
}

/// The codes of the hard rules, as a report names them.
const RULE_CODES: &[&str] = &[
    "programme",
    "kind_not_allowed",
    "travel_time",
    "language_level",
    "required_skill",
    "hours",
    "dates",
    "health",
    "refused_sector",
    "no_seat_left",
    "host_intake_cap",
];

#[test]
fn a_person_whom_every_opening_in_reach_turns_down_for_language_is_told_so() {
    let (_, mut openings) = generate(&Territory::new(0, 150, 21));
    let person = Beneficiary {
        id: Uuid::from_u128(7),
        programme: Programme::Revis,
        office_id: Uuid::from_u128(99),
        home: LonLat::new(6.05, 49.60).unwrap(),
        mobility: Mobility::Bike,
        max_trip_minutes: 30,
        languages: vec![LanguageLevel {
            language: "pt".parse().unwrap(),
            level: CefrLevel::C2,
        }],
        skills: vec![Skill::new("jardinage")],
        hours_per_week: 40.0,
        earliest_start: TODAY,
        health_limits: vec![],
        refused_sectors: vec![],
        waiting_since: date!(2026 - 01 - 05),
        current: None,
    };
    let config = MatchingConfig::default();
    // Every opening within reach asks for Luxembourgish, which the person does not speak; the
    // others ask for nothing the person lacks but are too far.
    let mut in_reach = 0;
    for o in &mut openings {
        o.required_skills.clear();
        o.languages.clear();
        if person.home.distance_m(o.location) <= config.reach_m(&person) {
            o.languages.push(LanguageLevel {
                language: "lb".parse().unwrap(),
                level: CefrLevel::B1,
            });
            in_reach += 1;
        }
    }
    assert!(
        in_reach >= 2,
        "the scenario needs openings in reach: {in_reach}"
    );
    let run = rebalance(&[person], openings, &config, TODAY).unwrap();
    let Outcome::Unassigned {
        reason: reason @ Unassigned::NoEligibleOpening { .. },
    } = &run.results[0].outcome
    else {
        panic!(
            "expected no eligible opening, got {:?}",
            run.results[0].outcome
        );
    };
    assert_eq!(
        explain::unassigned(reason).render(Language::En),
        format!(
            "No opening within reach passes the hard rules; most often: language level ({in_reach} openings)."
        )
    );
}

#[test]
fn the_same_territory_gives_the_same_report() {
    let (people, openings) = generate(&Territory::new(150, 30, 9));
    let a = rebalance(&people, openings.clone(), &MatchingConfig::default(), TODAY).unwrap();
    let b = rebalance(&people, openings, &MatchingConfig::default(), TODAY).unwrap();
    assert_eq!(a, b);
}

/// The optimum over every eligible pair, built the plain way: each person against each opening.
fn optimum_over_every_pair(
    people: &[placematch::matching::Beneficiary],
    openings: &[placematch::matching::Opening],
    config: &MatchingConfig,
) -> i64 {
    use placematch::matching::assign::{Options, Problem, solve};
    use placematch::matching::evaluate::{PreparedOpening, PreparedPerson, Seats, assess};
    let mut problem = Problem {
        capacity: openings.iter().map(|o| o.free_seats()).collect(),
        start: vec![0],
        ..Default::default()
    };
    let prepared: Vec<PreparedOpening> = openings.iter().map(PreparedOpening::new).collect();
    for b in people {
        let p = PreparedPerson::new(b, TODAY);
        for (j, o) in openings.iter().enumerate() {
            if let Ok(a) = assess(&p, o, &prepared[j], config, Seats::Ignore) {
                problem.edge_opening.push(j as u32);
                problem.edge_cost.push(a.cost(config));
            }
        }
        problem.start.push(problem.edge_cost.len());
        problem.unassigned_cost.push(config.unassigned_cost);
    }
    let solved = solve(&problem, &Options::default()).unwrap();
    assert!(solved.certified_optimal);
    solved.objective
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]

    /// The nightly run lists each person's best pairs only; its certified optimum must be the
    /// optimum over every pair, scarce seats or plenty.
    #[test]
    fn the_optimum_on_listed_pairs_is_the_optimum_over_every_pair(
        seed in 0u64..10_000,
        people in 50usize..400,
        openings in 5usize..120,
    ) {
        // A small territory: most openings are within everyone's reach, so the lists are cut.
        let mut territory = Territory::new(people, openings, seed);
        territory.side_km = 8.0;
        let (people, openings) = generate(&territory);
        let config = MatchingConfig::default();
        let run = rebalance(&people, openings.clone(), &config, TODAY).unwrap();
        proptest::prop_assert!(run.certified_optimal);
        proptest::prop_assert_eq!(run.objective, optimum_over_every_pair(&people, &openings, &config));
    }
}

/// A small crowded territory: one or two seats an opening, some of them held by people at work,
/// half the hosts with a monthly intake cap partly used, and about a quarter of the people
/// holding a proposal (within the seats and the caps; now and then one the person no longer
/// fits). Most people are left out, and who is decides the optimum.
fn crowded_territory(
    people: usize,
    openings: usize,
    seed: u64,
) -> (Vec<Beneficiary>, Vec<Opening>) {
    let mut territory = Territory::new(people, openings, seed);
    territory.side_km = 6.0;
    let (mut people, mut openings) = generate(&territory);
    let mut rng = StdRng::seed_from_u64(seed ^ 0x00c0_ffee);
    for o in &mut openings {
        o.seats = rng.random_range(1..=2);
    }
    let mut orgs: Vec<Uuid> = openings.iter().map(|o| o.organisation_id).collect();
    orgs.sort();
    orgs.dedup();
    // Room left under each capped host's cap this month.
    let mut room: HashMap<Uuid, u32> = HashMap::new();
    for org in orgs {
        if rng.random_bool(0.5) {
            let cap = rng.random_range(0..=3);
            let intake = rng.random_range(0..=cap);
            room.insert(org, cap - intake);
            for o in openings.iter_mut().filter(|o| o.organisation_id == org) {
                o.host_monthly_cap = Some(cap);
                o.host_intake_this_month = intake;
            }
        }
    }
    let prepared: Vec<PreparedOpening> = openings.iter().map(PreparedOpening::new).collect();
    for b in &mut people {
        let roll = rng.random_range(0..100);
        if roll >= 30 {
            continue;
        }
        let p = PreparedPerson::new(b, TODAY);
        let fits: Vec<usize> = (0..openings.len())
            .filter(|&j| {
                let o = &openings[j];
                o.free_seats() > 0
                    && room.get(&o.organisation_id).is_none_or(|&r| r > 0)
                    && (roll < 3
                        || assess(
                            &p,
                            o,
                            &prepared[j],
                            &MatchingConfig::default(),
                            Seats::Ignore,
                        )
                        .is_ok())
            })
            .collect();
        if fits.is_empty() {
            continue;
        }
        let j = fits[rng.random_range(0..fits.len())];
        let o = &mut openings[j];
        o.seats_taken += 1;
        // A few are at work: they hold the seat and stay out of the run.
        let state = if roll < 6 {
            CurrentState::Active
        } else {
            if let Some(r) = room.get_mut(&o.organisation_id) {
                *r -= 1;
            }
            CurrentState::Proposed
        };
        b.current = Some(CurrentPlacement {
            opening_id: o.id,
            state,
        });
    }
    (people, openings)
}

/// The nightly run's problem over every eligible pair, built the plain way (each person
/// against each opening) with the run's stability rules: a held proposal holds its seat and
/// keeps its cost, every other choice of its holder costs the move penalty more.
fn problem_over_every_pair(
    people: &[Beneficiary],
    openings: &[Opening],
    config: &MatchingConfig,
) -> Problem {
    let people: Vec<&Beneficiary> = people
        .iter()
        .filter(|b| b.current.is_none_or(|c| c.state != CurrentState::Active))
        .collect();
    let mut problem = Problem {
        capacity: openings.iter().map(Opening::free_seats).collect(),
        start: vec![0],
        ..Default::default()
    };
    let mut groups: HashMap<Uuid, u32> = HashMap::new();
    problem.group_of = openings
        .iter()
        .map(|o| {
            o.host_monthly_cap.map(|cap| {
                *groups.entry(o.organisation_id).or_insert_with(|| {
                    problem
                        .group_cap
                        .push(cap.saturating_sub(o.host_intake_this_month));
                    problem.group_cap.len() as u32 - 1
                })
            })
        })
        .collect();
    let prepared: Vec<PreparedOpening> = openings.iter().map(PreparedOpening::new).collect();
    for b in people {
        let current = b
            .current
            .and_then(|c| openings.iter().position(|o| o.id == c.opening_id));
        if let Some(j) = current {
            problem.capacity[j] += 1;
        }
        let penalty = if current.is_some() {
            config.move_penalty
        } else {
            0
        };
        let p = PreparedPerson::new(b, TODAY);
        for (j, o) in openings.iter().enumerate() {
            if let Ok(a) = assess(&p, o, &prepared[j], config, Seats::Ignore) {
                problem.edge_opening.push(j as u32);
                let kept = current == Some(j);
                problem
                    .edge_cost
                    .push(a.cost(config) + if kept { 0 } else { penalty });
            }
        }
        problem.start.push(problem.edge_cost.len());
        problem
            .unassigned_cost
            .push(config.unassigned_cost + penalty);
    }
    problem
}

/// What a user of the report relies on: one line per person in the run, no opening given more
/// people than its seats (free ones plus those the run re-decides), no host over its cap.
fn assert_report_respects_seats_and_caps(
    run: &Rebalancing,
    people: &[Beneficiary],
    openings: &[Opening],
) {
    let in_run: Vec<&Beneficiary> = people
        .iter()
        .filter(|b| b.current.is_none_or(|c| c.state != CurrentState::Active))
        .collect();
    assert_eq!(run.results.len(), in_run.len());
    let mut ids: Vec<Uuid> = run.results.iter().map(|r| r.beneficiary_id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), in_run.len(), "somebody has two lines");
    let mut given: HashMap<Uuid, u32> = HashMap::new();
    for r in &run.results {
        match r.outcome {
            Outcome::New { opening_id, .. }
            | Outcome::Kept { opening_id, .. }
            | Outcome::Moved { to: opening_id, .. } => *given.entry(opening_id).or_default() += 1,
            _ => {}
        }
    }
    let mut by_host: HashMap<Uuid, u32> = HashMap::new();
    for o in openings {
        let held = in_run
            .iter()
            .filter(|b| b.current.is_some_and(|c| c.opening_id == o.id))
            .count() as u32;
        let n = given.get(&o.id).copied().unwrap_or(0);
        assert!(
            n <= o.free_seats() + held,
            "opening {} given {n} people for {} seats",
            o.id,
            o.free_seats() + held
        );
        *by_host.entry(o.organisation_id).or_default() += n;
    }
    for o in openings {
        if let Some(cap) = o.host_monthly_cap {
            assert!(
                by_host[&o.organisation_id] + o.host_intake_this_month <= cap,
                "host {} over its monthly cap of {cap}",
                o.organisation_id
            );
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

    /// With one or two pairs listed per person, only the pricing of the pairs left out can find
    /// the optimum: on crowded territories with host caps and held proposals, it must reach the
    /// same certified objective as listing every pair, and the optimum of the plain problem over
    /// every pair (as a min-cost flow, without the LP).
    #[test]
    fn pricing_the_pairs_left_out_reaches_the_optimum_of_listing_every_pair(
        seed in 0u64..10_000,
        people in 20usize..120,
        openings in 5usize..30,
    ) {
        let (people, openings) = crowded_territory(people, openings, seed);
        let config = MatchingConfig::default();
        let all = rebalance_listing(&people, openings.clone(), &config, TODAY, 100_000).unwrap();
        proptest::prop_assert!(all.certified_optimal);
        assert_report_respects_seats_and_caps(&all, &people, &openings);
        let optimum = optimum_by_flow(&problem_over_every_pair(&people, &openings, &config));
        proptest::prop_assert_eq!(all.objective, optimum);
        for listed in [1, 2] {
            let run = rebalance_listing(&people, openings.clone(), &config, TODAY, listed).unwrap();
            proptest::prop_assert!(run.certified_optimal, "listing {} not certified", listed);
            assert_report_respects_seats_and_caps(&run, &people, &openings);
            proptest::prop_assert_eq!(run.objective, optimum, "listing {}", listed);
        }
    }
}
