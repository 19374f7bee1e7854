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

/// Bid increments of the auction's phases, in cost units, coarse to fine. A coarse phase ends a
/// price war in a few bids; the last phase at one unit leaves prices within a few units of
/// optimal duals on integer costs, which is all the column choice needs.
const AUCTION_PHASES: [i64; 3] = [64, 8, 1];

/// A phase starts from the last phase's prices lowered by this many of its ε: a coarse phase
/// overshoots by a few ε, and a price from below is corrected by bidding while one from above
/// keeps people away from a seat. Measured on the reference instances: 2 left seats empty,
/// 4 to 8 did not.
const AUCTION_LOWERING: i64 = 8;

/// Extra last phases when a seat ended empty at a positive price.
const AUCTION_REPAIRS: usize = 3;

/// How far below a person's best net value (at auction prices) a pair still gets a column.
/// Ten units cover the auction's error; the exact certificate catches the rest.
const COLUMN_MARGIN: i64 = 10;

/// Most edge scans per phase, in multiples of the edges: prices are only a hint, so a
/// pathological instance stops bidding rather than running long.
const AUCTION_SCANS_PER_EDGE: usize = 200;

/// Approximate seat prices from an auction, and how far from the best a pair may be and still
/// be worth a column.
struct Prices {
    price: Vec<i64>,
    margin: i64,
}

