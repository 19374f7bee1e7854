//! The global assignment against brute force on small random instances, plus the edge cases a
//! territory produces: zero seats, a person with no eligible opening, all costs equal, one
//! opening for everyone, host caps and a move limit; and the certificate of a certified result,
//! which must price in every pair left out that would improve it.

use placematch::matching::assign::{
    AssignError, Certificate, Options, Problem, Session, Step, objective_of, solve,
};
use placematch::matching::certify::{self, Prices};
use proptest::prelude::*;

/// `default` cases, or `PROPTEST_CASES` when it is set (the stress script runs 20,000).
fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig::with_cases(cases)
}

#[path = "support/min_cost_flow.rs"]
mod min_cost_flow;
use min_cost_flow::optimum_by_flow;

#[path = "support/problem.rs"]
mod problem;
use problem::problem;

/// The best objective over every choice (one edge or none per person) that respects seats,
/// group caps and the move limit.
fn brute_force(p: &Problem) -> i64 {
    fn go(
        p: &Problem,
        i: usize,
        used: &mut Vec<u32>,
        groups: &mut Vec<u32>,
        moves: u32,
        chosen: &mut Vec<Option<usize>>,
        best: &mut i64,
    ) {
        if i == p.people() {
            if p.max_moves.is_none_or(|m| moves <= m) {
                *best = (*best).min(objective_of(p, chosen));
            }
            return;
        }
        let current = p.current_edge.get(i).copied().flatten();
        chosen.push(None);
        go(
            p,
            i + 1,
            used,
            groups,
            moves + u32::from(current.is_some()),
            chosen,
            best,
        );
        chosen.pop();
        for e in p.start[i]..p.start[i + 1] {
            let j = p.edge_opening[e] as usize;
            if used[j] >= p.capacity[j] {
                continue;
            }
            let is_current = current == Some(e);
            let g = p.group_of.get(j).copied().flatten();
            if let Some(g) = g
                && groups[g as usize] >= p.group_cap[g as usize]
            {
                continue;
            }
            used[j] += 1;
            if let Some(g) = g {
                groups[g as usize] += 1;
            }
            chosen.push(Some(e));
            let moved = u32::from(current.is_some() && !is_current);
            go(p, i + 1, used, groups, moves + moved, chosen, best);
            chosen.pop();
            used[j] -= 1;
            if let Some(g) = g {
                groups[g as usize] -= 1;
            }
        }
    }
    let mut best = i64::MAX;
    go(
        p,
        0,
        &mut vec![0; p.openings()],
        &mut vec![0; p.group_cap.len()],
        0,
        &mut Vec::new(),
        &mut best,
    );
    best
}

/// Checks the invariants a user relies on, and returns the objective.
fn check(p: &Problem, options: &Options) -> i64 {
    let a = solve(p, options).expect("solvable");
    assert!(
        a.certified_optimal,
        "the dual check must certify small instances"
    );
    let mut used = vec![0u32; p.openings()];
    for (i, e) in a.edge_of.iter().enumerate() {
        if let Some(e) = e {
            assert!(
                (p.start[i]..p.start[i + 1]).contains(e),
                "person {i} got someone else's edge"
            );
            used[p.edge_opening[*e] as usize] += 1;
        }
    }
    for (j, &u) in used.iter().enumerate() {
        assert!(
            u <= p.capacity[j],
            "opening {j} over its {} seats",
            p.capacity[j]
        );
    }
    assert_eq!(a.objective, objective_of(p, &a.edge_of));
    a.objective
}

fn small_problem() -> impl Strategy<Value = Problem> {
    (1usize..=6, 1usize..=4).prop_flat_map(|(n, m)| {
        (
            prop::collection::vec(50i64..200, n),
            prop::collection::vec(0u32..=2, m),
            prop::collection::vec((0..n, 0..m as u32, 0i64..150), 0..=n * m),
        )
            .prop_map(|(u, c, e)| problem(u, c, e))
    })
}

