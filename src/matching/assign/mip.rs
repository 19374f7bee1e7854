//! The integer solve (HiGHS's MIP at a zero gap) for an LP made fractional by a move limit.

use super::*;

/// An integer solve over some columns: the values, the total cost, the solver's proven lower
/// bound over the assignments that use only those columns, and whether it closed the gap.
pub(super) struct Mip {
    pub(super) values: Vec<f64>,
    pub(super) objective: f64,
    pub(super) bound: f64,
    pub(super) optimal: bool,
}

/// The MIP on the given columns (0/1 variables), on HiGHS: for the LP optimum that a move limit
/// can make fractional. Asked for a zero gap; an answer at a time limit is feasible, not optimal.
pub(super) fn solve_mip(
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
