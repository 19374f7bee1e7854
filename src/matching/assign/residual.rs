//! The residual check: an assignment is optimal when its residual graph has no negative cycle;
//! the potentials that show it are the proof's prices.

use super::*;

/// What the residual network of an integral assignment says about it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Residual {
    /// Shortest-path potentials exist over every useful pair: no pair can improve the
    /// assignment, which is therefore optimal over the whole problem. The potentials, as row
    /// prices, prove it (to the independent check, and for pairs not listed too).
    Optimal(ProofPrices),
    /// A negative cycle: exchanging along it lowers the cost. Its person-to-opening pairs are
    /// the columns that the LP lacks (or, if it has them all, a solver fault).
    Improving(Vec<usize>),
    /// The relaxation budget ran out before either was proven.
    Unknown,
}

/// Bellman-Ford (queue-based, with predecessor-cycle detection) from the sink over the residual
/// network of the assignment `edge_of` on every useful pair. Nodes: people `0..n`, openings
/// `n..n + m`, host groups `n + m..n + m + g`, the sink last. Arcs: a person's unchosen pairs
/// (cost `c`), a chosen pair backwards (`-c`), person to sink when assigned (`u`), sink to
/// person when not (`-u`); an opening's "upstream" is its host group when it has one, the sink
/// otherwise: opening to upstream while it has a free seat, upstream to opening while it holds
/// someone, and the same between a group and the sink for the group's cap (all 0). An opening
/// belongs to one group at most, so the caps nest and this is still a flow network: its LP has
/// integral optima.
///
/// Converging proves there is no negative cycle, so no pair left out of the LP can improve it.
/// A cycle in the predecessor graph is a negative cycle (Cherkassky and Goldberg): it names the
/// pairs to add.
pub(super) fn check_residual(
    p: &Problem,
    edge_of: &[Option<usize>],
    useful: &dyn Fn(usize) -> bool,
) -> Residual {
    use std::collections::VecDeque;

    /// No predecessor, or a predecessor arc that is not a person's unchosen pair.
    const NONE: usize = usize::MAX;
    let n = p.people();
    let m = p.openings();
    let groups = p.group_cap.len();
    let sink = n + m + groups;
    let nodes = sink + 1;
    let group_of = |j: usize| p.group_of.get(j).copied().flatten().map(|g| g as usize);
    let upstream = |j: usize| group_of(j).map_or(sink, |g| n + m + g);
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); groups];
    for j in 0..m {
        if let Some(g) = group_of(j) {
            members[g].push(j as u32);
        }
    }
    let mut used = vec![0u32; m];
    // Openings' assigned people, for the residual opening → person arcs.
    let mut holders: Vec<Vec<(u32, i64)>> = vec![Vec::new(); m];
    for (i, e) in edge_of.iter().enumerate() {
        if let Some(e) = *e {
            let j = p.edge_opening[e] as usize;
            used[j] += 1;
            holders[j].push((i as u32, -p.edge_cost[e]));
        }
    }
    let mut group_used = vec![0u32; groups];
    for (j, &u) in used.iter().enumerate() {
        if let Some(g) = group_of(j) {
            group_used[g] += u;
        }
    }
    if (0..m).any(|j| used[j] > p.capacity[j])
        || (0..groups).any(|g| group_used[g] > p.group_cap[g])
    {
        return Residual::Unknown;
    }
    let mut dist = vec![i64::MAX; nodes];
    let mut pred = vec![NONE; nodes];
    let mut pred_edge = vec![NONE; nodes];
    let mut queued = vec![false; nodes];
    let mut queue = VecDeque::new();
    dist[sink] = 0;
    queue.push_back(sink);
    queued[sink] = true;
    let mut budget: u64 = 30 * (p.edges() as u64 + nodes as u64) + 1_000;
    // The predecessor graph is searched for a cycle after every `nodes` relaxations, which
    // keeps the search's cost within that of the relaxations.
    let mut since_check = 0usize;
    let mut stamp = vec![NONE; nodes];
    // Nodes of the cycles found so far: left out of the search so that it goes on to find
    // other cycles (each round of the LP then gets many improving pairs, not one).
    let mut blocked = vec![false; nodes];
    let mut pairs: Vec<usize> = Vec::new();
    let mut cycles = 0usize;
    let find_cycles = |pred: &mut Vec<usize>,
                       pred_edge: &[usize],
                       stamp: &mut Vec<usize>,
                       blocked: &mut Vec<bool>,
                       pairs: &mut Vec<usize>| {
        stamp.fill(NONE);
        let mut found = 0usize;
        for start in 0..nodes {
            let mut v = start;
            while v != NONE && stamp[v] == NONE {
                stamp[v] = start;
                v = pred[v];
            }
            if v != NONE && stamp[v] == start {
                // `v` is on a cycle: walk it once, collect its pairs, take it out.
                let mut w = v;
                loop {
                    if pred_edge[w] != NONE {
                        pairs.push(pred_edge[w]);
                    }
                    blocked[w] = true;
                    let next = pred[w];
                    pred[w] = NONE;
                    w = next;
                    if w == v {
                        break;
                    }
                }
                found += 1;
            }
        }
        found
    };
    while let Some(u) = queue.pop_front() {
        queued[u] = false;
        if blocked[u] {
            continue;
        }
        let du = dist[u];
        let mut relax = |v: usize, d: i64, edge: usize, work: &mut usize| {
            *work += 1;
            if d < dist[v] && !blocked[v] {
                dist[v] = d;
                pred[v] = u;
                pred_edge[v] = edge;
                if !queued[v] {
                    queued[v] = true;
                    queue.push_back(v);
                }
            }
        };
        let mut work = 0usize;
        if u == sink {
            for (i, chosen) in edge_of.iter().enumerate() {
                if chosen.is_none() {
                    relax(i, du - p.unassigned_cost[i], NONE, &mut work);
                }
            }
            for (j, &used) in used.iter().enumerate() {
                if used > 0 && group_of(j).is_none() {
                    relax(n + j, du, NONE, &mut work);
                }
            }
            for (g, &used) in group_used.iter().enumerate() {
                if used > 0 {
                    relax(n + m + g, du, NONE, &mut work);
                }
            }
        } else if u < n {
            let chosen = edge_of[u];
            if chosen.is_some() {
                relax(sink, du + p.unassigned_cost[u], NONE, &mut work);
            }
            for e in p.start[u]..p.start[u + 1] {
                if Some(e) == chosen || !useful(e) || p.capacity[p.edge_opening[e] as usize] == 0 {
                    continue;
                }
                relax(
                    n + p.edge_opening[e] as usize,
                    du + p.edge_cost[e],
                    e,
                    &mut work,
                );
            }
        } else if u < n + m {
            let j = u - n;
            if used[j] < p.capacity[j] {
                relax(upstream(j), du, NONE, &mut work);
            }
            for &(i, cost) in &holders[j] {
                relax(i as usize, du + cost, NONE, &mut work);
            }
        } else {
            let g = u - n - m;
            if group_used[g] < p.group_cap[g] {
                relax(sink, du, NONE, &mut work);
            }
            for &j in &members[g] {
                if used[j as usize] > 0 {
                    relax(n + j as usize, du, NONE, &mut work);
                }
            }
        }
        budget = budget.saturating_sub(work as u64 + 1);
        since_check += work + 1;
        if since_check >= nodes {
            since_check = 0;
            cycles += find_cycles(&mut pred, &pred_edge, &mut stamp, &mut blocked, &mut pairs);
            if cycles >= MAX_CYCLES {
                break;
            }
        }
        if budget == 0 {
            break;
        }
    }
    // A last look: the search may have stopped with a cycle not yet seen.
    cycles += find_cycles(&mut pred, &pred_edge, &mut stamp, &mut blocked, &mut pairs);
    if cycles > 0 {
        pairs.sort_unstable();
        pairs.dedup();
        Residual::Improving(pairs)
    } else if budget == 0 {
        Residual::Unknown
    } else {
        // The potentials as row prices (a min-cost flow's optimal duals): a seat's price is
        // how far its opening's potential lies below its upstream's (zero while it has a free
        // seat, which the residual arc to the upstream ensures), a cap's how far its group's
        // lies below the sink's. A node nothing reaches holds nobody and no useful pair leads
        // to it: its price is zero.
        let potential = |v: usize| (dist[v] != i64::MAX).then_some(dist[v] as f64);
        let group: Vec<f64> = (0..groups)
            .map(|g| potential(n + m + g).map_or(0.0, |d| (-d).max(0.0)))
            .collect();
        let seat: Vec<f64> = (0..m)
            .map(|j| {
                let up = match group_of(j) {
                    Some(g) => potential(n + m + g).unwrap_or(0.0),
                    None => 0.0,
                };
                potential(n + j).map_or(0.0, |d| (up - d).max(0.0))
            })
            .collect();
        Residual::Optimal(ProofPrices {
            seat,
            group,
            keep: 0.0,
        })
    }
}

/// Most negative cycles collected in one residual search before the LP is solved again.
pub(super) const MAX_CYCLES: usize = 4096;
