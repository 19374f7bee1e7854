//! The nightly assignment with its stability rules: people at work stay, a second run on the same
//! data moves nobody, the move limit holds, and every person left out gets a reason.

use placematch::matching::rebalance::{Outcome, Unassigned, rebalance};
use placematch::matching::synthetic::{Territory, generate};
use placematch::matching::{CurrentPlacement, CurrentState, MatchingConfig};
use std::collections::HashMap;
use time::macros::date;

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
                Unassigned::NoEligibleOpening { explanation } => {
                    assert!(explanation.starts_with("No opening"), "{explanation}");
                    no_opening += 1;
                }
                Unassigned::OutCompeted { explanation, .. } => {
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
