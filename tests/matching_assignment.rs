//! The global assignment against brute force on small random instances, plus the edge cases a
//! territory produces: zero seats, a person with no eligible opening, all costs equal, one
//! opening for everyone, host caps and a move limit.

use placematch::matching::assign::{Options, Problem, objective_of, solve};
use proptest::prelude::*;

/// A problem from (person, opening, cost) triples.
fn problem(unassigned: Vec<i64>, capacity: Vec<u32>, mut edges: Vec<(usize, u32, i64)>) -> Problem {
    edges.sort_by_key(|e| (e.0, e.1));
    edges.dedup_by_key(|e| (e.0, e.1));
    let mut start = vec![0; unassigned.len() + 1];
    for e in &edges {
        start[e.0 + 1] += 1;
    }
    for i in 0..unassigned.len() {
        start[i + 1] += start[i];
    }
    Problem {
        unassigned_cost: unassigned,
        capacity,
        start,
        edge_opening: edges.iter().map(|e| e.1).collect(),
        edge_cost: edges.iter().map(|e| e.2).collect(),
        ..Default::default()
    }
}

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
    #![proptest_config(ProptestConfig::with_cases(300))]

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
        let moves = p.current_edge.iter().enumerate()
            .filter(|(i, c)| c.is_some() && a.edge_of[*i] != **c).count();
        prop_assert!(moves as u32 <= max_moves);
    }

    #[test]
    fn the_same_input_gives_the_same_assignment(p in small_problem()) {
        let a = solve(&p, &Options::default()).unwrap();
        let b = solve(&p, &Options::default()).unwrap();
        prop_assert_eq!(a, b);
    }
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
