//! The global assignment: each person at most one opening, each opening within its free seats,
//! each host within its intake cap, optionally at most M moves; minimise the total cost plus a
//! penalty per person left unassigned. Solved as a linear programme with `good_lp` on HiGHS.
//!
//! Exact and fast at once, by column generation: the LP is built on each person's K cheapest
//! pairs only; the dual prices of its optimum then price every pair left out (its reduced cost);
//! any pair that would improve the optimum is added and the LP solved again, until none would.
//! Only then is the result reported as certified optimal. Without side constraints the
//! transportation LP has integral optima; the solution is checked for integrality and never
//! rounded: a fractional optimum (possible with intake caps or a move limit) is re-solved with
//! integer variables on the generated columns, and certified only if it meets the LP bound.

use good_lp::solvers::highs::{HighsPresolveType, HighsSolverType, highs};
use good_lp::{
    Constraint, DualValues as _, Expression, ProblemVariables, Solution as _,
    SolutionWithDual as _, SolverModel, Variable, variable,
};

/// A capacitated assignment problem, edges grouped by person (compressed rows).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Problem {
    /// Cost of leaving each person unassigned.
    pub unassigned_cost: Vec<i64>,
    /// Seats of each opening.
    pub capacity: Vec<u32>,
    /// Edges of person `i` are `start[i]..start[i + 1]`; `start.len() == people + 1`.
    pub start: Vec<usize>,
    /// Opening of each edge.
    pub edge_opening: Vec<u32>,
    /// Cost of each edge.
    pub edge_cost: Vec<i64>,
    /// Host group of each opening (for intake caps); empty for none.
    pub group_of: Vec<Option<u32>>,
    /// Cap of each group: most people assigned to its openings (held proposals included).
    pub group_cap: Vec<u32>,
    /// Each person's current edge (a proposal they hold), for the move limit; empty for none.
    pub current_edge: Vec<Option<usize>>,
    /// Most people whose current edge may be left.
    pub max_moves: Option<u32>,
}

impl Problem {
    pub fn people(&self) -> usize {
        self.unassigned_cost.len()
    }

    pub fn openings(&self) -> usize {
        self.capacity.len()
    }

    pub fn edges(&self) -> usize {
        self.edge_opening.len()
    }

    fn person_of_edges(&self) -> Vec<u32> {
        let mut owner = vec![0u32; self.edges()];
        for i in 0..self.people() {
            owner[self.start[i]..self.start[i + 1]].fill(i as u32);
        }
        owner
    }

    fn is_current(&self, e: usize, i: usize) -> bool {
        self.current_edge.get(i).copied().flatten() == Some(e)
    }
}

/// Solver settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Cheapest pairs per person in the first LP.
    pub candidates_per_person: usize,
    /// Most pairs added per person in one pricing round.
    pub added_per_person: usize,
    /// Most rounds of pricing before giving up the certificate.
    pub max_rounds: usize,
    /// Time limit of one LP solve, in seconds.
    pub time_limit_seconds: Option<f64>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            candidates_per_person: 4,
            added_per_person: 4,
            max_rounds: 50,
            time_limit_seconds: None,
        }
    }
}

/// Bid increment of the auction, in cost units. One unit keeps prices within a few units of
/// the optimal duals on integer costs; a coarser ε (or ε-scaling) was measured to leave seat
/// prices too high for the outside option and cost several LP rounds.
const AUCTION_EPS: f64 = 1.0;

/// How far below a person's best net value (at auction prices) a pair still gets a column.
/// Ten ε covers the auction's error; the exact certificate catches the rest.
const COLUMN_MARGIN: f64 = 10.0;

/// Approximate seat prices from an auction, and how far from the best a pair may be and still
/// be worth a column.
struct Prices {
    price: Vec<f64>,
    margin: f64,
}

