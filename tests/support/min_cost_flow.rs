//! An optimum of an assignment [`Problem`] found without the LP: the problem as a min-cost flow
//! (source → person → opening → host group → sink), solved by successive shortest paths with
//! Bellman-Ford. Slow and plain on purpose, so that it shares nothing with the solver it checks.
//! Move limits are not covered (they are not a flow constraint).

use placematch::matching::assign::Problem;

struct Arc {
    to: usize,
    cap: i64,
    cost: i64,
}

/// The least total cost (assigned edges plus the unassigned people's costs) over every choice
/// of one edge or none per person within the seats and the host groups' caps.
pub fn optimum_by_flow(p: &Problem) -> i64 {
    assert!(
        p.max_moves.is_none(),
        "a move limit is not a flow constraint"
    );
    let (n, m, g) = (p.people(), p.openings(), p.group_cap.len());
    let source = n + m + g;
    let sink = source + 1;
    let nodes = sink + 1;
    let mut arcs: Vec<Arc> = Vec::new();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); nodes];
    let mut add = |from: usize, to: usize, cap: i64, cost: i64| {
        out[from].push(arcs.len());
        arcs.push(Arc { to, cap, cost });
        out[to].push(arcs.len());
        arcs.push(Arc {
            to: from,
            cap: 0,
            cost: -cost,
        });
    };
    for i in 0..n {
        add(source, i, 1, 0);
        for e in p.start[i]..p.start[i + 1] {
            // Relative to staying out: a negative cost is worth taking.
            let cost = p.edge_cost[e] - p.unassigned_cost[i];
            add(i, n + p.edge_opening[e] as usize, 1, cost);
        }
    }
    for j in 0..m {
        let upstream = match p.group_of.get(j).copied().flatten() {
            Some(group) => n + m + group as usize,
            None => sink,
        };
        add(n + j, upstream, i64::from(p.capacity[j]), 0);
    }
    for (group, &cap) in p.group_cap.iter().enumerate() {
        add(n + m + group, sink, i64::from(cap), 0);
    }
    let mut total: i64 = p.unassigned_cost.iter().sum();
    loop {
        // Bellman-Ford from the source over arcs with room left.
        let mut dist = vec![i64::MAX; nodes];
        let mut via = vec![usize::MAX; nodes];
        dist[source] = 0;
        for _ in 0..nodes {
            let mut changed = false;
            for u in 0..nodes {
                if dist[u] == i64::MAX {
                    continue;
                }
                for &a in &out[u] {
                    let arc = &arcs[a];
                    if arc.cap > 0 && dist[u] + arc.cost < dist[arc.to] {
                        dist[arc.to] = dist[u] + arc.cost;
                        via[arc.to] = a;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        // Successive shortest paths cost more and more: stop at the first that does not pay.
        if dist[sink] == i64::MAX || dist[sink] >= 0 {
            return total;
        }
        let mut v = sink;
        while v != source {
            let a = via[v];
            arcs[a].cap -= 1;
            arcs[a ^ 1].cap += 1;
            v = arcs[a ^ 1].to;
        }
        total += dist[sink];
    }
}
