//! The independent check of a claim of optimality. It shares nothing with the code that produced
//! the answer but the [`Problem`] type: given the problem (every pair of it), an assignment and
//! the prices the solver says prove it, it recomputes from scratch whether the assignment is
//! feasible, what it costs, and a lower bound on every feasible assignment's cost, and says
//! whether that bound proves the assignment optimal. The solver ([`assign`](super::assign)) runs
//! it on every result; a result it does not prove is reported as not certified.
//!
//! # The bound
//!
//! Any non-negative prices on the seats (`λ_j`), on the host caps (`μ_g`) and on the move limit's
//! row ("at least `H − M` of the `H` people who hold a pair keep it", `ν`) give a Lagrangian
//! lower bound (weak duality), whatever their values:
//!
//! ```text
//! L = Σ_i u_i + Σ_i π_i − Σ_j λ_j cap_j − Σ_g μ_g cap_g + ν (H − M)
//! π_i = min(0, min over i's pairs e of c_e − u_i + λ_j + μ_g(j) − ν [e is i's current pair])
//! ```
//!
//! A pair's reduced cost `d_e = c_e − u_i + λ_j + μ_g(j) − ν [current] − π_i` is never negative,
//! and every feasible assignment `x` costs at least `L + Σ_e d_e x_e`. Pairs to an opening
//! without seats, or whose host takes no one, are in no feasible assignment and play no part.
//!
//! When the prices come from an LP that is not integral (a move limit can make it so), `L` may
//! stay below the integer optimum; the solver then adds an integer solve over some columns `C`
//! with its own proven bound `B` over the assignments that use only `C`. Any other assignment
//! uses a pair outside `C` and costs at least `L + d_e`, so the optimum is at least
//! `min(B, L + min over e ∉ C of d_e)`. (A pair no cheaper than staying out and not its person's
//! current pair can be dropped from any assignment without raising its cost or its moves, so
//! such pairs are left out of that minimum.) `B` is the one number taken on trust, from HiGHS.
//!
//! Costs are integers: a bound above `objective − 1` proves the objective optimal.

use super::problem::Problem;

/// Prices that the check turns into a bound (see the module documentation). Negative or NaN
/// prices count as zero: the bound is valid for any prices, and only non-negative ones are.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Prices {
    /// Per opening: the price of one of its seats (`λ_j`).
    pub seat: Vec<f64>,
    /// Per host group: the price of its cap (`μ_g`).
    pub group: Vec<f64>,
    /// The price of the move limit's row (`ν`); zero without a binding move limit.
    pub keep: f64,
}

/// An integer solver's proven bound over the assignments that use only `columns` (edges of the
/// problem), as a total cost.
#[derive(Debug, Clone, PartialEq)]
pub struct IntegerBound {
    pub columns: Vec<usize>,
    pub bound: f64,
}

/// What the check found.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The assignment's cost, recomputed.
    pub objective: i64,
    /// The lower bound on every feasible assignment's cost that the prices (and the integer
    /// bound, if any) prove.
    pub bound: f64,
    /// The Lagrangian part of the bound alone (`L`), which covers pairs outside the problem too.
    pub lagrangian: f64,
    /// Each person's repaired term `π_i` (at most 0).
    pub person_term: Vec<f64>,
    /// Why the claim cannot hold whatever the bound: an infeasible assignment, a claimed
    /// objective that is not the assignment's cost, prices of the wrong shape.
    pub defect: Option<String>,
}

/// How far below `objective − 1` a bound may be found and still prove the optimum: the bound is
/// a sum of many floating-point terms.
const ROUNDING: f64 = 1e-6;

impl Verdict {
    /// True when the bound proves the assignment optimal.
    pub fn proves_optimal(&self) -> bool {
        self.defect.is_none()
            && self.bound > self.objective as f64 - 1.0 + ROUNDING * (1.0 + self.scale())
    }

    /// How far the objective is above the proven bound (0 or less: proven at once).
    pub fn gap(&self) -> f64 {
        self.objective as f64 - self.bound
    }

    fn scale(&self) -> f64 {
        self.objective.unsigned_abs() as f64 * 1e-9
    }
}

/// A price as the bound uses it.
fn clean(price: f64) -> f64 {
    if price.is_nan() || price < 0.0 {
        0.0
    } else {
        price
    }
}