proptest! {
    #![proptest_config(cases(300))]

    #[test]
    fn the_lp_optimum_equals_brute_force_and_respects_every_seat(p in small_problem(), k in 1usize..4) {
        let options = Options { candidates_per_person: k, ..Options::default() };
        prop_assert_eq!(check(&p, &options), brute_force(&p));
    }

    #[test]
    fn host_caps_and_a_move_limit_are_respected_at_the_brute_force_optimum(
        p in small_problem(),
        caps in prop::collection::vec(0u32..=2, 2),
        max_moves in 0u32..3,
        currents in prop::collection::vec(any::<prop::sample::Index>(), 6),
    ) {
        let mut p = p;
        p.group_of = (0..p.openings()).map(|j| Some((j % 2) as u32)).collect();
        p.group_cap = caps;
        // Give some people a current edge, as a previous run would have: within the seats and
        // the host caps.
        let mut used = vec![0u32; p.openings()];
        let mut group_used = vec![0u32; p.group_cap.len()];
        p.current_edge = (0..p.people()).map(|i| {
            let edges = p.start[i]..p.start[i + 1];
            if edges.is_empty() || i % 2 == 1 { return None; }
            let e = edges.start + currents[i].index(edges.len());
            let j = p.edge_opening[e] as usize;
            let g = j % 2;
            (used[j] < p.capacity[j] && group_used[g] < p.group_cap[g]).then(|| {
                used[j] += 1;
                group_used[g] += 1;
                e
            })
        }).collect();
        p.max_moves = Some(max_moves);
        let a = solve(&p, &Options { candidates_per_person: 1, ..Options::default() }).expect("solvable");
        prop_assert_eq!(a.objective, brute_force(&p));
        prop_assert!(a.certified_optimal, "small instances are proven, at a zero gap when fractional");
        prop_assert!(a.bound > a.objective as f64 - 1.0, "the proven bound {} is short of {}", a.bound, a.objective);
        let moves = p.current_edge.iter().enumerate()
            .filter(|(i, c)| c.is_some() && a.edge_of[*i] != **c).count();
        prop_assert!(moves as u32 <= max_moves);
    }

    /// The independent check is sound: whatever the prices, it never proves an assignment that
    /// costs more than the optimum, and its bound never exceeds the optimum.
    #[test]
    fn no_prices_make_the_check_prove_an_assignment_worse_than_the_optimum(
        p in small_capped_problem(),
        picks in prop::collection::vec(any::<prop::sample::Index>(), 6),
        seat in prop::collection::vec(0.0f64..150.0, 4),
        group in prop::collection::vec(0.0f64..150.0, 2),
        keep in 0.0f64..150.0,
        with_moves in any::<bool>(),
    ) {
        let mut p = p;
        // Some feasible assignment: each person in turn takes a picked pair while it fits.
        let mut used = vec![0u32; p.openings()];
        let mut group_used = vec![0u32; p.group_cap.len()];
        let edge_of: Vec<Option<usize>> = (0..p.people()).map(|i| {
            let edges = p.start[i]..p.start[i + 1];
            if edges.is_empty() { return None; }
            let e = edges.start + picks[i].index(edges.len() + 1);
            if e == edges.end { return None; }
            let j = p.edge_opening[e] as usize;
            let g = p.group_of[j].map(|g| g as usize);
            let fits = used[j] < p.capacity[j] && g.is_none_or(|g| group_used[g] < p.group_cap[g]);
            fits.then(|| {
                used[j] += 1;
                if let Some(g) = g { group_used[g] += 1; }
                e
            })
        }).collect();
        if with_moves {
            // The assignment as what people hold, with one move allowed.
            p.current_edge = edge_of.clone();
            p.max_moves = Some(1);
        }
        let objective = objective_of(&p, &edge_of);
        let best = brute_force(&p);
        let prices = Prices {
            seat: seat[..p.openings()].to_vec(),
            group: group[..p.group_cap.len()].to_vec(),
            keep,
        };
        let verdict = certify::verify(&p, &edge_of, objective, &prices, None);
        prop_assert_eq!(verdict.defect.as_deref(), None);
        prop_assert!(verdict.bound <= best as f64 + 1e-9, "bound {} above the optimum {}", verdict.bound, best);
        if verdict.proves_optimal() {
            prop_assert_eq!(objective, best);
        }
    }

    #[test]
    fn the_same_input_gives_the_same_assignment(p in small_problem()) {
        let a = solve(&p, &Options::default()).unwrap();
        let b = solve(&p, &Options::default()).unwrap();
        prop_assert_eq!(a, b);
    }
}

/// The case the issue found (shrunk by proptest): person 0 holds opening 1 at 27, person 2
/// holds opening 2 at 50, exactly what staying out costs it; with one move, withdrawing person
/// 2 lets person 1 take opening 2 at 115 instead of 116 out. The LP is fractional and does not
/// need person 1's pair, so an integer solve over the LP's columns alone answers 193.
fn a_tie_with_staying_out_under_a_move_limit() -> Problem {
    let mut p = problem(
        vec![101, 116, 50],
        vec![0, 1, 1, 0],
        vec![(0, 1, 27), (0, 2, 0), (1, 0, 0), (1, 2, 115), (2, 2, 50)],
    );
    p.group_of = (0..4).map(|j| Some(j % 2)).collect();
    p.group_cap = vec![1, 1];
    p.current_edge = vec![Some(0), None, Some(4)];
    p.max_moves = Some(1);
    p
}