/// An auction for the capacitated assignment with an outside option (staying
/// unassigned is worth 0): people bid for the seat with the best net value `u_i - c_ij - p_j`;
/// a full opening's price is its lowest accepted bid. The prices it ends with are within a few ε
/// of optimal duals, which is all the column choice needs: exactness comes from the LP.
fn auction_prices(p: &Problem, owner: &[u32]) -> Prices {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    let m = p.openings();
    // Value of each pair over staying out; pairs to a seatless opening can never be taken.
    let values: Vec<f64> = (0..p.edges())
        .map(|e| {
            if p.capacity[p.edge_opening[e] as usize] == 0 {
                f64::NEG_INFINITY
            } else {
                (p.unassigned_cost[owner[e] as usize] - p.edge_cost[e]) as f64
            }
        })
        .collect();
    let max_value = values.iter().copied().fold(0.0, f64::max);
    let mut price = vec![0.0f64; m];
    if max_value <= 0.0 {
        return Prices { price, margin: 1.0 };
    }
    // Bids are kept as integers of 1/1024 of a cost unit, so heap order is exact.
    const SCALE: f64 = 1024.0;
    // One phase at a fixed ε: scaling phases would leave prices of coarse phases too high for
    // the outside option (prices never come down), pricing people out by mistake.
    let final_eps = AUCTION_EPS;
    let mut eps = final_eps;
    loop {
        let mut holders: Vec<BinaryHeap<Reverse<(i64, u32)>>> = vec![BinaryHeap::new(); m];
        let mut queue: Vec<u32> = (0..p.people() as u32).rev().collect();
        let mut steps = 0usize;
        let limit = 200 * p.edges().max(1);
        while let Some(i) = queue.pop() {
            steps += p.start[i as usize + 1] - p.start[i as usize];
            if steps > limit {
                break; // a safety valve: prices are only a hint
            }
            let (mut best, mut second, mut best_j) = (f64::NEG_INFINITY, 0.0f64, usize::MAX);
            let range = p.start[i as usize]..p.start[i as usize + 1];
            for (k, &v) in values[range.clone()].iter().enumerate() {
                let j = p.edge_opening[range.start + k] as usize;
                let net = v - price[j];
                if net > best {
                    second = second.max(best);
                    best = net;
                    best_j = j;
                } else if net > second {
                    second = net;
                }
            }
            if best_j == usize::MAX || best <= 0.0 {
                continue; // staying out is at least as good
            }
            let bid = price[best_j] + (best - second) + eps;
            let bid_int = (bid * SCALE).round() as i64;
            let heap = &mut holders[best_j];
            heap.push(Reverse((bid_int, i)));
            if heap.len() > p.capacity[best_j] as usize {
                let Reverse((_, out)) = heap.pop().expect("over capacity");
                queue.push(out);
            }
            if heap.len() == p.capacity[best_j] as usize {
                price[best_j] = heap.peek().map_or(0.0, |Reverse((b, _))| *b as f64 / SCALE);
            }
        }
        let _ = steps;
        if eps <= final_eps {
            break;
        }
        eps = final_eps;
    }
    Prices {
        price,
        margin: COLUMN_MARGIN,
    }
}

/// The result.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// Opening of each person, or `None`.
    pub opening_of: Vec<Option<u32>>,
    /// Total cost: assigned edges plus unassigned penalties. Exact (integers).
    pub objective: i64,
    /// True only when the pricing check found no improving pair and the solution met the bound.
    pub certified_optimal: bool,
    /// LP solves.
    pub rounds: usize,
    /// Columns in the last LP.
    pub columns: usize,
    /// Edge chosen per assigned person (index into the problem's edges).
    pub edge_of: Vec<Option<usize>>,
}

impl Assignment {
    pub fn assigned(&self) -> usize {
        self.opening_of.iter().filter(|o| o.is_some()).count()
    }
}

/// Why a solve failed. Solver messages stay inside; callers show their own words.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AssignError {
    #[error("the instance is malformed: {0}")]
    Malformed(String),
    #[error("the solver failed")]
    Solver(String),
    #[error("the solver hit its time limit before an optimum")]
    TimeLimit,
    #[error("the optimum is not integral (variable {edge} = {value})")]
    NotIntegral { edge: usize, value: f64 },
}

/// Tolerance on reduced costs and on integrality.
const EPS: f64 = 1e-7;

