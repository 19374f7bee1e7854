//! The global assignment: each person at most one opening, each opening within its free seats,
//! each host within its intake cap, optionally at most M moves; minimise the total cost plus a
//! penalty per person left unassigned. Solved as a linear programme on HiGHS.
//!
//! Exact and fast at once, by column generation: the LP is built on each person's K cheapest
//! pairs only; the dual prices of its optimum then price every pair left out (its reduced cost);
//! any pair that would improve the optimum is added and the LP solved again, until none would.
//! Without a move limit the LP is a min-cost flow (host caps nest), so its optima are integral;
//! the solution is checked for integrality and never rounded. A move limit can make the optimum
//! fractional: the assignment then comes from an integer solve (HiGHS's MIP, at a zero gap) over
//! the LP's columns and every pair whose reduced cost lies within the gap between the LP's bound
//! and the integer answer, since only those can be part of a better assignment.
//!
//! Nothing is reported as certified optimal on the solver's word: every result goes through the
//! independent check of [`certify`], which recomputes the assignment's cost and a lower bound from
//! the problem and the prices alone. A result whose proof fails it is reported as not certified
//! and logged as a defect.
//!
//! The restricted LP lives in one HiGHS instance for the whole solve, and across solves of a
//! [`Session`]: added columns start from the last optimal basis, so a round of pricing costs a
//! few simplex iterations, not a solve from scratch (measured on the nightly run of a 50,000 x
//! 10,000 office: rounds went from 3–9 s each to well under one). good_lp rebuilds its model on
//! every solve and has no call to add a column to a solved one, so the LP and the MIP are built
//! with the `highs` crate, the binding good_lp's HiGHS backend is made of.

use super::certify::{self, IntegerBound, Prices as ProofPrices};

mod lp;
mod mip;
mod residual;
mod start;

use lp::*;
use mip::*;
use residual::*;
use start::*;

pub use super::problem::{Problem, objective_of};

/// Solver settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Cheapest pairs per person in the first LP.
    pub candidates_per_person: usize,
    /// Most pairs added per person in one pricing round.
    pub added_per_person: usize,
    /// Most rounds of pricing before giving up the certificate.
    pub max_rounds: usize,
    /// Time limit of the LP solves, in seconds. HiGHS keeps one clock for its model, so the limit
    /// covers every LP solve of one [`Session`] together.
    pub time_limit_seconds: Option<f64>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            // Measured on the reference instances: with auction prices, 6 gave a certified
            // optimum in the first LP at 20k x 2k and 100k x 10k; 4 needed a second round.
            candidates_per_person: 6,
            added_per_person: 4,
            max_rounds: 50,
            time_limit_seconds: None,
        }
    }
}

/// The result.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// Opening of each person, or `None`.
    pub opening_of: Vec<Option<u32>>,
    /// Total cost: assigned edges plus unassigned penalties. Exact (integers).
    pub objective: i64,
    /// True only when the solver proved the result optimal and the independent check
    /// ([`certify::verify`]) confirmed the proof from scratch.
    pub certified_optimal: bool,
    /// The lower bound on the optimum that the independent check found (the objective, or
    /// within one unit of it, when certified).
    pub bound: f64,
    /// LP solves.
    pub rounds: usize,
    /// Columns in the last LP.
    pub columns: usize,
    /// Edge chosen per assigned person (index into the problem's edges).
    pub edge_of: Vec<Option<usize>>,
    /// The prices that prove the result optimal, when it is certified: callers that list only
    /// some of the pairs check the others against them.
    pub certificate: Option<Certificate>,
}

/// Dual prices that prove an assignment optimal over the problem's pairs, for callers that list
/// only some pairs of each person: a pair left out, of cost `c` for person `i` and opening `j`,
/// could improve the optimum only when its reduced cost `c + seat[j] - person[i]` is below
/// `slack`. When no pair left out does, the assignment is optimal over every pair. Pairs left
/// out must not be anyone's current edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Certificate {
    /// Per opening: what taking one of its seats is worth to the others (its seat price plus its
    /// host's cap price); infinite for an opening without seats or whose host takes no one.
    pub seat: Vec<f64>,
    /// Per person: the cost, seat price included, that a new pair must beat.
    pub person: Vec<f64>,
    /// How far above zero a reduced cost may be and the pair still lower the optimum: zero when
    /// the prices alone prove it; the gap between the prices' bound and the integer optimum
    /// (less half a unit) when an integer solve closed it, since a pair that costs its
    /// assignment less than that gap above the bound could still beat the optimum.
    pub slack: f64,
}