/// An auction for the capacitated assignment with an outside option (staying unassigned is
/// worth 0): people bid for the seat with the best net value `u_i - c_ij - p_j`; a full
/// opening's price is its lowest accepted bid. Integer costs give integer bids, so the result
/// does not depend on rounding.
///
/// Phases scale ε down. A forward auction only raises prices, and a coarse phase overshoots by
/// up to its ε: left as they are, such prices would price people out whom a seat should take.
/// So each phase starts from the last phase's prices lowered by a few of that phase's ε (a price
/// from below is corrected by bidding), and a seat left empty at a positive price is freed and
/// the last phase bid again.
fn auction_prices(p: &Problem) -> Prices {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    let m = p.openings();
    // A seatless opening can never be taken: an infinite price keeps bids away.
    const NEVER: i64 = i64::MAX / 4;
    let mut price: Vec<i64> = p
        .capacity
        .iter()
        .map(|&c| if c == 0 { NEVER } else { 0 })
        .collect();
    let limit = AUCTION_SCANS_PER_EDGE * p.edges().max(1);
    let mut holders: Vec<BinaryHeap<Reverse<(i64, u32)>>> = vec![BinaryHeap::new(); m];
    let mut queue: Vec<u32> = Vec::with_capacity(p.people());
    let mut bid_phase = |eps: i64, price: &mut Vec<i64>, holders: &mut Vec<BinaryHeap<_>>| {
        holders.iter_mut().for_each(BinaryHeap::clear);
        queue.clear();
        queue.extend((0..p.people() as u32).rev());
        let mut scans = 0usize;
        while let Some(i) = queue.pop() {
            let range = p.start[i as usize]..p.start[i as usize + 1];
            scans += range.len();
            if scans > limit {
                break;
            }
            let u = p.unassigned_cost[i as usize];
            // Net values relative to the outside option (worth 0).
            let (mut best, mut second, mut best_j) = (i64::MIN, 0i64, usize::MAX);
            for (&c, &j) in p.edge_cost[range.clone()]
                .iter()
                .zip(&p.edge_opening[range])
            {
                let j = j as usize;
                let net = u - c - price[j];
                if net > best {
                    second = second.max(best);
                    best = net;
                    best_j = j;
                } else if net > second {
                    second = net;
                }
            }
            if best_j == usize::MAX || best <= 0 {
                continue; // staying out is at least as good
            }
            let bid = price[best_j] + (best - second) + eps;
            let heap = &mut holders[best_j];
            heap.push(Reverse((bid, i)));
            if heap.len() > p.capacity[best_j] as usize {
                let Reverse((_, out)) = heap.pop().expect("over capacity");
                queue.push(out);
            }
            if heap.len() == p.capacity[best_j] as usize {
                price[best_j] = heap.peek().map_or(0, |Reverse((b, _))| *b);
            }
        }
    };
    for (phase, &eps) in AUCTION_PHASES.iter().enumerate() {
        if phase > 0 {
            let lower = AUCTION_LOWERING * AUCTION_PHASES[phase - 1];
            for (j, pr) in price.iter_mut().enumerate() {
                if p.capacity[j] > 0 {
                    *pr = (*pr - lower).max(0);
                }
            }
        }
        bid_phase(eps, &mut price, &mut holders);
    }
    // A seat left empty must be free. If an earlier phase's price kept people away from one,
    // free it and bid the last phase again (a few times at most: prices are only a hint).
    let last = *AUCTION_PHASES.last().expect("phases");
    for _ in 0..AUCTION_REPAIRS {
        let mut repaired = false;
        for (j, pr) in price.iter_mut().enumerate() {
            if *pr > 0 && holders[j].len() < p.capacity[j] as usize {
                *pr = 0;
                repaired = true;
            }
        }
        if !repaired {
            break;
        }
        bid_phase(last, &mut price, &mut holders);
    }
    for (j, pr) in price.iter_mut().enumerate() {
        if holders[j].len() < p.capacity[j] as usize {
            *pr = 0;
        }
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

/// The LP's rounds: solve, certify or price the pairs left out, add the improving ones, again
/// (once only with `one_round`: then the prices when not certified).
fn column_generation(
    problem: &Problem,
    options: &Options,
    owner: &[u32],
    useful: &dyn Fn(usize) -> bool,
    holders: usize,
    lp: &mut Restricted,
    one_round: bool,
) -> Result<Step, AssignError> {
    let mut rounds = 0;
    loop {
        rounds += 1;
        let mut cycle_columns = 0usize;
        let clock = std::time::Instant::now();
        let result = lp.lp.solve(problem)?;
        tracing::debug!(
            round = rounds,
            columns = lp.edges.len(),
            seconds = clock.elapsed().as_secs_f64(),
            "assignment: LP solved"
        );
        // The Lagrangian bound of the LP's seat and cap prices over every pair: each person's
        // own dual is repaired to the best value those prices allow, so the bound holds for the
        // whole problem. Reaching the restricted optimum proves it optimal even when the
        // restricted LP's person duals (degenerate, not unique) would price more pairs in.
        let (bound, person_term) = result.lagrangian_bound(problem, owner, useful);
        if bound >= result.objective - 1e-6 {
            tracing::debug!("assignment: the LP is optimal by the Lagrangian bound");
            let prices = result.prices();
            return finish(
                problem, owner, useful, lp, options, &result, prices, rounds, true,
            )
            .map(Step::Solved);
        }
        // Price every pair left out.
        let mut added = 0usize;
        let mut best_per_person: Vec<Vec<(f64, usize)>> = Vec::new();
        let mut last_person = u32::MAX;
        for (e, &i) in owner.iter().enumerate() {
            if lp.in_lp[e] || !useful(e) {
                continue;
            }
            let d = result.reduced_cost(problem, e, i as usize);
            if d < -EPS {
                if i != last_person {
                    best_per_person.push(Vec::new());
                    last_person = i;
                }
                best_per_person.last_mut().expect("pushed").push((d, e));
            }
        }
        let mut chosen: Vec<(f64, usize)> = Vec::new();
        for mut found in best_per_person {
            found.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            chosen.extend(found.into_iter().take(options.added_per_person.max(1)));
        }
        // The restricted LP's duals are degenerate: far more pairs price in than improve. Only
        // the most negative are added, which keeps the next LP small; the others come back in
        // a later round if they still price in.
        let cap = (lp.edges.len() / PRICED_SHARE).max(PRICED_MIN);
        if chosen.len() > cap {
            chosen.select_nth_unstable_by(cap, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            chosen.truncate(cap);
        }
        // Without a move limit the LP is a min-cost flow: an integral LP optimum is optimal
        // over every pair exactly when its residual network has no negative cycle, which
        // shortest-path potentials over all pairs prove; a negative cycle found instead names
        // the pairs the LP lacks. A single round (whose caller wants prices, and goes on pricing
        // pairs in) skips it: on the nightly office the search takes a second and finds only
        // cycles that the priced pairs mend anyway.
        if problem.max_moves.is_none_or(|m| m as usize >= holders)
            && !one_round
            && let Some(edge_of) = read_choice(problem, owner, &lp.edges, &result.values).ok()
        {
            match check_residual(problem, &edge_of, useful) {
                Residual::Optimal(prices) => {
                    tracing::debug!("assignment: optimal by the residual network");
                    return finish(
                        problem, owner, useful, lp, options, &result, prices, rounds, true,
                    )
                    .map(Step::Solved);
                }
                Residual::Improving(pairs) => {
                    for e in pairs {
                        cycle_columns += usize::from(lp.add(problem, owner, e)?);
                    }
                }
                // The duals then price the pairs in as well: one search finds few cycles.
                Residual::Unknown => {}
            }
        }
        chosen.sort_unstable_by_key(|&(_, e)| e);
        for (_, e) in chosen {
            added += usize::from(lp.add(problem, owner, e)?);
        }
        added += cycle_columns;
        if added == 0 {
            // No pair prices in: the LP's own duals prove it optimal over every pair.
            tracing::debug!("assignment: the LP is optimal by its duals");
            let prices = result.prices();
            return finish(
                problem, owner, useful, lp, options, &result, prices, rounds, true,
            )
            .map(Step::Solved);
        }
        if one_round {
            return Ok(Step::Priced(result.certificate(problem, &person_term)));
        }
        if rounds >= options.max_rounds {
            // Give an honest answer: feasible, not certified.
            let prices = result.prices();
            return finish(
                problem, owner, useful, lp, options, &result, prices, rounds, false,
            )
            .map(Step::Solved);
        }
    }
}

/// The restricted LP as columns of one problem: which edges are in it, in HiGHS's column order.
struct Restricted {
    lp: ColumnLp,
    in_lp: Vec<bool>,
    edges: Vec<usize>,
}

impl Restricted {
    /// A new LP with the first columns: seat prices from an auction make it nearly right, each
    /// person bringing the pairs that are competitive at those prices, not a fixed number of
    /// cheapest ones. Host caps are left out of the auction: its prices are only a hint, and
    /// pricing brings in what a capped host's people then lack.
    fn first(
        problem: &Problem,
        options: &Options,
        owner: &[u32],
        useful: &dyn Fn(usize) -> bool,
    ) -> Result<Self, AssignError> {
        let mut lp = Restricted {
            lp: ColumnLp::new(problem, options)?,
            in_lp: vec![false; problem.edges()],
            edges: Vec::new(),
        };
        let prices = problem
            .current_edge
            .is_empty()
            .then(|| auction_prices(problem));
        for i in 0..problem.people() {
            if let Some(c) = problem.current_edge.get(i).copied().flatten() {
                lp.add(problem, owner, c)?;
            }
            let mut edges: Vec<usize> = (problem.start[i]..problem.start[i + 1])
                .filter(|&e| useful(e))
                .collect();
            match &prices {
                Some(prices) => {
                    // Net value of each pair at the auction's prices; keep those near the best.
                    let net = |e: usize| {
                        problem.unassigned_cost[i]
                            - problem.edge_cost[e]
                            - prices.price[problem.edge_opening[e] as usize]
                    };
                    let Some(best) = edges.iter().map(|&e| net(e)).max() else {
                        continue;
                    };
                    if best < -prices.margin {
                        continue; // priced out: pricing brings the person back if that is wrong
                    }
                    edges.retain(|&e| net(e) >= best.max(0) - prices.margin);
                    edges.sort_by_key(|&e| (std::cmp::Reverse(net(e)), e));
                    edges.truncate(options.candidates_per_person.max(1));
                }
                None => {
                    edges.sort_by_key(|&e| (problem.edge_cost[e], problem.edge_opening[e]));
                    edges.truncate(options.candidates_per_person.max(1));
                }
            }
            for e in edges {
                lp.add(problem, owner, e)?;
            }
        }
        Ok(lp)
    }

    /// Adds edge `e` as a column unless it is one already; true when it was added.
    fn add(&mut self, p: &Problem, owner: &[u32], e: usize) -> Result<bool, AssignError> {
        if self.in_lp[e] {
            return Ok(false);
        }
        self.lp.add(p, owner[e] as usize, e)?;
        self.in_lp[e] = true;
        self.edges.push(e);
        Ok(true)
    }
}

/// The rows of the assignment model, shared by the LP and the MIP: every person (at most one
/// opening), every opening (its seats), every host group (its cap) and, when it binds, the move
/// limit (at least `holders - M` people keep their current edge; every current edge is a column
/// from the start, so the row is feasible).
struct Rows {
    rows: Vec<highs::Row>,
    /// Index in `rows` of the move limit's row.
    move_row: Option<usize>,
}

impl Rows {
    fn new(p: &Problem, model: &mut highs::ColProblem) -> Self {
        let mut rows = Vec::with_capacity(p.people() + p.openings() + p.group_cap.len() + 1);
        rows.extend((0..p.people()).map(|_| model.add_row(..=1.0)));
        rows.extend(p.capacity.iter().map(|&c| model.add_row(..=f64::from(c))));
        rows.extend(p.group_cap.iter().map(|&c| model.add_row(..=f64::from(c))));
        let holders = p.current_edge.iter().flatten().count();
        let move_row = match p.max_moves {
            Some(m) if (m as usize) < holders => {
                rows.push(model.add_row((holders - m as usize) as f64..));
                Some(rows.len() - 1)
            }
            _ => None,
        };
        Self { rows, move_row }
    }

    /// The column of edge `e` of person `i`: its rows, and its cost relative to staying out.
    fn column(&self, p: &Problem, i: usize, e: usize) -> (f64, Vec<(highs::Row, f64)>) {
        let (n, m) = (p.people(), p.openings());
        let j = p.edge_opening[e] as usize;
        let mut factors = Vec::with_capacity(4);
        factors.push((self.rows[i], 1.0));
        factors.push((self.rows[n + j], 1.0));
        if let Some(Some(g)) = p.group_of.get(j) {
            factors.push((self.rows[n + m + *g as usize], 1.0));
        }
        if let Some(r) = self.move_row
            && p.is_current(e, i)
        {
            factors.push((self.rows[r], 1.0));
        }
        ((p.edge_cost[e] - p.unassigned_cost[i]) as f64, factors)
    }
}

/// The restricted LP kept in HiGHS between solves. Its rows are every person (at most one
/// opening), every opening (its seats), every host group (its cap) and the move limit; its
/// columns are the pairs added so far, each known by person, opening and cost.
struct ColumnLp {
    /// `None` only while HiGHS solves.
    model: Option<highs::Model>,
    rows: Rows,
    /// The rows' shape, which a later problem must match.
    capacity: Vec<u32>,
    group_of: Vec<Option<u32>>,
    group_cap: Vec<u32>,
    current_edge_pairs: Vec<Option<u32>>,
    /// (person, opening, cost) of each column, in HiGHS's order.
    pairs: Vec<(u32, u32, i64)>,
}

impl ColumnLp {
    fn new(p: &Problem, options: &Options) -> Result<Self, AssignError> {
        let mut rows_of = highs::ColProblem::default();
        let rows = Rows::new(p, &mut rows_of);
        let mut model = rows_of
            .try_optimise(highs::Sense::Minimise)
            .map_err(|e| AssignError::Solver(format!("building the LP: {e:?}")))?;
        model.make_quiet();
        // Measured on this LP: presolve removes nothing and switching it off is faster; the
        // solver's own threads only compete with the caller's.
        set_option(&mut model, "presolve", "off")?;
        set_option(&mut model, "solver", "simplex")?;
        set_option(&mut model, "threads", 1)?;
        if let Some(t) = options.time_limit_seconds {
            set_option(&mut model, "time_limit", t)?;
        }
        Ok(Self {
            model: Some(model),
            rows,
            capacity: p.capacity.clone(),
            group_of: p.group_of.clone(),
            group_cap: p.group_cap.clone(),
            current_edge_pairs: current_openings(p),
            pairs: Vec::new(),
        })
    }

    /// The LP's columns as edges of `p` (which edges are columns, and the columns in order);
    /// `p` must have the rows' shape and every pair solved before.
    fn edges_in(&self, p: &Problem) -> Result<(Vec<bool>, Vec<usize>), AssignError> {
        let moves = p
            .max_moves
            .is_some_and(|m| (m as usize) < p.current_edge.iter().flatten().count());
        if p.people() + p.openings() + p.group_cap.len() + usize::from(moves)
            != self.rows.rows.len()
            || p.capacity != self.capacity
            || p.group_of != self.group_of
            || p.group_cap != self.group_cap
            || current_openings(p) != self.current_edge_pairs
            || moves != self.rows.move_row.is_some()
        {
            return Err(AssignError::Malformed(
                "a session's problem changed more than by gaining pairs".into(),
            ));
        }
        let mut in_lp = vec![false; p.edges()];
        let mut edges = Vec::with_capacity(self.pairs.len());
        for &(i, j, cost) in &self.pairs {
            let i = i as usize;
            let e = (p.start[i]..p.start[i + 1])
                .find(|&e| p.edge_opening[e] == j && p.edge_cost[e] == cost && !in_lp[e])
                .ok_or_else(|| {
                    AssignError::Malformed(format!(
                        "the pair of person {i} and opening {j} solved before is missing"
                    ))
                })?;
            in_lp[e] = true;
            edges.push(e);
        }
        Ok((in_lp, edges))
    }

    /// Adds edge `e` of person `i` as a column.
    fn add(&mut self, p: &Problem, i: usize, e: usize) -> Result<(), AssignError> {
        let (cost, factors) = self.rows.column(p, i, e);
        self.model
            .as_mut()
            .expect("the model is back after every solve")
            .try_add_column(cost, 0.0..=1.0, factors)
            .map_err(|e| AssignError::Solver(format!("adding a column: {e:?}")))?;
        self.pairs
            .push((i as u32, p.edge_opening[e], p.edge_cost[e]));
        Ok(())
    }

    /// Solves from the last optimal basis (HiGHS keeps it while columns are added).
    fn solve(&mut self, p: &Problem) -> Result<LpResult, AssignError> {
        let constant: i64 = p.unassigned_cost.iter().sum();
        let (n, m, g) = (p.people(), p.openings(), p.group_cap.len());
        if self.pairs.is_empty() {
            return Ok(LpResult::empty(p));
        }
        let model = self
            .model
            .take()
            .expect("the model is back after every solve");
        // On failure the model is gone with it: the session starts afresh.
        let solved = model
            .try_solve()
            .map_err(|e| AssignError::Solver(format!("{e:?}")))?;
        let status = solved.status();
        let solution = solved.get_solution();
        self.model = Some(solved.into());
        match status {
            highs::HighsModelStatus::Optimal => {}
            highs::HighsModelStatus::ReachedTimeLimit => return Err(AssignError::TimeLimit),
            highs::HighsModelStatus::Infeasible => {
                return Err(AssignError::Solver("infeasible restricted problem".into()));
            }
            other => return Err(AssignError::Solver(format!("{other:?}"))),
        }
        let values = solution.columns().to_vec();
        let duals = solution.dual_rows();
        let objective = self
            .pairs
            .iter()
            .zip(&values)
            .map(|(&(i, _, cost), &v)| (cost - p.unassigned_cost[i as usize]) as f64 * v)
            .sum::<f64>()
            + constant as f64;
        // A row's dual has the sign of its side (at most for seats and caps, at least for the
        // move limit); one of the other sign, which HiGHS's tolerances allow, would make the
        // Lagrangian bound below invalid, so it is taken as zero.
        Ok(LpResult {
            values,
            person_dual: duals[..n].to_vec(),
            opening_dual: duals[n..n + m].iter().map(|d| d.min(0.0)).collect(),
            group_dual: duals[n + m..n + m + g].iter().map(|d| d.min(0.0)).collect(),
            move_dual: self.rows.move_row.map_or(0.0, |r| duals[r].max(0.0)),
            objective,
        })
    }
}

/// Sets one HiGHS option; a refusal is a solver error.
fn set_option(
    model: &mut highs::Model,
    key: &str,
    value: impl highs::HighsOptionValue,
) -> Result<(), AssignError> {
    model
        .try_set_option(key, value)
        .map_err(|_| AssignError::Solver(format!("HiGHS refused the option {key}")))
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
    /// The optimum of an LP without columns: everyone unassigned, every dual 0.
    fn empty(p: &Problem) -> Self {
        Self {
            values: vec![],
            person_dual: vec![0.0; p.people()],
            opening_dual: vec![0.0; p.openings()],
            group_dual: vec![0.0; p.group_cap.len()],
            move_dual: 0.0,
            objective: p.unassigned_cost.iter().sum::<i64>() as f64,
        }
    }

    /// A lower bound on the optimum over all pairs, from the LP's opening, group and move duals
    /// with each person's dual set to its best feasible value (weak duality); and those values.
    fn lagrangian_bound(
        &self,
        p: &Problem,
        owner: &[u32],
        useful: &dyn Fn(usize) -> bool,
    ) -> (f64, Vec<f64>) {
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
        let bound = constant as f64
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
            + kept_rhs * self.move_dual;
        (bound, person_term)
    }

    /// The LP's row prices, for the independent check.
    fn prices(&self) -> ProofPrices {
        ProofPrices {
            seat: self.opening_dual.iter().map(|d| -d).collect(),
            group: self.group_dual.iter().map(|d| -d).collect(),
            keep: self.move_dual,
        }
    }

    /// The LP's prices, with `person_dual` as each person's dual (feasible for every listed
    /// pair), for pricing pairs not listed: a pair is not current, so the move dual plays no
    /// part.
    fn certificate(&self, p: &Problem, person_dual: &[f64]) -> Certificate {
        Certificate::of(p, &self.prices(), person_dual, 0.0)
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

/// An integer solve over some columns: the values, the total cost, the solver's proven lower
/// bound over the assignments that use only those columns, and whether it closed the gap.
struct Mip {
    values: Vec<f64>,
    objective: f64,
    bound: f64,
    optimal: bool,
}

/// The MIP on the given columns (0/1 variables), on HiGHS: for the LP optimum that a move limit
/// can make fractional. Asked for a zero gap; an answer at a time limit is feasible, not optimal.
fn solve_mip(
    p: &Problem,
    owner: &[u32],
    columns: &[usize],
    options: &Options,
) -> Result<Mip, AssignError> {
    let constant = p.unassigned_cost.iter().sum::<i64>() as f64;
    if columns.is_empty() {
        return Ok(Mip {
            values: vec![],
            objective: constant,
            bound: constant,
            optimal: true,
        });
    }
    let mut rows_of = highs::ColProblem::default();
    let rows = Rows::new(p, &mut rows_of);
    for &e in columns {
        let (cost, factors) = rows.column(p, owner[e] as usize, e);
        rows_of.add_integer_column(cost, 0.0..=1.0, factors);
    }
    let mut model = rows_of
        .try_optimise(highs::Sense::Minimise)
        .map_err(|e| AssignError::Solver(format!("building the MIP: {e:?}")))?;
    model.make_quiet();
    set_option(&mut model, "threads", 1)?;
    // Costs are integers: only a zero gap proves the optimum (HiGHS's default relative gap of
    // 1e-4 would accept thousands of units on a territory's objective).
    set_option(&mut model, "mip_rel_gap", 0.0)?;
    set_option(&mut model, "mip_abs_gap", 1e-6)?;
    if let Some(t) = options.time_limit_seconds {
        set_option(&mut model, "time_limit", t)?;
    }
    let solved = model
        .try_solve()
        .map_err(|e| AssignError::Solver(format!("{e:?}")))?;
    let optimal = match solved.status() {
        highs::HighsModelStatus::Optimal => true,
        highs::HighsModelStatus::ReachedTimeLimit
            if solved.primal_solution_status() == highs::HighsSolutionStatus::Feasible =>
        {
            false
        }
        highs::HighsModelStatus::ReachedTimeLimit => return Err(AssignError::TimeLimit),
        highs::HighsModelStatus::Infeasible => {
            return Err(AssignError::Solver("infeasible restricted problem".into()));
        }
        other => return Err(AssignError::Solver(format!("{other:?}"))),
    };
    let values = solved.get_solution().columns().to_vec();
    let objective = columns
        .iter()
        .zip(&values)
        .map(|(&e, &v)| (p.edge_cost[e] - p.unassigned_cost[owner[e] as usize]) as f64 * v)
        .sum::<f64>()
        + constant;
    let bound = solved
        .double_info_value(c"mip_dual_bound")
        .map_or(f64::NEG_INFINITY, |b| b + constant);
    Ok(Mip {
        values,
        objective,
        bound,
        optimal,
    })
}

/// What the residual network of an integral assignment says about it.
#[derive(Debug, Clone, PartialEq)]
enum Residual {
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
fn check_residual(
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
const MAX_CYCLES: usize = 4096;

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