/// Solves `problem` to proven optimality (see the module documentation).
pub fn solve(problem: &Problem, options: &Options) -> Result<Assignment, AssignError> {
    validate(problem)?;
    let owner = problem.person_of_edges();
    // Only pairs cheaper than leaving the person out can help.
    let useful = |e: usize| problem.edge_cost[e] < problem.unassigned_cost[owner[e] as usize];

    let mut in_lp = vec![false; problem.edges()];
    let mut columns: Vec<usize> = Vec::new();
    let add = |e: usize, in_lp: &mut Vec<bool>, columns: &mut Vec<usize>| {
        if !in_lp[e] {
            in_lp[e] = true;
            columns.push(e);
        }
    };
    // Seat prices from an auction make the first LP nearly right: each person brings the pairs
    // that are competitive at those prices, not a fixed number of cheapest ones.
    let prices = (problem.group_cap.is_empty() && problem.current_edge.is_empty())
        .then(|| auction_prices(problem, &owner));
    for i in 0..problem.people() {
        let mut edges: Vec<usize> = (problem.start[i]..problem.start[i + 1])
            .filter(|&e| useful(e))
            .collect();
        if let Some(c) = problem.current_edge.get(i).copied().flatten() {
            add(c, &mut in_lp, &mut columns);
        }
        match &prices {
            Some(prices) => {
                // Net value of each pair at the auction's prices; keep those near the best.
                let net = |e: usize| {
                    (problem.unassigned_cost[i] - problem.edge_cost[e]) as f64
                        - prices.price[problem.edge_opening[e] as usize]
                };
                let best = edges
                    .iter()
                    .map(|&e| net(e))
                    .fold(f64::NEG_INFINITY, f64::max);
                if best < -prices.margin {
                    continue; // priced out: pricing brings the person back if that is wrong
                }
                edges.retain(|&e| net(e) >= best.max(0.0) - prices.margin);
                edges.sort_by(|&a, &b| net(b).total_cmp(&net(a)).then(a.cmp(&b)));
                edges.truncate(options.candidates_per_person.max(1));
            }
            None => {
                edges.sort_by_key(|&e| (problem.edge_cost[e], problem.edge_opening[e]));
                edges.truncate(options.candidates_per_person.max(1));
            }
        }
        for e in edges {
            add(e, &mut in_lp, &mut columns);
        }
    }

    let mut rounds = 0;
    loop {
        rounds += 1;
        let lp = solve_lp(problem, &owner, &columns, options, false)?;
        // The Lagrangian bound of the LP's seat and cap prices over every pair: each person's
        // own dual is repaired to the best value those prices allow, so the bound holds for the
        // whole problem. Reaching the restricted optimum proves it optimal even when the
        // restricted LP's person duals (degenerate, not unique) would price more pairs in.
        let bound = lp.lagrangian_bound(problem, &owner, &useful);
        let primal_objective = lp.objective;
        if bound >= primal_objective - 1e-6 {
            return finish(problem, &owner, &columns, options, lp, rounds);
        }
        // Without side constraints the LP is a min-cost flow: an integral LP optimum is optimal
        // over every pair exactly when its residual network has no negative cycle, which
        // shortest-path potentials over all pairs prove (the LP's duals, repaired).
        if problem.group_cap.is_empty()
            && problem.current_edge.is_empty()
            && let Some(edge_of) = integral_choice(problem, &owner, &columns, &lp.values)
            && potentials_exist(problem, &owner, &edge_of, &useful)
        {
            return finish(problem, &owner, &columns, options, lp, rounds);
        }
        // Price every pair left out.
        let mut added = 0usize;
        let mut best_per_person: Vec<Vec<(f64, usize)>> = Vec::new();
        let mut last_person = u32::MAX;
        for e in 0..problem.edges() {
            if in_lp[e] || !useful(e) {
                continue;
            }
            let i = owner[e];
            let d = lp.reduced_cost(problem, e, i as usize);
            if d < -EPS {
                if i != last_person {
                    best_per_person.push(Vec::new());
                    last_person = i;
                }
                best_per_person.last_mut().expect("pushed").push((d, e));
            }
        }
        for mut found in best_per_person {
            found.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            for (_, e) in found.into_iter().take(options.added_per_person.max(1)) {
                in_lp[e] = true;
                columns.push(e);
                added += 1;
            }
        }
        if added == 0 {
            return finish(problem, &owner, &columns, options, lp, rounds);
        }
        if rounds >= options.max_rounds {
            // Give an honest answer: feasible, not certified.
            let mut result = finish(problem, &owner, &columns, options, lp, rounds)?;
            result.certified_optimal = false;
            return Ok(result);
        }
    }
}

