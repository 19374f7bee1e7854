//! The nightly rebalancing of one office: lock, read a consistent snapshot, solve the global
//! assignment (matching core, on the blocking pool), and store the report; with `apply`, turn
//! it into proposals in the same transaction. A run that dies at any point leaves either its
//! whole result or nothing (the run row is written only with its proposals), and a second run of
//! the same office is refused while one holds the lock (on every replica).

use crate::i18n::{Language, Msg};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::bridge;
use crate::domain::Programme;
use crate::matching::MatchingConfig;
use crate::matching::rebalance::{Outcome, Rebalancing, rebalance};
use crate::resource::explain::{self, PersonResultView};
use crate::store::{ApplyPlan, NewRebalancingRun, RebalancingRunRow, Store, StoreError};

/// Why a run did not complete.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("no office with id {0}")]
    UnknownOffice(Uuid),
    #[error("a rebalancing run of this office is already in progress")]
    InProgress,
    #[error("the data changed since this report was computed; run again")]
    Stale,
    #[error("this run was already applied")]
    AlreadyApplied,
    #[error("stored data could not be read: {0}")]
    Data(#[from] bridge::BridgeError),
    #[error("the optimiser failed: {0}")]
    Solve(#[from] crate::matching::assign::AssignError),
    #[error(transparent)]
    Store(StoreError),
    #[error("the solver task failed")]
    Join,
}

impl From<StoreError> for RunError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Stale => RunError::Stale,
            StoreError::RunInProgress => RunError::InProgress,
            other => RunError::Store(other),
        }
    }
}

/// Stability settings of rebalancing runs (command line, API and schedule alike; filled from
/// flags by `config.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RebalancingConfig {
    /// Extra cost of moving or withdrawing a person's current proposal, in score points (a
    /// perfect fit is worth 1,000): a move must improve the fit by more than this.
    pub move_penalty: i64,
    /// Most proposals one run may move or withdraw; no limit when unset.
    pub max_moves: Option<u32>,
}

impl Default for RebalancingConfig {
    fn default() -> Self {
        let m = MatchingConfig::default();
        Self {
            move_penalty: m.move_penalty,
            max_moves: m.max_moves,
        }
    }
}

impl RebalancingConfig {
    /// The matching configuration with these stability settings.
    pub fn matching(&self) -> MatchingConfig {
        MatchingConfig {
            move_penalty: self.move_penalty,
            max_moves: self.max_moves,
            ..MatchingConfig::default()
        }
    }
}

/// What a run reports on one line (CLI `--json`, logs, the API).
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    pub run_id: Uuid,
    pub office_id: Uuid,
    /// `dry_run` or `apply`.
    pub mode: &'static str,
    pub people: usize,
    pub openings: usize,
    pub new: usize,
    pub moved: usize,
    pub withdrawn: usize,
    pub kept: usize,
    pub unassigned: usize,
    pub objective: i64,
    pub certified_optimal: bool,
    pub load_seconds: f64,
    pub solve_seconds: f64,
    pub write_seconds: f64,
}

/// Runs one office. With `apply`, proposals are written; otherwise only the report.
pub async fn run_office(
    store: &Arc<dyn Store>,
    office_id: Uuid,
    apply: bool,
    config: &MatchingConfig,
    today: time::Date,
) -> Result<RunSummary, RunError> {
    let lock = store
        .try_lock_office(office_id)
        .await?
        .ok_or(RunError::InProgress)?;
    let result = run_locked(store, office_id, apply, config, today).await;
    lock.release().await;
    result
}

