//! Assignment problems written by hand or drawn at random, from (person, opening, cost) triples.

use placematch::matching::assign::Problem;

/// A problem from (person, opening, cost) triples, in any order; a repeated pair keeps its
/// first cost.
pub fn problem(
    unassigned: Vec<i64>,
    capacity: Vec<u32>,
    mut edges: Vec<(usize, u32, i64)>,
) -> Problem {
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
