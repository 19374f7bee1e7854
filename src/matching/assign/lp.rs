//! The restricted LP on HiGHS and the column generation that grows it until no pair left out
//! would improve it.

use super::*;

/// The LP's rounds: solve, certify or price the pairs left out, add the improving ones, again
/// (once only with `one_round`: then the prices when not certified).
pub(super) fn column_generation(
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
pub(super) struct Restricted {
    pub(super) lp: ColumnLp,
    pub(super) in_lp: Vec<bool>,
    pub(super) edges: Vec<usize>,
}

impl Restricted {
    /// A new LP with the first columns: seat prices from an auction make it nearly right, each
    /// person bringing the pairs that are competitive at those prices, not a fixed number of
    /// cheapest ones. Host caps are left out of the auction: its prices are only a hint, and
    /// pricing brings in what a capped host's people then lack.
    pub(super) fn first(
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
    pub(super) fn add(
        &mut self,
        p: &Problem,
        owner: &[u32],
        e: usize,
    ) -> Result<bool, AssignError> {
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
pub(super) struct Rows {
    pub(super) rows: Vec<highs::Row>,
    /// Index in `rows` of the move limit's row.
    pub(super) move_row: Option<usize>,
}

impl Rows {
    pub(super) fn new(p: &Problem, model: &mut highs::ColProblem) -> Self {
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
    pub(super) fn column(&self, p: &Problem, i: usize, e: usize) -> (f64, Vec<(highs::Row, f64)>) {
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
pub(super) struct ColumnLp {
    /// `None` only while HiGHS solves.
    pub(super) model: Option<highs::Model>,
    pub(super) rows: Rows,
    /// The rows' shape, which a later problem must match.
    pub(super) capacity: Vec<u32>,
    pub(super) group_of: Vec<Option<u32>>,
    pub(super) group_cap: Vec<u32>,
    pub(super) current_edge_pairs: Vec<Option<u32>>,
    /// (person, opening, cost) of each column, in HiGHS's order.
    pub(super) pairs: Vec<(u32, u32, i64)>,
}

impl ColumnLp {
    pub(super) fn new(p: &Problem, options: &Options) -> Result<Self, AssignError> {
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
    pub(super) fn edges_in(&self, p: &Problem) -> Result<(Vec<bool>, Vec<usize>), AssignError> {
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
    pub(super) fn add(&mut self, p: &Problem, i: usize, e: usize) -> Result<(), AssignError> {
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
    pub(super) fn solve(&mut self, p: &Problem) -> Result<LpResult, AssignError> {
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
pub(super) fn set_option(
    model: &mut highs::Model,
    key: &str,
    value: impl highs::HighsOptionValue,
) -> Result<(), AssignError> {
    model
        .try_set_option(key, value)
        .map_err(|_| AssignError::Solver(format!("HiGHS refused the option {key}")))
}

/// An LP optimum with the duals needed for pricing.
pub(super) struct LpResult {
    /// Value of each column (same order as the columns given).
    pub(super) values: Vec<f64>,
    pub(super) person_dual: Vec<f64>,
    pub(super) opening_dual: Vec<f64>,
    pub(super) group_dual: Vec<f64>,
    pub(super) move_dual: f64,
    /// LP objective including the constant of unassigned costs.
    pub(super) objective: f64,
}

impl LpResult {
    /// The optimum of an LP without columns: everyone unassigned, every dual 0.
    pub(super) fn empty(p: &Problem) -> Self {
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
    pub(super) fn lagrangian_bound(
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
    pub(super) fn prices(&self) -> ProofPrices {
        ProofPrices {
            seat: self.opening_dual.iter().map(|d| -d).collect(),
            group: self.group_dual.iter().map(|d| -d).collect(),
            keep: self.move_dual,
        }
    }

    /// The LP's prices, with `person_dual` as each person's dual (feasible for every listed
    /// pair), for pricing pairs not listed: a pair is not current, so the move dual plays no
    /// part.
    pub(super) fn certificate(&self, p: &Problem, person_dual: &[f64]) -> Certificate {
        Certificate::of(p, &self.prices(), person_dual, 0.0)
    }

    /// Reduced cost of edge `e` of person `i`: negative means adding it would lower the optimum.
    pub(super) fn reduced_cost(&self, p: &Problem, e: usize, i: usize) -> f64 {
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