#[test]
fn a_fractional_lp_under_a_move_limit_is_solved_to_the_integer_optimum_and_proven() {
    let p = a_tie_with_staying_out_under_a_move_limit();
    assert_eq!(brute_force(&p), 192);
    for k in 1..4 {
        let a = solve(
            &p,
            &Options {
                candidates_per_person: k,
                ..Options::default()
            },
        )
        .unwrap();
        assert_eq!(a.objective, 192, "{k} candidates");
        assert_eq!(a.opening_of, vec![Some(1), Some(2), None]);
        assert!(a.certified_optimal);
        assert!(a.bound > 191.0, "bound {}", a.bound);
    }
}

#[test]
fn the_check_refuses_the_answer_an_integer_solve_over_too_few_columns_gave() {
    let p = a_tie_with_staying_out_under_a_move_limit();
    // 193: everyone keeps what they hold, person 1 out. An integer solve over the first LP's
    // columns (which lack person 1's pair to opening 2) proves 193 over those columns only.
    let kept = vec![Some(0), None, Some(4)];
    let prices = Prices {
        seat: vec![0.0; 4],
        group: vec![0.0; 2],
        keep: 0.0,
    };
    let columns = certify::IntegerBound {
        columns: vec![0, 1, 2, 4],
        bound: 193.0,
    };
    let verdict = certify::verify(&p, &kept, 193, &prices, Some(&columns));
    assert!(!verdict.proves_optimal(), "{verdict:?}");
    assert!(verdict.bound <= 192.0);
}

#[test]
fn all_costs_equal_fills_every_seat_and_no_more() {
    let edges = (0..5)
        .flat_map(|i| (0..2).map(move |j| (i, j, 10)))
        .collect();
    let p = problem(vec![100; 5], vec![2, 1], edges);
    let objective = check(&p, &Options::default());
    assert_eq!(objective, 3 * 10 + 2 * 100);
}

#[test]
fn one_opening_for_everyone_goes_to_the_cheapest_pairs() {
    let edges = (0..6).map(|i| (i, 0, 60 - 10 * i as i64)).collect();
    let p = problem(vec![100; 6], vec![2], edges);
    let a = solve(&p, &Options::default()).unwrap();
    let placed: Vec<usize> = (0..6).filter(|&i| a.opening_of[i].is_some()).collect();
    assert_eq!(placed, vec![4, 5]);
}

#[test]
fn zero_seats_and_people_without_edges_are_all_unassigned() {
    let p = problem(vec![7, 8, 9], vec![0, 0], vec![(0, 0, 1), (1, 1, 1)]);
    assert_eq!(check(&p, &Options::default()), 24);
}

/// `p` with one more pair, kept in person order.
fn with_pair(p: &Problem, i: usize, j: u32, cost: i64) -> Problem {
    let mut q = p.clone();
    let at = q.start[i + 1];
    q.edge_opening.insert(at, j);
    q.edge_cost.insert(at, cost);
    for s in &mut q.start[i + 1..] {
        *s += 1;
    }
    q
}

/// Every listed pair that could lower the cost (cheaper than leaving its person out) has a
/// non-negative reduced cost at the certificate's prices: the prices prove the listed optimum.
fn assert_prices_every_listed_pair(p: &Problem, c: &Certificate) {
    assert_eq!(c.seat.len(), p.openings());
    assert_eq!(c.person.len(), p.people());
    for i in 0..p.people() {
        for e in p.start[i]..p.start[i + 1] {
            if p.edge_cost[e] >= p.unassigned_cost[i] {
                continue;
            }
            let j = p.edge_opening[e] as usize;
            assert!(
                p.edge_cost[e] as f64 + c.seat[j] >= c.person[i] - 1e-6,
                "listed pair ({i}, {j}) of cost {} has a negative reduced cost: seat {} person {}",
                p.edge_cost[e],
                c.seat[j],
                c.person[i]
            );
        }
    }
}