impl Certificate {
    /// True when a pair left out of cost `cost`, of person `i` and opening `j`, could lower the
    /// optimum.
    pub fn improves(&self, i: usize, j: usize, cost: i64) -> bool {
        self.reduced_cost(i, j, cost) < self.slack - EPS
    }

    /// The pair's reduced cost: below [`Self::slack`] when it could lower the optimum.
    pub fn reduced_cost(&self, i: usize, j: usize, cost: i64) -> f64 {
        cost as f64 + self.seat[j] - self.person[i]
    }

    /// The cost, seat price included, under which a pair of person `i` could lower the
    /// optimum: `cost + seat[j] < threshold(i)` exactly when [`Self::improves`] (up to EPS).
    pub fn threshold(&self, i: usize) -> f64 {
        self.person[i] + self.slack
    }

    /// The certificate of row prices with each person's term (at most 0; its dual): each seat's
    /// price with its host's, infinite where no one can be taken.
    fn of(p: &Problem, prices: &ProofPrices, person_term: &[f64], slack: f64) -> Self {
        let group = |j: usize| p.group_of.get(j).copied().flatten().map(|g| g as usize);
        Self {
            seat: (0..p.openings())
                .map(|j| {
                    if p.capacity[j] == 0 || group(j).is_some_and(|g| p.group_cap[g] == 0) {
                        return f64::INFINITY;
                    }
                    prices.seat[j].max(0.0) + group(j).map_or(0.0, |g| prices.group[g].max(0.0))
                })
                .collect(),
            person: person_term
                .iter()
                .zip(&p.unassigned_cost)
                .map(|(t, u)| *u as f64 + t)
                .collect(),
            slack,
        }
    }
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

/// A pricing round adds at most one column per this many columns already in the LP…
const PRICED_SHARE: usize = 4;
/// …and never fewer than this many (when that many price in).
const PRICED_MIN: usize = 1024;

/// Tolerance on reduced costs and on integrality.
const EPS: f64 = 1e-7;

/// Solves `problem` to proven optimality (see the module documentation).
pub fn solve(problem: &Problem, options: &Options) -> Result<Assignment, AssignError> {
    Session::new().solve(problem, options, &[])
}

/// A solve that can go on after its problem gained pairs: the restricted LP stays in HiGHS with
/// its optimal basis, so a caller that lists more pairs and solves again (the nightly run, after
/// pricing the pairs it had left out) pays a few simplex iterations for the new columns instead
/// of a solve from scratch.
///
/// Between two solves of one session the problem may only gain pairs: the same people,
/// openings, seats, host groups, caps, current pairs and move limit, and every pair solved
/// before still there (a pair is known by its person and opening) at the same cost.
#[derive(Default)]
pub struct Session {
    lp: Option<ColumnLp>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("columns", &self.lp.as_ref().map_or(0, |lp| lp.pairs.len()))
            .finish()
    }
}

impl Session {
    pub fn new() -> Self {
        Self::default()
    }

    /// Solves `problem` (see the module documentation). The first solve of a session chooses
    /// its own first columns; a later one keeps every column of the last and adds the edges
    /// `extra` (pairs the caller knows to be worth a column, e.g. those its pricing found), then
    /// prices the rest as usual.
    pub fn solve(
        &mut self,
        problem: &Problem,
        options: &Options,
        extra: &[usize],
    ) -> Result<Assignment, AssignError> {
        match self.run(problem, options, extra, false)? {
            Step::Solved(a) => Ok(a),
            Step::Priced(_) => unreachable!("a full solve runs its rounds to the end"),
        }
    }

    /// One round of [`Self::solve`]: the LP is solved once and its pricing's columns added; the
    /// result when that round proves it optimal over the problem's pairs, else the LP's prices
    /// (each person's dual repaired as for the Lagrangian bound), for a caller that lists only
    /// some pairs to price more in before solving again. Solving the listed pairs to the end
    /// before every such pricing spends LP rounds on duals that the new pairs change anyway.
    pub fn step(
        &mut self,
        problem: &Problem,
        options: &Options,
        extra: &[usize],
    ) -> Result<Step, AssignError> {
        self.run(problem, options, extra, true)
    }