fn validate(p: &Problem) -> Result<(), AssignError> {
    let n = p.people();
    if p.start.len() != n + 1 || p.start[0] != 0 || p.start[n] != p.edges() {
        return Err(AssignError::Malformed(
            "edge offsets do not match the people".into(),
        ));
    }
    if p.start.windows(2).any(|w| w[0] > w[1]) {
        return Err(AssignError::Malformed("edge offsets decrease".into()));
    }
    if p.edge_cost.len() != p.edges() {
        return Err(AssignError::Malformed("one cost per edge".into()));
    }
    if let Some(e) = p
        .edge_opening
        .iter()
        .position(|&j| j as usize >= p.openings())
    {
        return Err(AssignError::Malformed(format!(
            "edge {e} names an unknown opening"
        )));
    }
    if !p.group_of.is_empty() && p.group_of.len() != p.openings() {
        return Err(AssignError::Malformed("one group entry per opening".into()));
    }
    if p.group_of
        .iter()
        .flatten()
        .any(|&g| g as usize >= p.group_cap.len())
    {
        return Err(AssignError::Malformed("unknown group".into()));
    }
    Ok(())
}

/// An LP optimum with the duals needed for pricing.
struct LpResult {
    /// Value of each column (same order as the columns given).
    values: Vec<f64>,
    person_dual: Vec<f64>,
    opening_dual: Vec<f64>,
    group_dual: Vec<f64>,
    move_dual: f64,
    /// LP objective including the constant of unassigned costs.
    objective: f64,
}

impl LpResult {
    /// A lower bound on the optimum over all pairs, from the LP's opening, group and move duals
    /// with each person's dual set to its best feasible value (weak duality).
    fn lagrangian_bound(&self, p: &Problem, owner: &[u32], useful: &dyn Fn(usize) -> bool) -> f64 {
        let mut person_term = vec![0.0f64; p.people()];
        for (e, &i) in owner.iter().enumerate() {
            if !useful(e) {
                continue;
            }
            let i = i as usize;
            // Reduced cost without the person's own dual.
            let d0 = self.reduced_cost(p, e, i) + self.person_dual[i];
            if d0 < person_term[i] {
                person_term[i] = d0;
            }
        }
        let constant: i64 = p.unassigned_cost.iter().sum();
        let holders = p.current_edge.iter().flatten().count() as f64;
        let kept_rhs = p
            .max_moves
            .map_or(0.0, |m| (holders - f64::from(m)).max(0.0));
        constant as f64
            + person_term.iter().sum::<f64>()
            + p.capacity
                .iter()
                .zip(&self.opening_dual)
                .map(|(c, z)| f64::from(*c) * z)
                .sum::<f64>()
            + p.group_cap
                .iter()
                .zip(&self.group_dual)
                .map(|(c, w)| f64::from(*c) * w)
                .sum::<f64>()
            + kept_rhs * self.move_dual
    }

    /// Reduced cost of edge `e` of person `i`: negative means adding it would lower the optimum.
    fn reduced_cost(&self, p: &Problem, e: usize, i: usize) -> f64 {
        let j = p.edge_opening[e] as usize;
        let mut d = (p.edge_cost[e] - p.unassigned_cost[i]) as f64
            - self.person_dual[i]
            - self.opening_dual[j];
        if let Some(Some(g)) = p.group_of.get(j) {
            d -= self.group_dual[*g as usize];
        }
        if p.is_current(e, i) {
            d -= self.move_dual;
        }
        d
    }
}