/// Checks `edge_of` (one edge of each person, or none) against `problem`, claimed to cost
/// `claimed`, with `prices` and an optional integer bound (see the module documentation).
pub fn verify(
    problem: &Problem,
    edge_of: &[Option<usize>],
    claimed: i64,
    prices: &Prices,
    integer: Option<&IntegerBound>,
) -> Verdict {
    let n = problem.unassigned_cost.len();
    let m = problem.capacity.len();
    let groups = problem.group_cap.len();
    let mut verdict = Verdict {
        objective: 0,
        bound: f64::NEG_INFINITY,
        lagrangian: f64::NEG_INFINITY,
        person_term: vec![0.0; n],
        defect: None,
    };
    if let Err(defect) = shape(problem, edge_of, prices) {
        verdict.defect = Some(defect);
        return verdict;
    }
    let group_of = |j: usize| {
        problem
            .group_of
            .get(j)
            .copied()
            .flatten()
            .map(|g| g as usize)
    };
    let current = |i: usize| problem.current_edge.get(i).copied().flatten();

    // The assignment: its own pairs, seats, caps, moves and cost.
    let mut used = vec![0u64; m];
    let mut group_used = vec![0u64; groups];
    let mut moves = 0u64;
    let mut objective: i64 = 0;
    for (i, chosen) in edge_of.iter().enumerate() {
        let held = current(i);
        if held.is_some() && *chosen != held {
            moves += 1;
        }
        match *chosen {
            None => objective = objective.saturating_add(problem.unassigned_cost[i]),
            Some(e) => {
                if !(problem.start[i]..problem.start[i + 1]).contains(&e) {
                    verdict.defect =
                        Some(format!("person {i} is given edge {e}, not one of theirs"));
                    return verdict;
                }
                let j = problem.edge_opening[e] as usize;
                used[j] += 1;
                if let Some(g) = group_of(j) {
                    group_used[g] += 1;
                }
                objective = objective.saturating_add(problem.edge_cost[e]);
            }
        }
    }
    verdict.objective = objective;
    if let Some(j) = (0..m).find(|&j| used[j] > u64::from(problem.capacity[j])) {
        verdict.defect = Some(format!(
            "opening {j} holds {} people for {} seats",
            used[j], problem.capacity[j]
        ));
        return verdict;
    }
    if let Some(g) = (0..groups).find(|&g| group_used[g] > u64::from(problem.group_cap[g])) {
        verdict.defect = Some(format!(
            "host group {g} takes {} people over its cap of {}",
            group_used[g], problem.group_cap[g]
        ));
        return verdict;
    }
    let holders = (0..n).filter(|&i| current(i).is_some()).count() as u64;
    let kept_at_least = match problem.max_moves {
        Some(limit) => {
            if moves > u64::from(limit) {
                verdict.defect = Some(format!("{moves} moves over the limit of {limit}"));
                return verdict;
            }
            holders.saturating_sub(u64::from(limit))
        }
        None => 0,
    };
    if objective != claimed {
        verdict.defect = Some(format!(
            "the claimed objective {claimed} is not the assignment's cost {objective}"
        ));
        return verdict;
    }

    // The Lagrangian bound, and each pair's reduced cost at the repaired person terms.
    let keep = if kept_at_least > 0 {
        clean(prices.keep)
    } else {
        0.0
    };
    let seat: Vec<f64> = prices.seat.iter().map(|&s| clean(s)).collect();
    let group: Vec<f64> = prices.group.iter().map(|&s| clean(s)).collect();
    let closed = |j: usize| {
        problem.capacity[j] == 0 || group_of(j).is_some_and(|g| problem.group_cap[g] == 0)
    };
    let priced = |i: usize, e: usize| -> Option<f64> {
        let j = problem.edge_opening[e] as usize;
        if closed(j) {
            return None;
        }
        let mut d = (problem.edge_cost[e] - problem.unassigned_cost[i]) as f64 + seat[j];
        if let Some(g) = group_of(j) {
            d += group[g];
        }
        if current(i) == Some(e) {
            d -= keep;
        }
        Some(d)
    };
    let mut lagrangian = problem
        .unassigned_cost
        .iter()
        .map(|&u| u as f64)
        .sum::<f64>();
    for i in 0..n {
        let term = (problem.start[i]..problem.start[i + 1])
            .filter_map(|e| priced(i, e))
            .fold(0.0f64, f64::min);
        verdict.person_term[i] = term;
        lagrangian += term;
    }
    for j in (0..m).filter(|&j| problem.capacity[j] > 0) {
        lagrangian -= seat[j] * f64::from(problem.capacity[j]);
    }
    for g in (0..groups).filter(|&g| problem.group_cap[g] > 0) {
        lagrangian -= group[g] * f64::from(problem.group_cap[g]);
    }
    lagrangian += keep * kept_at_least as f64;
    verdict.lagrangian = lagrangian;
    verdict.bound = match integer {
        None => lagrangian,
        Some(integer) => {
            let mut inside = vec![false; problem.edge_opening.len()];
            for &e in &integer.columns {
                if let Some(slot) = inside.get_mut(e) {
                    *slot = true;
                } else {
                    verdict.defect = Some(format!("the integer solve names an unknown edge {e}"));
                    return verdict;
                }
            }
            let mut outside = f64::INFINITY;
            for i in 0..n {
                let edges = problem.start[i]..problem.start[i + 1];
                for (e, &inside) in edges.clone().zip(&inside[edges]) {
                    let matters =
                        problem.edge_cost[e] < problem.unassigned_cost[i] || current(i) == Some(e);
                    if inside || !matters {
                        continue;
                    }
                    if let Some(d) = priced(i, e) {
                        outside = outside.min(d - verdict.person_term[i]);
                    }
                }
            }
            let bound = if integer.bound.is_nan() {
                f64::NEG_INFINITY
            } else {
                integer.bound
            };
            bound.min(lagrangian + outside)
        }
    };
    verdict
}