    fn run(
        &mut self,
        problem: &Problem,
        options: &Options,
        extra: &[usize],
        one_round: bool,
    ) -> Result<Step, AssignError> {
        validate(problem)?;
        if let Some(&e) = extra.iter().find(|&&e| e >= problem.edges()) {
            return Err(AssignError::Malformed(format!(
                "extra column {e} names an unknown edge"
            )));
        }
        let owner = problem.person_of_edges();
        // Only pairs cheaper than leaving the person out can help, and a person's current pair:
        // under a move limit, keeping it is worth the limit's dual even at the cost of staying
        // out, so the bound must price it too.
        let useful = |e: usize| {
            let i = owner[e] as usize;
            problem.edge_cost[e] < problem.unassigned_cost[i] || problem.is_current(e, i)
        };
        let holders = problem.current_edge.iter().flatten().count();
        let mut lp = match self.lp.take() {
            Some(lp) => {
                // A refused problem leaves the session as it was.
                let (in_lp, edges) = match lp.edges_in(problem) {
                    Ok(found) => found,
                    Err(e) => {
                        self.lp = Some(lp);
                        return Err(e);
                    }
                };
                let mut restricted = Restricted { lp, in_lp, edges };
                for &e in extra {
                    if useful(e) {
                        restricted.add(problem, &owner, e)?;
                    }
                }
                restricted
            }
            None => Restricted::first(problem, options, &owner, &useful)?,
        };
        let result = column_generation(
            problem, options, &owner, &useful, holders, &mut lp, one_round,
        );
        // After a solver failure the next solve starts afresh.
        self.lp = result.is_ok().then_some(lp.lp);
        result
    }
}

/// What one round of a session gives ([`Session::step`]).
#[derive(Debug)]
pub enum Step {
    /// The optimum over the problem's pairs, as [`Session::solve`] gives it.
    Solved(Assignment),
    /// Not proven optimal yet: the LP's prices, to price pairs against.
    Priced(Certificate),
}

