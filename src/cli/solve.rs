//! `placematch solve --instance FILE [--assignment OUT]`: the global assignment of a plain instance
//! file (host groups, current pairs and a move limit included when the file has them), with its
//! independently checked proof of optimality, as one JSON line.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use serde::Serialize;

use crate::matching::assign::{self, Options};
use crate::matching::instance;

#[derive(clap::Args, Debug)]
pub struct SolveArgs {
    /// Instance file (format in shared/tools/README.md).
    #[arg(long)]
    pub instance: PathBuf,
    /// Write the chosen pairs here, one `person opening` line each.
    #[arg(long)]
    pub assignment: Option<PathBuf>,
    /// Cheapest pairs per person in the first LP; pricing adds any other that improves it.
    #[arg(long, default_value_t = Options::default().candidates_per_person)]
    pub candidates: usize,
}

/// The printed line.
#[derive(Debug, Serialize)]
pub struct SolveReport {
    pub objective: i64,
    pub assigned: usize,
    pub certified_optimal: bool,
    /// The lower bound on the optimum that the independent check proved (`null` when none).
    pub bound: Option<f64>,
    /// People who held an opening (the file's `current` section) and end elsewhere or on none.
    pub moves: usize,
    pub seconds: f64,
    pub read_seconds: f64,
    pub solve_seconds: f64,
    pub people: usize,
    pub openings: usize,
    pub edges: usize,
    pub rounds: usize,
    pub columns: usize,
}

pub fn run(args: &SolveArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let bytes = std::fs::read(&args.instance)
        .with_context(|| format!("--instance: cannot read {}", args.instance.display()))?;
    let problem = instance::parse(&bytes)
        .with_context(|| format!("--instance: {}", args.instance.display()))?;
    drop(bytes);
    let read_seconds = started.elapsed().as_secs_f64();
    let solve_started = Instant::now();
    let options = Options {
        candidates_per_person: args.candidates.max(1),
        ..Options::default()
    };
    let result = assign::solve(&problem, &options).context("solving the assignment")?;
    let solve_seconds = solve_started.elapsed().as_secs_f64();
    if let Some(path) = &args.assignment {
        let file = std::fs::File::create(path)
            .with_context(|| format!("--assignment: cannot create {}", path.display()))?;
        let mut out = std::io::BufWriter::new(file);
        for (i, j) in result.opening_of.iter().enumerate() {
            if let Some(j) = j {
                writeln!(out, "{i} {j}")?;
            }
        }
        out.flush()
            .with_context(|| format!("--assignment: cannot write {}", path.display()))?;
    }
    let report = SolveReport {
        objective: result.objective,
        assigned: result.assigned(),
        certified_optimal: result.certified_optimal,
        bound: result.bound.is_finite().then_some(result.bound),
        moves: problem
            .current_edge
            .iter()
            .zip(&result.edge_of)
            .filter(|(held, chosen)| held.is_some() && held != chosen)
            .count(),
        seconds: started.elapsed().as_secs_f64(),
        read_seconds,
        solve_seconds,
        people: problem.people(),
        openings: problem.openings(),
        edges: problem.edges(),
        rounds: result.rounds,
        columns: result.columns,
    };
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}