/// Three people want opening 0 (2 seats); opening 1 shares its host's cap of 2 with it, so the
/// third person stays out; opening 2 has a free seat nobody lists, opening 3 none.
fn capped_host() -> Problem {
    let mut p = problem(
        vec![100, 100, 100],
        vec![2, 1, 1, 0],
        vec![(0, 0, 10), (1, 0, 20), (2, 0, 30), (2, 1, 40)],
    );
    p.group_of = vec![Some(0), Some(0), None, None];
    p.group_cap = vec![2];
    p
}

#[test]
fn a_host_cap_result_is_certified_and_its_prices_flag_a_cheap_pair_to_a_free_seat() {
    let p = capped_host();
    let a = solve(&p, &Options::default()).unwrap();
    assert!(a.certified_optimal);
    assert_eq!(
        a.objective,
        10 + 20 + 100,
        "the host's cap leaves person 2 out"
    );
    assert_eq!(a.opening_of, vec![Some(0), Some(0), None]);
    let c = a
        .certificate
        .as_ref()
        .expect("a certified result carries its prices");
    assert_prices_every_listed_pair(&p, c);
    // Person 2 to the free seat of opening 2 at 50 saves 50; person 0 there at 15 lets person 2
    // take its seat at opening 0 and saves 65. Both would improve and must be flagged.
    assert!(c.improves(2, 2, 50));
    assert_eq!(objective_of_best(&with_pair(&p, 2, 2, 50)), 80);
    assert!(c.improves(0, 2, 15));
    assert_eq!(objective_of_best(&with_pair(&p, 0, 2, 15)), 65);
    // A seatless opening never improves anything, and nothing beats staying out at its cost.
    assert!(!c.improves(2, 3, 0));
    assert!(!c.improves(2, 2, 100));
}

/// The brute-force optimum, checked against the flow optimum.
fn objective_of_best(p: &Problem) -> i64 {
    let best = brute_force(p);
    assert_eq!(best, optimum_by_flow(p));
    best
}

/// A random small problem whose openings belong to up to two hosts with intake caps.
fn small_capped_problem() -> impl Strategy<Value = Problem> {
    (
        small_problem(),
        prop::collection::vec(prop::option::of(0u32..2), 4),
        prop::collection::vec(0u32..=3, 2),
    )
        .prop_map(|(mut p, groups, caps)| {
            p.group_of = groups[..p.openings()].to_vec();
            p.group_cap = caps;
            p
        })
}

/// Marks each person's `first` cheapest pairs (ties by opening), as the nightly listing would.
fn cheapest(p: &Problem, first: usize) -> Vec<bool> {
    let mut listed = vec![false; p.edges()];
    for i in 0..p.people() {
        let mut edges: Vec<usize> = (p.start[i]..p.start[i + 1]).collect();
        edges.sort_by_key(|&e| (p.edge_cost[e], p.edge_opening[e]));
        for e in edges.into_iter().take(first) {
            listed[e] = true;
        }
    }
    listed
}

/// `p` with each person's pairs cut to those `listed` marks.
fn listed_only(p: &Problem, listed: &[bool]) -> Problem {
    let mut q = Problem {
        start: vec![0],
        edge_opening: vec![],
        edge_cost: vec![],
        ..p.clone()
    };
    for i in 0..p.people() {
        for e in (p.start[i]..p.start[i + 1]).filter(|&e| listed[e]) {
            q.edge_opening.push(p.edge_opening[e]);
            q.edge_cost.push(p.edge_cost[e]);
        }
        q.start.push(q.edge_opening.len());
    }
    q
}

proptest! {
    #![proptest_config(cases(300))]

    /// What the nightly run does, on small problems with host caps: list each person's
    /// cheapest pairs only, solve, add the pairs left out that the certificate flags, until it
    /// flags none. The result must then be the optimum over every pair, and at every round a
    /// pair left out that would improve the listed optimum must have been flagged.
    #[test]
    fn pricing_the_pairs_left_out_with_the_certificate_reaches_the_optimum_over_every_pair(
        p in small_capped_problem(),
        first in 0usize..3,
        k in 1usize..4,
    ) {
        let best = brute_force(&p);
        prop_assert_eq!(optimum_by_flow(&p), best);
        let options = Options { candidates_per_person: k, ..Options::default() };
        let mut listed = cheapest(&p, first);
        let owner: Vec<usize> = (0..p.people())
            .flat_map(|i| (p.start[i]..p.start[i + 1]).map(move |_| i))
            .collect();
        for round in 0.. {
            prop_assert!(round <= p.edges(), "pricing did not converge");
            let q = listed_only(&p, &listed);
            let a = solve(&q, &options).unwrap();
            prop_assert!(a.certified_optimal, "small capped problems are certified");
            prop_assert_eq!(a.objective, brute_force(&q));
            let c = a.certificate.as_ref().expect("a certified result carries its prices");
            assert_prices_every_listed_pair(&q, c);
            let mut flagged = Vec::new();
            for e in (0..p.edges()).filter(|&e| !listed[e]) {
                let (i, j, cost) = (owner[e], p.edge_opening[e], p.edge_cost[e]);
                let improves = c.improves(i, j as usize, cost);
                if brute_force(&with_pair(&q, i, j, cost)) < a.objective {
                    prop_assert!(improves, "pair ({}, {}) of cost {} improves but is not flagged", i, j, cost);
                }
                if improves {
                    flagged.push(e);
                }
            }
            if flagged.is_empty() {
                prop_assert_eq!(a.objective, best, "certified and nothing flagged, yet not the optimum");
                break;
            }
            for e in flagged {
                listed[e] = true;
            }
        }
    }
}