/// The lengths the check relies on.
fn shape(problem: &Problem, edge_of: &[Option<usize>], prices: &Prices) -> Result<(), String> {
    let n = problem.unassigned_cost.len();
    let e = problem.edge_opening.len();
    let ok =
        problem.start.len() == n + 1
            && problem.start.first() == Some(&0)
            && problem.start.last() == Some(&e)
            && problem.start.windows(2).all(|w| w[0] <= w[1])
            && problem.edge_cost.len() == e
            && problem
                .edge_opening
                .iter()
                .all(|&j| (j as usize) < problem.capacity.len())
            && (problem.group_of.is_empty() || problem.group_of.len() == problem.capacity.len())
            && problem
                .group_of
                .iter()
                .flatten()
                .all(|&g| (g as usize) < problem.group_cap.len())
            && (problem.current_edge.is_empty() || problem.current_edge.len() == n)
            && problem.current_edge.iter().enumerate().all(|(i, c)| {
                c.is_none_or(|c| (problem.start[i]..problem.start[i + 1]).contains(&c))
            });
    if !ok {
        return Err("the problem is malformed".into());
    }
    if edge_of.len() != n {
        return Err(format!("{} choices for {n} people", edge_of.len()));
    }
    if prices.seat.len() != problem.capacity.len() || prices.group.len() != problem.group_cap.len()
    {
        return Err("prices of the wrong shape".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_people_one_seat() -> Problem {
        // Person 0 at 10 or out at 100; person 1 at 30 or out at 100; one seat.
        Problem {
            unassigned_cost: vec![100, 100],
            capacity: vec![1],
            start: vec![0, 1, 2],
            edge_opening: vec![0, 0],
            edge_cost: vec![10, 30],
            ..Default::default()
        }
    }

    fn seat_price(price: f64) -> Prices {
        Prices {
            seat: vec![price],
            group: vec![],
            keep: 0.0,
        }
    }

    #[test]
    fn the_right_price_proves_the_optimum_and_no_price_proves_a_worse_answer() {
        let p = two_people_one_seat();
        // The optimum 110: person 0 in. A seat price of 70 makes its bound 110.
        let v = verify(&p, &[Some(0), None], 110, &seat_price(70.0), None);
        assert_eq!(v.bound, 110.0);
        assert!(v.proves_optimal());
        // The worse answer 130 (person 1 in) is never proven, whatever the price.
        for price in [0.0, 20.0, 70.0, 90.0, 1e6] {
            let v = verify(&p, &[None, Some(1)], 130, &seat_price(price), None);
            assert!(!v.proves_optimal(), "price {price}: bound {}", v.bound);
            assert!(v.bound <= 110.0);
        }
        // A price of 0 gives a weaker bound, not a proof.
        assert!(!verify(&p, &[Some(0), None], 110, &seat_price(0.0), None).proves_optimal());
    }

    #[test]
    fn an_infeasible_assignment_or_a_wrong_objective_is_a_defect() {
        let p = two_people_one_seat();
        let over = verify(&p, &[Some(0), Some(1)], 40, &seat_price(70.0), None);
        assert!(
            over.defect.as_deref().unwrap().contains("seats"),
            "{over:?}"
        );
        let wrong = verify(&p, &[Some(0), None], 100, &seat_price(70.0), None);
        assert!(
            wrong.defect.as_deref().unwrap().contains("claimed"),
            "{wrong:?}"
        );
        let theirs = verify(&p, &[Some(1), None], 130, &seat_price(70.0), None);
        assert!(
            theirs
                .defect
                .as_deref()
                .unwrap()
                .contains("not one of theirs")
        );
        let shape = verify(&p, &[Some(0), None], 110, &Prices::default(), None);
        assert!(shape.defect.is_some());
        assert!(!over.proves_optimal() && !wrong.proves_optimal() && !shape.proves_optimal());
    }

    #[test]
    fn an_integer_bound_covers_its_columns_only() {
        let p = two_people_one_seat();
        // No prices, but an integer solver's bound of 110 over both pairs: proven.
        let both = IntegerBound {
            columns: vec![0, 1],
            bound: 110.0,
        };
        assert!(verify(&p, &[Some(0), None], 110, &seat_price(0.0), Some(&both)).proves_optimal());
        // The same bound over person 1's pair only says nothing of person 0's pair, which the
        // zero prices price at 10 - 100 = -90 below staying out.
        let one = IntegerBound {
            columns: vec![1],
            bound: 130.0,
        };
        let v = verify(&p, &[None, Some(1)], 130, &seat_price(0.0), Some(&one));
        assert!(!v.proves_optimal());
        assert!(v.bound <= 110.0);
    }
}