/// The LP (or, with `integer`, the MIP) on the given columns.
fn solve_lp(
    p: &Problem,
    owner: &[u32],
    columns: &[usize],
    options: &Options,
    integer: bool,
) -> Result<LpResult, AssignError> {
    let constant: i64 = p.unassigned_cost.iter().sum();
    let empty = LpResult {
        values: vec![],
        person_dual: vec![0.0; p.people()],
        opening_dual: vec![0.0; p.openings()],
        group_dual: vec![0.0; p.group_cap.len()],
        move_dual: 0.0,
        objective: constant as f64,
    };
    if columns.is_empty() {
        return Ok(empty);
    }
    let mut vars = ProblemVariables::new();
    let xs: Vec<Variable> = columns
        .iter()
        .map(|_| {
            let v = variable().min(0.0).max(1.0);
            vars.add(if integer { v.integer() } else { v })
        })
        .collect();
    let mut objective = Expression::with_capacity(columns.len());
    for (&e, &x) in columns.iter().zip(&xs) {
        let i = owner[e] as usize;
        objective.add_mul((p.edge_cost[e] - p.unassigned_cost[i]) as f64, x);
    }
    let mut model = vars
        .minimise(objective)
        .using(highs)
        .set_presolve(HighsPresolveType::Off)
        .set_solver(HighsSolverType::Simplex)
        .set_threads(1);
    if let Some(t) = options.time_limit_seconds {
        model = model.set_time_limit(t);
    }

    let mut by_person: Vec<Vec<Variable>> = vec![Vec::new(); p.people()];
    let mut by_opening: Vec<Vec<Variable>> = vec![Vec::new(); p.openings()];
    let mut by_group: Vec<Vec<Variable>> = vec![Vec::new(); p.group_cap.len()];
    let mut kept: Vec<Variable> = Vec::new();
    for (&e, &x) in columns.iter().zip(&xs) {
        let i = owner[e] as usize;
        let j = p.edge_opening[e] as usize;
        by_person[i].push(x);
        by_opening[j].push(x);
        if p.is_current(e, i) {
            kept.push(x);
        }
        if let Some(Some(g)) = p.group_of.get(j) {
            by_group[*g as usize].push(x);
        }
    }
    let row = |vars: &[Variable], bound: f64| -> Constraint {
        let mut lhs = Expression::with_capacity(vars.len());
        for &v in vars {
            lhs.add_mul(1.0, v);
        }
        lhs.leq(bound)
    };
    let person_rows: Vec<Option<_>> = by_person
        .iter()
        .map(|v| (!v.is_empty()).then(|| model.add_constraint(row(v, 1.0))))
        .collect();
    let opening_rows: Vec<Option<_>> = by_opening
        .iter()
        .enumerate()
        .map(|(j, v)| {
            (!v.is_empty()).then(|| model.add_constraint(row(v, f64::from(p.capacity[j]))))
        })
        .collect();
    let group_rows: Vec<Option<_>> = by_group
        .iter()
        .enumerate()
        .map(|(g, v)| {
            (!v.is_empty()).then(|| model.add_constraint(row(v, f64::from(p.group_cap[g]))))
        })
        .collect();
    // At most M moves: at least (holders - M) people keep their current edge.
    let holders = p.current_edge.iter().flatten().count();
    let move_row = match p.max_moves {
        Some(m) if (m as usize) < holders && !kept.is_empty() => {
            let mut lhs = Expression::with_capacity(kept.len());
            for &v in &kept {
                lhs.add_mul(1.0, v);
            }
            Some(model.add_constraint(lhs.geq((holders - m as usize) as f64)))
        }
        _ => None,
    };

    let mut solution = model.solve().map_err(|e| match e {
        good_lp::ResolutionError::Infeasible => {
            AssignError::Solver("infeasible restricted problem".into())
        }
        other => AssignError::Solver(other.to_string()),
    })?;
    if matches!(solution.status(), good_lp::SolutionStatus::TimeLimit) {
        return Err(AssignError::TimeLimit);
    }
    let values: Vec<f64> = xs.iter().map(|&x| solution.value(x)).collect();
    let lp_objective: f64 = columns
        .iter()
        .zip(&values)
        .map(|(&e, &v)| (p.edge_cost[e] - p.unassigned_cost[owner[e] as usize]) as f64 * v)
        .sum::<f64>()
        + constant as f64;
    if integer {
        return Ok(LpResult {
            values,
            objective: lp_objective,
            ..empty
        });
    }
    let duals = solution.compute_dual();
    let dual_of = |r: &Option<good_lp::constraint::ConstraintReference>| {
        r.as_ref().map_or(0.0, |r| duals.dual(r.clone()))
    };
    Ok(LpResult {
        values,
        person_dual: person_rows.iter().map(dual_of).collect(),
        opening_dual: opening_rows.iter().map(dual_of).collect(),
        group_dual: group_rows.iter().map(dual_of).collect(),
        move_dual: dual_of(&move_row),
        objective: lp_objective,
    })
}