/// Each person's current opening, for comparing a session's problems.
fn current_openings(p: &Problem) -> Vec<Option<u32>> {
    p.current_edge
        .iter()
        .map(|e| e.map(|e| p.edge_opening[e]))
        .collect()
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

/// Reads the assignment off an LP optimum (`proven`: optimal over every pair, by the solver's own
/// reckoning), solving with integers when it is fractional, and has the independent check
/// ([`certify::verify`]) confirm the proof: only then is the result certified.
///
/// A fractional LP's bound may lie below the integer optimum. Every assignment costs at least
/// the LP's Lagrangian bound plus the reduced costs of the pairs it uses, so an assignment that
/// beats the integer solve's answer uses only pairs whose reduced cost is within the gap: those
/// all join the integer solve's columns, until the solve over them finds nothing better.
#[allow(clippy::too_many_arguments)]
fn finish(
    p: &Problem,
    owner: &[u32],
    useful: &dyn Fn(usize) -> bool,
    restricted: &Restricted,
    options: &Options,
    lp: &LpResult,
    prices: ProofPrices,
    rounds: usize,
    proven: bool,
) -> Result<Assignment, AssignError> {
    let columns = &restricted.edges;
    let fractional = columns
        .iter()
        .zip(&lp.values)
        .find(|(_, v)| (**v - v.round()).abs() > 1e-6);
    let (edge_of, claimed, integer, column_count) = match fractional {
        None => (
            read_choice(p, owner, columns, &lp.values)?,
            proven,
            None,
            columns.len(),
        ),
        Some((&e, &value)) if p.group_cap.is_empty() && p.max_moves.is_none() => {
            // A pure transportation LP has integral vertices: a fractional answer is a solver
            // fault, not something to round.
            return Err(AssignError::NotIntegral { edge: e, value });
        }
        Some(_) => {
            let (bound, person_term) = lp.lagrangian_bound(p, owner, useful);
            let mut columns = columns.clone();
            let mut inside = restricted.in_lp.clone();
            loop {
                let mip = solve_mip(p, owner, &columns, options)?;
                // Pairs that an assignment costing at least one unit less could use.
                let within = mip.objective - 1.0 - bound + 1e-6;
                let before = columns.len();
                if proven {
                    for (e, &i) in owner.iter().enumerate() {
                        if inside[e] || !useful(e) {
                            continue;
                        }
                        let i = i as usize;
                        let d = lp.reduced_cost(p, e, i) + lp.person_dual[i] - person_term[i];
                        if d <= within {
                            inside[e] = true;
                            columns.push(e);
                        }
                    }
                }
                if columns.len() == before {
                    let edge_of = read_choice(p, owner, &columns, &mip.values)?;
                    let count = columns.len();
                    let integer = IntegerBound {
                        columns,
                        bound: mip.bound,
                    };
                    break (edge_of, proven && mip.optimal, Some(integer), count);
                }
                tracing::debug!(
                    added = columns.len() - before,
                    gap = mip.objective - bound,
                    "assignment: the integer solve takes in the pairs within its gap"
                );
            }
        }
    };
    let objective = objective_of(p, &edge_of);
    let verdict = certify::verify(p, &edge_of, objective, &prices, integer.as_ref());
    let certified = claimed && verdict.proves_optimal();
    if claimed && !certified {
        tracing::error!(
            objective,
            bound = verdict.bound,
            gap = verdict.gap(),
            defect = verdict
                .defect
                .as_deref()
                .unwrap_or("the bound is short of the objective"),
            "assignment: defect: the solver's proof of optimality failed the independent check; the result is reported as not certified"
        );
    }
    let certificate = certified.then(|| {
        let slack = (verdict.objective as f64 - verdict.lagrangian - 0.5).max(0.0);
        Certificate::of(p, &prices, &verdict.person_term, slack)
    });
    Ok(Assignment {
        opening_of: edge_of
            .iter()
            .map(|e| e.map(|e| p.edge_opening[e]))
            .collect(),
        objective,
        certified_optimal: certified,
        bound: verdict.bound,
        rounds,
        columns: column_count,
        edge_of,
        certificate,
    })
}

/// The edge chosen per person from 0/1 column values; a fractional value is an error.
fn read_choice(
    p: &Problem,
    owner: &[u32],
    columns: &[usize],
    values: &[f64],
) -> Result<Vec<Option<usize>>, AssignError> {
    let mut edge_of = vec![None; p.people()];
    for (&e, &v) in columns.iter().zip(values) {
        if (v - v.round()).abs() > 1e-6 {
            return Err(AssignError::NotIntegral { edge: e, value: v });
        }
        if v > 0.5 {
            edge_of[owner[e] as usize] = Some(e);
        }
    }
    Ok(edge_of)
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
    fn the_residual_network_certifies_a_host_capped_optimum_with_prices_that_hold() {
        // Opening 0 (2 seats) and opening 1 share a host capped at 2; three people want opening
        // 0, so the third stays out. Opening 2 has a free seat nobody lists; opening 3 none.
        let mut p = problem(
            &[100, 100, 100],
            &[2, 1, 1, 0],
            &[(0, 0, 10), (1, 0, 20), (2, 0, 30), (2, 1, 40)],
        );
        p.group_of = vec![Some(0), Some(0), None, None];
        p.group_cap = vec![2];
        let chosen = [Some(0), Some(1), None];
        let Residual::Optimal(prices) = check_residual(&p, &chosen, &|_| true) else {
            panic!("the optimum must be certified");
        };
        let verdict = certify::verify(&p, &chosen, 130, &prices, None);
        assert!(verdict.proves_optimal(), "{verdict:?}");
        let c = Certificate::of(&p, &prices, &verdict.person_term, 0.0);
        for i in 0..p.people() {
            for e in p.start[i]..p.start[i + 1] {
                let j = p.edge_opening[e] as usize;
                assert!(
                    c.reduced_cost(i, j, p.edge_cost[e]) >= -1e-6,
                    "pair ({i}, {j})"
                );
            }
        }
        // Person 2 into opening 2's free seat at 50 would save 50.
        assert!(c.improves(2, 2, 50));
        assert!(!c.improves(2, 3, 0), "a seatless opening never improves");
        // Person 2 at opening 1 and person 1 out is not optimal: the exchange is a cycle.
        assert!(matches!(
            check_residual(&p, &[Some(0), None, Some(3)], &|_| true),
            Residual::Improving(_)
        ));
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