async fn run_locked(
    store: &Arc<dyn Store>,
    office_id: Uuid,
    apply: bool,
    config: &MatchingConfig,
    today: time::Date,
) -> Result<RunSummary, RunError> {
    let started_at = crate::store::now();
    let t0 = Instant::now();
    let office = store
        .get_office(office_id)
        .await?
        .ok_or(RunError::UnknownOffice(office_id))?;
    let programme: Programme = office.programme.parse().map_err(|e| {
        RunError::Data(bridge::BridgeError {
            kind: "office",
            id: office_id,
            field: "programme",
            message: format!("{e}"),
        })
    })?;
    let snapshot = store.load_office_snapshot(office_id, today).await?;
    let live: HashMap<Uuid, &crate::store::PlacementRow> = snapshot
        .placements
        .iter()
        .map(|p| (p.beneficiary_id, p))
        .collect();
    let intake: bridge::Intake = snapshot
        .intake
        .iter()
        .map(|&(org, cap, used)| (org, (cap, used)))
        .collect();
    let people = snapshot
        .beneficiaries
        .iter()
        .map(|b| bridge::beneficiary(b, programme, live.get(&b.id).copied()))
        .collect::<Result<Vec<_>, _>>()?;
    let openings = snapshot
        .openings
        .iter()
        .map(|o| bridge::opening(o, &intake))
        .collect::<Result<Vec<_>, _>>()?;
    let load_seconds = t0.elapsed().as_secs_f64();

    let t1 = Instant::now();
    let config = config.clone();
    let result = tokio::task::spawn_blocking(move || rebalance(&people, openings, &config, today))
        .await
        .map_err(|_| RunError::Join)??;
    let solve_seconds = t1.elapsed().as_secs_f64();

    let t2 = Instant::now();
    let run_id = crate::store::new_id();
    let plan = plan_of(&result, &live, run_id);
    let mode = if apply { "apply" } else { "dry_run" };
    let summary = RunSummary {
        run_id,
        office_id,
        mode,
        people: result.people,
        openings: result.openings,
        new: result.count("new"),
        moved: result.count("moved"),
        withdrawn: result.count("withdrawn"),
        kept: result.count("kept"),
        unassigned: result.count("unassigned"),
        objective: result.objective,
        certified_optimal: result.certified_optimal,
        load_seconds,
        solve_seconds,
        write_seconds: 0.0,
    };
    let report = json!({
        "summary": summary,
        "results": result.results.iter().map(PersonResultView::new).collect::<Vec<_>>(),
        "plan": {
            "withdraw": plan.withdraw,
            "propose": plan.propose,
        },
    });
    store
        .save_rebalancing_run(
            &NewRebalancingRun {
                id: run_id,
                office_id,
                mode: mode.to_owned(),
                data_digest: snapshot.digest.clone(),
                report,
                started_at,
            },
            apply.then_some(&plan),
        )
        .await?;
    let summary = RunSummary {
        write_seconds: t2.elapsed().as_secs_f64(),
        ..summary
    };
    tracing::info!(
        run_id = %summary.run_id,
        office_id = %office_id,
        mode,
        new = summary.new,
        moved = summary.moved,
        withdrawn = summary.withdrawn,
        unassigned = summary.unassigned,
        certified_optimal = summary.certified_optimal,
        solve_seconds = summary.solve_seconds,
        "rebalancing run done"
    );
    Ok(summary)
}

/// The proposals to withdraw and to make for a result.
fn plan_of(
    result: &Rebalancing,
    live: &HashMap<Uuid, &crate::store::PlacementRow>,
    run_id: Uuid,
) -> ApplyPlan {
    let mut plan = ApplyPlan::default();
    // Stored on the placement, read later by anyone: in the service's default language.
    let withdraw_reason = |why: Msg| {
        Msg::new("withdrawn-by-run")
            .text("run", run_id.to_string())
            .msg("why", why)
            .render(Language::default())
    };
    for r in &result.results {
        match &r.outcome {
            Outcome::New { opening_id, .. } => plan.propose.push((r.beneficiary_id, *opening_id)),
            Outcome::Moved { to, why, .. } => {
                if let Some(p) = live.get(&r.beneficiary_id) {
                    plan.withdraw
                        .push((p.id, withdraw_reason(explain::moved(why))));
                }
                plan.propose.push((r.beneficiary_id, *to));
            }
            Outcome::Withdrawn { why, .. } => {
                if let Some(p) = live.get(&r.beneficiary_id) {
                    plan.withdraw
                        .push((p.id, withdraw_reason(explain::withdrawn(*why))));
                }
            }
            Outcome::Kept { .. } | Outcome::Unassigned { .. } => {}
        }
    }
    plan
}

/// Applies a stored dry run, refused if the office's data changed since it was computed.
pub async fn apply_stored(
    store: &Arc<dyn Store>,
    id: Uuid,
) -> Result<Option<RebalancingRunRow>, RunError> {
    let Some(run) = store.get_rebalancing_run(id).await? else {
        return Ok(None);
    };
    if run.applied_at.is_some() {
        return Err(RunError::AlreadyApplied);
    }
    let lock = store
        .try_lock_office(run.office_id)
        .await?
        .ok_or(RunError::InProgress)?;
    let plan = stored_plan(&run.report.0);
    let result = match store.apply_rebalancing_run(id, &plan).await {
        Ok(row) => Ok(row),
        Err(StoreError::Conflict(_)) => Err(RunError::AlreadyApplied),
        Err(e) => Err(e.into()),
    };
    lock.release().await;
    result
}

fn stored_plan(report: &serde_json::Value) -> ApplyPlan {
    let plan = &report["plan"];
    let withdraw = plan["withdraw"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|w| {
            Some((
                w[0].as_str()?.parse().ok()?,
                w[1].as_str().unwrap_or_default().to_owned(),
            ))
        })
        .collect();
    let propose = plan["propose"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p[0].as_str()?.parse().ok()?, p[1].as_str()?.parse().ok()?)))
        .collect();
    ApplyPlan { withdraw, propose }
}