/// The chosen edge per person if the LP values are all integral.
fn integral_choice(
    p: &Problem,
    owner: &[u32],
    columns: &[usize],
    values: &[f64],
) -> Option<Vec<Option<usize>>> {
    let mut edge_of = vec![None; p.people()];
    for (&e, &v) in columns.iter().zip(values) {
        if (v - v.round()).abs() > 1e-6 {
            return None;
        }
        if v > 0.5 {
            edge_of[owner[e] as usize] = Some(e);
        }
    }
    Some(edge_of)
}

/// Bellman-Ford (queue-based) from the sink over the residual network of the assignment
/// `edge_of` on every useful pair. Converging proves there is no negative cycle, so no pair left
/// out of the LP can improve it; a budget of relaxations stops it otherwise (then pricing goes on).
fn potentials_exist(
    p: &Problem,
    owner: &[u32],
    edge_of: &[Option<usize>],
    useful: &dyn Fn(usize) -> bool,
) -> bool {
    let n = p.people();
    let m = p.openings();
    let sink = n + m;
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
    if (0..m).any(|j| used[j] > p.capacity[j]) {
        return false;
    }
    let _ = owner;
    let mut dist = vec![i64::MAX; n + m + 1];
    let mut queued = vec![false; n + m + 1];
    let mut queue = std::collections::VecDeque::new();
    dist[sink] = 0;
    queue.push_back(sink);
    queued[sink] = true;
    let mut budget: u64 = 30 * (p.edges() as u64 + (n + m) as u64) + 1_000;
    let relax = |v: usize,
                 d: i64,
                 dist: &mut Vec<i64>,
                 queued: &mut Vec<bool>,
                 queue: &mut std::collections::VecDeque<usize>| {
        if d < dist[v] {
            dist[v] = d;
            if !queued[v] {
                queued[v] = true;
                queue.push_back(v);
            }
        }
    };
    while let Some(u) = queue.pop_front() {
        queued[u] = false;
        let du = dist[u];
        if u == sink {
            for (i, chosen) in edge_of.iter().enumerate() {
                if chosen.is_none() {
                    relax(
                        i,
                        du - p.unassigned_cost[i],
                        &mut dist,
                        &mut queued,
                        &mut queue,
                    );
                }
            }
            for (j, &u) in used.iter().enumerate() {
                if u > 0 {
                    relax(n + j, du, &mut dist, &mut queued, &mut queue);
                }
            }
            budget = budget.saturating_sub((n + m) as u64);
        } else if u < n {
            let chosen = edge_of[u];
            if chosen.is_some() {
                relax(
                    sink,
                    du + p.unassigned_cost[u],
                    &mut dist,
                    &mut queued,
                    &mut queue,
                );
            }
            for e in p.start[u]..p.start[u + 1] {
                if Some(e) == chosen || !useful(e) || p.capacity[p.edge_opening[e] as usize] == 0 {
                    continue;
                }
                relax(
                    n + p.edge_opening[e] as usize,
                    du + p.edge_cost[e],
                    &mut dist,
                    &mut queued,
                    &mut queue,
                );
            }
            budget = budget.saturating_sub((p.start[u + 1] - p.start[u]) as u64 + 1);
        } else {
            let j = u - n;
            if used[j] < p.capacity[j] {
                relax(sink, du, &mut dist, &mut queued, &mut queue);
            }
            for &(i, cost) in &holders[j] {
                relax(i as usize, du + cost, &mut dist, &mut queued, &mut queue);
            }
            budget = budget.saturating_sub(holders[j].len() as u64 + 1);
        }
        if budget == 0 {
            return false;
        }
    }
    true
}