proptest! {
    #![proptest_config(cases(300))]

    /// The nightly run keeps one LP for all its rounds: a session that solved some pairs and is
    /// then given more (some named as its new columns, the others left to its pricing) must
    /// reach the optimum over every pair, as a fresh solve does, and keep its prices valid.
    #[test]
    fn a_session_solving_again_after_gaining_pairs_reaches_the_optimum_of_a_fresh_solve(
        p in small_capped_problem(),
        first in 0usize..3,
        named in prop::collection::vec(any::<bool>(), 24),
    ) {
        let best = brute_force(&p);
        let options = Options { candidates_per_person: 1, ..Options::default() };
        let listed = cheapest(&p, first);
        let mut session = Session::new();
        let q = listed_only(&p, &listed);
        let a = session.solve(&q, &options, &[]).unwrap();
        prop_assert_eq!(a.objective, brute_force(&q));
        // Some of the pairs it lacks are named as new columns; pricing must find the others.
        let extra: Vec<usize> = (0..p.edges())
            .filter(|&e| !listed[e] && named[e % named.len()])
            .collect();
        let b = session.solve(&p, &options, &extra).unwrap();
        prop_assert!(b.certified_optimal);
        prop_assert_eq!(b.objective, best);
        prop_assert_eq!(b.objective, solve(&p, &options).unwrap().objective);
        assert_prices_every_listed_pair(&p, b.certificate.as_ref().expect("certified"));
    }

    /// The nightly run steps its session one LP round at a time while it still finds pairs: a
    /// round that is not proven optimal gives prices, never a result, and stepping on until a
    /// round is proven (or solving to the end) must reach the optimum over every pair.
    #[test]
    fn stepping_a_session_until_it_is_proven_reaches_the_optimum(
        p in small_capped_problem(),
        first in 0usize..3,
    ) {
        let best = brute_force(&p);
        let options = Options { candidates_per_person: 1, ..Options::default() };
        let listed = cheapest(&p, first);
        let mut session = Session::new();
        let q = listed_only(&p, &listed);
        prop_assert!(session.step(&q, &options, &[]).is_ok());
        let mut steps = 0;
        let solved = loop {
            match session.step(&p, &options, &[]).unwrap() {
                Step::Solved(a) => break a,
                Step::Priced(prices) => {
                    prop_assert_eq!(prices.person.len(), p.people());
                    prop_assert_eq!(prices.seat.len(), p.openings());
                    steps += 1;
                    if steps == 3 {
                        break session.solve(&p, &options, &[]).unwrap();
                    }
                }
            }
        };
        prop_assert!(solved.certified_optimal);
        prop_assert_eq!(solved.objective, best);
        assert_prices_every_listed_pair(&p, solved.certificate.as_ref().expect("certified"));
    }
}

#[test]
fn a_session_refuses_a_problem_that_changed_more_than_by_gaining_pairs() {
    let p = problem(vec![100, 100], vec![1, 1], vec![(0, 0, 10), (1, 1, 20)]);
    let mut session = Session::new();
    assert_eq!(
        session
            .solve(&p, &Options::default(), &[])
            .unwrap()
            .objective,
        30
    );
    let fewer_seats = Problem {
        capacity: vec![1, 0],
        ..p.clone()
    };
    assert!(matches!(
        session.solve(&fewer_seats, &Options::default(), &[]),
        Err(AssignError::Malformed(_))
    ));
    let lost_a_pair = problem(vec![100, 100], vec![1, 1], vec![(0, 0, 10)]);
    assert!(matches!(
        session.solve(&lost_a_pair, &Options::default(), &[]),
        Err(AssignError::Malformed(_))
    ));
}