/// Reads the assignment off a certified LP optimum; re-solves with integers if it is fractional.
fn finish(
    p: &Problem,
    owner: &[u32],
    columns: &[usize],
    options: &Options,
    lp: LpResult,
    rounds: usize,
) -> Result<Assignment, AssignError> {
    let fractional = columns
        .iter()
        .zip(&lp.values)
        .find(|(_, v)| (**v - v.round()).abs() > 1e-6);
    let (values, certified) = match fractional {
        None => (lp.values, true),
        Some((&e, &value)) if p.group_cap.is_empty() && p.max_moves.is_none() => {
            // A pure transportation LP has integral vertices: a fractional answer is a solver
            // fault, not something to round.
            return Err(AssignError::NotIntegral { edge: e, value });
        }
        Some(_) => {
            // Side constraints can make the LP optimum fractional: solve the same columns with
            // integer variables. The LP bound is certified (no improving column), so an integer
            // solution that reaches its ceiling is optimal.
            let mip = solve_lp(p, owner, columns, options, true)?;
            let bound = (lp.objective - 1e-6).ceil();
            let certified = (mip.objective - bound).abs() < 0.5;
            (mip.values, certified)
        }
    };
    let mut opening_of = vec![None; p.people()];
    let mut edge_of = vec![None; p.people()];
    for (&e, &v) in columns.iter().zip(&values) {
        if (v - v.round()).abs() > 1e-6 {
            return Err(AssignError::NotIntegral { edge: e, value: v });
        }
        if v > 0.5 {
            let i = owner[e] as usize;
            opening_of[i] = Some(p.edge_opening[e]);
            edge_of[i] = Some(e);
        }
    }
    let objective = objective_of(p, &edge_of);
    Ok(Assignment {
        opening_of,
        objective,
        certified_optimal: certified,
        rounds,
        columns: columns.len(),
        edge_of,
    })
}

/// Exact objective of an assignment given as one edge (or none) per person.
pub fn objective_of(p: &Problem, edge_of: &[Option<usize>]) -> i64 {
    edge_of
        .iter()
        .enumerate()
        .map(|(i, e)| e.map_or(p.unassigned_cost[i], |e| p.edge_cost[e]))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a problem from (person, opening, cost) triples.
    pub fn problem(unassigned: &[i64], capacity: &[u32], edges: &[(usize, u32, i64)]) -> Problem {
        let mut sorted = edges.to_vec();
        sorted.sort_by_key(|e| e.0);
        let mut start = vec![0; unassigned.len() + 1];
        for e in &sorted {
            start[e.0 + 1] += 1;
        }
        for i in 0..unassigned.len() {
            start[i + 1] += start[i];
        }
        Problem {
            unassigned_cost: unassigned.to_vec(),
            capacity: capacity.to_vec(),
            start,
            edge_opening: sorted.iter().map(|e| e.1).collect(),
            edge_cost: sorted.iter().map(|e| e.2).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn two_people_share_one_seat_by_cost() {
        let p = problem(&[100, 100], &[1], &[(0, 0, 10), (1, 0, 30)]);
        let a = solve(&p, &Options::default()).unwrap();
        assert_eq!(a.opening_of, vec![Some(0), None]);
        assert_eq!(a.objective, 110);
        assert!(a.certified_optimal);
    }

    #[test]
    fn pricing_brings_in_a_pair_left_out_of_the_first_lp() {
        // With one candidate each, both people want opening 0; only pricing finds opening 1.
        let p = problem(
            &[100, 100],
            &[1, 1],
            &[(0, 0, 1), (0, 1, 2), (1, 0, 1), (1, 1, 50)],
        );
        let options = Options {
            candidates_per_person: 1,
            ..Options::default()
        };
        let a = solve(&p, &options).unwrap();
        assert_eq!(a.objective, 1 + 2);
        assert!(a.certified_optimal);
        assert!(a.rounds >= 2, "a second round was needed");
    }

    #[test]
    fn a_zero_seat_opening_and_a_person_without_edges_are_handled() {
        let p = problem(&[7, 9], &[0, 1], &[(0, 0, 1)]);
        let a = solve(&p, &Options::default()).unwrap();
        assert_eq!(a.opening_of, vec![None, None]);
        assert_eq!(a.objective, 16);
        assert!(a.certified_optimal);
    }

    #[test]
    fn a_group_cap_limits_new_intakes_across_a_hosts_openings() {
        let mut p = problem(
            &[100, 100, 100],
            &[2, 2],
            &[(0, 0, 1), (1, 0, 1), (2, 1, 1)],
        );
        p.group_of = vec![Some(0), Some(0)];
        p.group_cap = vec![2];
        let a = solve(&p, &Options::default()).unwrap();
        assert_eq!(a.assigned(), 2);
        assert_eq!(a.objective, 1 + 1 + 100);
        assert!(a.certified_optimal);
    }

    #[test]
    fn malformed_offsets_are_an_error_not_a_panic() {
        let mut p = problem(&[1], &[1], &[(0, 0, 1)]);
        p.start = vec![0, 5];
        assert!(matches!(
            solve(&p, &Options::default()),
            Err(AssignError::Malformed(_))
        ));
    }
}
