//! A territory's global assignment with its stability rules, as the nightly run needs it:
//! people at work never move; keeping a current proposal costs nothing extra while moving or
//! withdrawing it costs [`MatchingConfig::move_penalty`]; an optional cap on moves. The result
//! says, person by person, what would change and why, and why anyone is left without a seat.
//!
//! Exact without listing every pair: each person's best `LISTED_PAIRS` pairs are listed (a
//! nearest-first search that also gives a floor on the cost of every pair it left out), the
//! optimiser solves over them and returns the prices that prove its optimum
//! ([`assign::Certificate`]); every pair left out is then priced against its opening's own seat
//! price (the openings around each person ring by ring, each ring with the highest seat price a
//! pair that far could pay, so that a person far from winning a seat looks at few), the
//! improving ones join the lists, and the optimiser solves again from its
//! last basis ([`assign::Session`]: the LP stays in HiGHS between rounds). While pricing still
//! finds pairs, each round solves the LP once and prices against its (repaired) duals
//! ([`assign::Session::step`]); a later round walks, for a person whose threshold has not risen,
//! only the openings whose seat price fell. The result is certified only when the listed pairs
//! are solved to a proven optimum and no pair left out improves at its prices.

use std::collections::HashMap;

use uuid::Uuid;

use super::assign::{self, AssignError, Certificate, Options, Problem};
use super::evaluate::{Assessment, Criterion, PreparedPerson, Seats, assess};
use super::index::OpeningIndex;
use super::model::{Beneficiary, CurrentState, MatchingConfig, Opening};
use super::pairs::{BestPairs, PriceTest, best_pairs, for_each_affordable};

/// What the run proposes for one person. The reasons are codes with their figures: the words
/// are written at the edge.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A new proposal for someone who had none.
    New { opening_id: Uuid, score: i64 },
    /// The current proposal stays.
    Kept { opening_id: Uuid, score: i64 },
    /// The current proposal is replaced by a better one.
    Moved {
        from: Uuid,
        to: Uuid,
        score: i64,
        why: MoveReason,
    },
    /// The current proposal is withdrawn and nothing replaces it.
    Withdrawn { from: Uuid, why: WithdrawReason },
    /// No proposal, with the reason.
    Unassigned { reason: Unassigned },
}

/// Why a person's proposal moves to another opening.
#[derive(Debug, Clone, PartialEq)]
pub enum MoveReason {
    /// The current opening no longer fits the rules.
    CurrentNoLongerFits,
    /// The same points on every criterion: the seat is needed by someone who fits it better.
    SeatNeeded,
    /// Points per criterion, new minus current, where they differ (in [`Criterion::ALL`]
    /// order).
    Gains(Vec<(Criterion, i64)>),
}

/// Why a person's proposal is withdrawn with nothing in its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithdrawReason {
    /// The opening no longer fits the rules (closed, paused, or the file changed).
    NoLongerFits,
    /// Its seat went to people with a better fit, and no other opening fits better than
    /// leaving it.
    SeatNeeded,
}

/// Why a person is left without a proposal.
#[derive(Debug, Clone, PartialEq)]
pub enum Unassigned {
    /// No opening within reach passes the hard rules. `rules` names the most frequent ones
    /// (at most three, by how many openings each excluded, then code; empty when no opening
    /// is within reach of the trip limit); `looked_at` openings were assessed, the nearest
    /// [`EXPLAINED_NEAREST`] at most.
    NoEligibleOpening {
        rules: Vec<(&'static str, usize)>,
        looked_at: usize,
    },
    /// Every eligible seat went to someone with a better fit: on the person's best opening,
    /// the weakest holder beats them most on `decided_by`, by `margin` points.
    OutCompeted {
        opening_id: Uuid,
        decided_by: Criterion,
        margin: i64,
    },
    /// The person's eligible openings have no seat left for a new person (seats or the
    /// host's monthly cap), and nobody holds the best one.
    NoSeatLeft { opening_id: Uuid },
}

/// One person's line of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonResult {
    pub beneficiary_id: Uuid,
    pub outcome: Outcome,
}

/// The whole result.
#[derive(Debug, Clone, PartialEq)]
pub struct Rebalancing {
    /// People considered (at work excluded).
    pub people: usize,
    pub openings: usize,
    pub pairs: usize,
    pub objective: i64,
    pub certified_optimal: bool,
    pub rounds: usize,
    pub columns: usize,
    /// One line per person considered, in id order.
    pub results: Vec<PersonResult>,
}

impl Rebalancing {
    /// How many lines have a given change.
    pub fn count(&self, change: &str) -> usize {
        self.results
            .iter()
            .filter(|r| {
                matches!(
                    (&r.outcome, change),
                    (Outcome::New { .. }, "new")
                        | (Outcome::Kept { .. }, "kept")
                        | (Outcome::Moved { .. }, "moved")
                        | (Outcome::Withdrawn { .. }, "withdrawn")
                        | (Outcome::Unassigned { .. }, "unassigned")
                )
            })
            .count()
    }
}

/// Pairs listed per person at first: enough that most people's optimum is among them (the
/// nearest-first search then stops early); pricing adds the others that matter. Measured on the
/// 50,000 x 10,000 Brussels office: 8 lists faster but needs more pricing and a larger LP; the
/// whole run takes about the same.
const LISTED_PAIRS: usize = 16;

/// Most pairs left out of a person's list that one round of pricing adds to it (the most
/// improving first); the others come back in a later round if they still improve. Measured on
/// the same office: 8 needs one round fewer than 4 and the LP stays as fast.
const PRICED_PER_PERSON: usize = 8;

/// Of the pairs a round of pricing adds to a person's list, how many (the most improving) enter
/// the LP at once; the LP's own pricing brings in the others that still improve. Measured on the
/// same office: 2 makes the LP's solves about a tenth faster than all 8, 1 slower again.
const COLUMNS_PER_PERSON: usize = 2;

/// A person with no eligible opening is told which rules exclude the openings within reach,
/// counted over this many of the nearest: in a crowded territory every opening of the city is
/// within a car's reach, and the nearest tell the caseworker as much as all of them.
pub const EXPLAINED_NEAREST: usize = 100;

/// Most rounds of pricing the pairs left out. Past it the run answers with the best assignment
/// found, marked not certified.
const MAX_PRICING_ROUNDS: usize = 30;

/// Most pairs listed in all: memory stays bounded (about 100 bytes a pair with its
/// assessment). Past it the run answers with the best assignment found, marked not certified.
const PAIR_BUDGET: usize = 6_000_000;

/// `f` of every index `0..n`, in order, on every core; each thread has its own scratch `S`.
fn on_every_core<S: Default, T: Send>(n: usize, f: impl Fn(&mut S, usize) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 16);
    let chunk = n.div_ceil(threads).max(1);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .step_by(chunk)
            .map(|from| {
                scope.spawn(move || {
                    let mut scratch = S::default();
                    (from..(from + chunk).min(n))
                        .map(|i| f(&mut scratch, i))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a worker thread panicked"))
            .collect()
    })
}

/// What every pair but the held one costs extra for a person who holds the proposal `current`
/// (an opening of the run), and leaving them out too: a move.
fn move_penalty(current: Option<usize>, config: &MatchingConfig) -> i64 {
    if current.is_some() {
        config.move_penalty
    } else {
        0
    }
}

/// The `m` best pairs of every person, on every core.
fn search_all(
    prepared: &[PreparedPerson<'_>],
    index: &OpeningIndex,
    config: &MatchingConfig,
    m: usize,
) -> Vec<BestPairs> {
    on_every_core(prepared.len(), |memo: &mut Vec<f64>, i| {
        let p = &prepared[i];
        index.remembered(&p.skills, memo);
        best_pairs(
            p,
            index,
            config,
            Seats::Ignore,
            m,
            config.reach_m(p.person),
            memo,
        )
    })
}

/// What a round of pricing saw, so that the next looks only where something changed: a pair it
/// found not improving can improve later only if its person's threshold has risen or its
/// opening's seat price has fallen (its reduced cost is its cost plus the one minus the other),
/// pairs only join the lists, and the costs and floors stay.
struct Priced {
    certificate: Certificate,
    /// People who had more improving pairs than were added: the others may still improve.
    truncated: Vec<bool>,
}

/// The pairs left out of the lists that would lower the optimum at the certificate's prices,
/// at most [`PRICED_PER_PERSON`] per person, the most improving first, on every core.
///
/// A pair left out of person `i`'s list costs at least `floor[i]`, and at least what a perfect
/// fit at its distance costs; it can improve only if its opening's seat price is below
/// `certificate.threshold(i)` minus that. The openings around the person are walked ring by ring
/// ([`for_each_affordable`]), so full openings in demand (high prices) and far ones are never
/// assessed for people whose best pairs are far from winning a seat. After a first round
/// (`last`), a person whose threshold has not risen walks only the openings whose seat price
/// has fallen.
#[allow(clippy::too_many_arguments)]
fn price_left_out(
    prepared: &[PreparedPerson<'_>],
    index: &OpeningIndex,
    config: &MatchingConfig,
    found: &[BestPairs],
    current: &[Option<usize>],
    floor: &[i64],
    certificate: &Certificate,
    last: Option<&Priced>,
) -> (Vec<Vec<(usize, Assessment)>>, Vec<bool>) {
    let seat = &certificate.seat;
    let every = index.priced_slots(seat, |_| true);
    let fallen = last.map(|l| index.priced_slots(seat, |j| seat[j] < l.certificate.seat[j]));
    // Whom a person's walk must meet: every opening, or those whose price fell.
    let walks_all = |i: usize| {
        last.is_none_or(|l| l.truncated[i] || certificate.threshold(i) > l.certificate.threshold(i))
    };
    let per_person = on_every_core(prepared.len(), |memo: &mut Vec<f64>, i| {
        if floor[i] == i64::MAX {
            return (Vec::new(), false, 0);
        }
        let listed = &found[i].pairs;
        let current = current[i];
        let test = PriceTest {
            threshold: certificate.threshold(i),
            floor: floor[i],
            extra_cost: move_penalty(current, config),
        };
        let priced = match &fallen {
            Some(fallen) if !walks_all(i) => fallen,
            _ => &every,
        };
        let mut better: Vec<(f64, usize, Assessment)> = Vec::new();
        let mut assessed = 0usize;
        index.remembered(&prepared[i].skills, memo);
        for_each_affordable(
            &prepared[i],
            index,
            config,
            config.reach_m(prepared[i].person),
            test,
            priced,
            |j| listed.binary_search_by_key(&j, |(k, _)| *k).is_ok() || current == Some(j),
            memo,
            |j, a| {
                assessed += 1;
                let cost = a.cost(config) + test.extra_cost;
                if certificate.improves(i, j, cost) {
                    better.push((certificate.reduced_cost(i, j, cost), j, a));
                }
            },
        );
        better.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let truncated = better.len() > PRICED_PER_PERSON;
        better.truncate(PRICED_PER_PERSON);
        (
            better.into_iter().map(|(_, j, a)| (j, a)).collect(),
            truncated,
            assessed,
        )
    });
    let assessed: usize = per_person.iter().map(|(_, _, n)| n).sum();
    tracing::debug!(
        assessed,
        walked_all = (0..prepared.len()).filter(|&i| walks_all(i)).count(),
        fallen = fallen.as_ref().map_or(seat.len(), |f| f.len()),
        "rebalance: eligible pairs left out assessed"
    );
    per_person
        .into_iter()
        .map(|(more, truncated, _)| (more, truncated))
        .unzip()
}

/// Computes the global assignment of `people` to `openings` on `today`.
pub fn rebalance(
    people: &[Beneficiary],
    openings: Vec<Opening>,
    config: &MatchingConfig,
    today: time::Date,
) -> Result<Rebalancing, AssignError> {
    rebalance_listing(people, openings, config, today, LISTED_PAIRS)
}

/// [`rebalance`] with `listed` pairs per person at first instead of [`LISTED_PAIRS`]: tests
/// list one or two so that the pricing of the pairs left out has work to do.
#[doc(hidden)]
pub fn rebalance_listing(
    people: &[Beneficiary],
    openings: Vec<Opening>,
    config: &MatchingConfig,
    today: time::Date,
    listed: usize,
) -> Result<Rebalancing, AssignError> {
    let mut people: Vec<&Beneficiary> = people
        .iter()
        .filter(|b| b.current.is_none_or(|c| c.state != CurrentState::Active))
        .collect();
    people.sort_by_key(|b| b.id);
    let mut openings = openings;
    openings.sort_by_key(|o| o.id);
    let index = OpeningIndex::new(openings);
    let openings = index.openings();
    let position: HashMap<Uuid, u32> = openings
        .iter()
        .enumerate()
        .map(|(j, o)| (o.id, j as u32))
        .collect();

    let mut problem = seat_problem(&people, openings, &position, config);
    // Each person's best pairs only, with a ceiling on the others: the optimiser's certificate
    // covers those through the ceiling, or names the people who need more listed.
    let prepared: Vec<PreparedPerson<'_>> = people
        .iter()
        .map(|b| PreparedPerson::new(b, today))
        .collect();
    let clock = std::time::Instant::now();
    // The people's skills compared with the openings' once, for every search of the run.
    index.remember_all(prepared.iter().flat_map(|p| &p.skills));
    let mut found: Vec<BestPairs> = search_all(&prepared, &index, config, listed);
    tracing::debug!(
        people = people.len(),
        seconds = clock.elapsed().as_secs_f64(),
        "rebalance: pairs listed"
    );
    let current: Vec<Option<usize>> = people
        .iter()
        .map(|b| {
            b.current
                .and_then(|c| position.get(&c.opening_id))
                .map(|&j| j as usize)
        })
        .collect();
    // Every pair left out of a person's list costs at least this (`i64::MAX`: none left out).
    let floor: Vec<i64> = found
        .iter()
        .zip(&current)
        .map(|(f, &c)| {
            f.left_out_max_score.map_or(i64::MAX, |s| {
                config.max_score() - s + move_penalty(c, config)
            })
        })
        .collect();
    list_held(&mut found, &prepared, &current, &index, config);
    let solved = solve_priced(
        &mut problem,
        &mut found,
        &prepared,
        &index,
        config,
        &current,
        &floor,
    )?;
    // The listed pairs' assessments, in the order of the problem's edges.
    let assessments: Vec<Assessment> = found
        .into_iter()
        .flat_map(|f| f.pairs.into_iter().map(|(_, a)| a))
        .collect();
    let exclusions = count_exclusions(&prepared, &index, config, &solved, &problem);
    let results = outcomes(
        &people,
        openings,
        &problem,
        &solved,
        &assessments,
        &exclusions,
    );
    Ok(Rebalancing {
        people: people.len(),
        openings: openings.len(),
        pairs: problem.edges(),
        objective: solved.objective,
        certified_optimal: solved.certified_optimal,
        rounds: solved.rounds,
        columns: solved.columns,
        results,
    })
}

/// The seats the LP may hand out (free seats plus those held by the proposals it re-decides)
/// and the hosts' intake caps, one group per organisation with a cap: the people it confirmed
/// this month and the proposals this run holds or makes all count.
fn seat_problem(
    people: &[&Beneficiary],
    openings: &[Opening],
    position: &HashMap<Uuid, u32>,
    config: &MatchingConfig,
) -> Problem {
    let mut capacity: Vec<u32> = openings.iter().map(Opening::free_seats).collect();
    for b in people {
        if let Some(c) = b.current
            && let Some(&j) = position.get(&c.opening_id)
        {
            capacity[j as usize] += 1;
        }
    }
    let mut group_index: HashMap<Uuid, u32> = HashMap::new();
    let mut group_cap = Vec::new();
    let group_of: Vec<Option<u32>> = openings
        .iter()
        .map(|o| {
            o.host_monthly_cap.map(|cap| {
                *group_index.entry(o.organisation_id).or_insert_with(|| {
                    group_cap.push(cap.saturating_sub(o.host_intake_this_month));
                    (group_cap.len() - 1) as u32
                })
            })
        })
        .collect();

    Problem {
        capacity,
        start: vec![0],
        group_of,
        group_cap,
        max_moves: config.max_moves,
        ..Default::default()
    }
}

/// The held proposal of each person is listed, among the best or not, when it still fits the
/// rules.
fn list_held(
    found: &mut [BestPairs],
    prepared: &[PreparedPerson<'_>],
    current: &[Option<usize>],
    index: &OpeningIndex,
    config: &MatchingConfig,
) {
    let openings = index.openings();
    for ((f, p), &current) in found.iter_mut().zip(prepared).zip(current) {
        if let Some(j) = current
            && f.pairs.binary_search_by_key(&j, |(k, _)| *k).is_err()
            && let Ok(a) = assess(p, &openings[j], index.prepared(j), config, Seats::Ignore)
        {
            f.pairs.push((j, a));
            f.pairs.sort_by_key(|(k, _)| *k);
        }
    }
}

/// The problem's pairs from the lists: their costs (a move's penalty on all but the held one)
/// and each person's cost of staying out.
fn fill_edges(
    problem: &mut Problem,
    found: &[BestPairs],
    current: &[Option<usize>],
    config: &MatchingConfig,
) {
    problem.start = vec![0];
    problem.edge_opening.clear();
    problem.edge_cost.clear();
    problem.unassigned_cost.clear();
    problem.current_edge.clear();
    for (f, &current) in found.iter().zip(current) {
        let penalty = move_penalty(current, config);
        let mut current_edge = None;
        for (j, a) in &f.pairs {
            let is_current = current == Some(*j);
            if is_current {
                current_edge = Some(problem.edge_cost.len());
            }
            problem.edge_opening.push(*j as u32);
            problem
                .edge_cost
                .push(a.cost(config) + if is_current { 0 } else { penalty });
        }
        problem.start.push(problem.edge_cost.len());
        problem
            .unassigned_cost
            .push(config.unassigned_cost + penalty);
        problem.current_edge.push(current_edge);
    }
    if problem.current_edge.iter().all(Option::is_none) {
        problem.current_edge.clear();
    }
}

/// Solves over the listed pairs, pricing the pairs left out after each LP round (those that
/// would lower the optimum join their person's list) until none would, then proves the
/// optimum; past [`MAX_PRICING_ROUNDS`] or [`PAIR_BUDGET`], the best assignment found, not
/// certified.
#[allow(clippy::too_many_arguments)]
fn solve_priced(
    problem: &mut Problem,
    found: &mut [BestPairs],
    prepared: &[PreparedPerson<'_>],
    index: &OpeningIndex,
    config: &MatchingConfig,
    current: &[Option<usize>],
    floor: &[i64],
) -> Result<assign::Assignment, AssignError> {
    let options = Options {
        candidates_per_person: config.candidates_per_person,
        ..Options::default()
    };
    let mut pricing_rounds = 0;
    // One LP for every round: HiGHS keeps its basis, and each round adds the pairs that the
    // last one's pricing found, as (person, opening).
    let mut session = assign::Session::new();
    let mut priced_in: Vec<(u32, u32)> = Vec::new();
    let mut last_priced: Option<Priced> = None;
    let mut to_the_end = false;
    Ok(loop {
        fill_edges(problem, found, current, config);
        let extra: Vec<usize> = priced_in
            .iter()
            .filter_map(|&(i, j)| {
                let range = problem.start[i as usize]..problem.start[i as usize + 1];
                let k = problem.edge_opening[range.clone()].binary_search(&j).ok()?;
                Some(range.start + k)
            })
            .collect();
        let clock = std::time::Instant::now();
        // One LP round while pricing still finds pairs; the listed pairs solved to the end once
        // it finds none under prices that were not yet proven.
        let step = if to_the_end {
            assign::Step::Solved(session.solve(problem, &options, &extra)?)
        } else {
            session.step(problem, &options, &extra)?
        };
        let (solved, certificate) = match step {
            assign::Step::Solved(solved) => {
                tracing::debug!(
                    pairs = problem.edges(),
                    rounds = solved.rounds,
                    columns = solved.columns,
                    certified = solved.certified_optimal,
                    seconds = clock.elapsed().as_secs_f64(),
                    "rebalance: solved"
                );
                // Optimal over the listed pairs: the certificate's prices now check every pair
                // left out; those that would improve the optimum join their person's list.
                let Some(certificate) = solved.certificate.clone() else {
                    break solved;
                };
                (Some(solved), certificate)
            }
            assign::Step::Priced(prices) => {
                tracing::debug!(
                    pairs = problem.edges(),
                    seconds = clock.elapsed().as_secs_f64(),
                    "rebalance: one LP round"
                );
                (None, prices)
            }
        };
        let clock = std::time::Instant::now();
        let (more, truncated) = price_left_out(
            prepared,
            index,
            config,
            found,
            current,
            floor,
            &certificate,
            last_priced.as_ref(),
        );
        last_priced = Some(Priced {
            certificate,
            truncated,
        });
        let added: usize = more.iter().map(Vec::len).sum();
        tracing::debug!(
            added,
            seconds = clock.elapsed().as_secs_f64(),
            "rebalance: pairs left out priced"
        );
        priced_in.clear();
        if added == 0 {
            match solved {
                Some(solved) => break solved,
                None => {
                    to_the_end = true;
                    continue;
                }
            }
        }
        if pricing_rounds >= MAX_PRICING_ROUNDS || problem.edges() + added > PAIR_BUDGET {
            let solved = match solved {
                Some(solved) => solved,
                None => session.solve(problem, &options, &[])?,
            };
            break assign::Assignment {
                certified_optimal: false,
                certificate: None,
                ..solved
            };
        }
        pricing_rounds += 1;
        to_the_end = false;
        for (i, (f, more)) in found.iter_mut().zip(more).enumerate() {
            if !more.is_empty() {
                priced_in.extend(
                    more.iter()
                        .take(COLUMNS_PER_PERSON)
                        .map(|(j, _)| (i as u32, *j as u32)),
                );
                f.pairs.extend(more);
                f.pairs.sort_by_key(|(j, _)| *j);
            }
        }
    })
}

/// For each person: how many openings were looked at, and how many each rule excluded.
type WhyNot = (usize, HashMap<&'static str, usize>);

/// The rules that excluded openings within reach, for the people left with no eligible pair.
fn count_exclusions(
    prepared: &[PreparedPerson<'_>],
    index: &OpeningIndex,
    config: &MatchingConfig,
    solved: &assign::Assignment,
    problem: &Problem,
) -> Vec<WhyNot> {
    let exclusions: Vec<WhyNot> = on_every_core(prepared.len(), |(): &mut (), i| {
        let p = &prepared[i];
        let mut why_not: HashMap<&'static str, usize> = HashMap::new();
        let mut looked_at = 0;
        if solved.edge_of[i].is_none() && problem.start[i] == problem.start[i + 1] {
            let mut memo = Vec::new();
            index.remembered(&p.skills, &mut memo);
            let nearest =
                index.nearest_within(p.person.home, config.reach_m(p.person), EXPLAINED_NEAREST);
            looked_at = nearest.len();
            for j in nearest {
                if let Err(rules) = index.assess_remembering(p, j, config, Seats::Ignore, &mut memo)
                {
                    for rule in rules {
                        *why_not.entry(rule.code()).or_default() += 1;
                    }
                }
            }
        }
        (looked_at, why_not)
    });
    tracing::debug!("rebalance: exclusions counted");
    exclusions
}

/// Each person's line of the report.
fn outcomes(
    people: &[&Beneficiary],
    openings: &[Opening],
    problem: &Problem,
    solved: &assign::Assignment,
    assessments: &[Assessment],
    exclusions: &[WhyNot],
) -> Vec<PersonResult> {
    // Who got each opening, for the "out-competed" explanations.
    let mut holders: Vec<Vec<usize>> = vec![Vec::new(); openings.len()];
    for (i, e) in solved.edge_of.iter().enumerate() {
        if let Some(e) = e {
            holders[problem.edge_opening[*e] as usize].push(i);
        }
    }
    people
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let current = b.current.map(|c| c.opening_id);
            let edges = problem.start[i]..problem.start[i + 1];
            let outcome = match (solved.edge_of[i], current) {
                (Some(e), None) => Outcome::New {
                    opening_id: openings[problem.edge_opening[e] as usize].id,
                    score: assessments[e].score(),
                },
                (Some(e), Some(from)) if openings[problem.edge_opening[e] as usize].id == from => {
                    Outcome::Kept {
                        opening_id: from,
                        score: assessments[e].score(),
                    }
                }
                (Some(e), Some(from)) => {
                    let old = problem.current_edge.get(i).copied().flatten();
                    Outcome::Moved {
                        from,
                        to: openings[problem.edge_opening[e] as usize].id,
                        score: assessments[e].score(),
                        why: why_moved(old.map(|o| &assessments[o]), &assessments[e]),
                    }
                }
                (None, Some(from)) => Outcome::Withdrawn {
                    from,
                    why: if problem.current_edge.get(i).copied().flatten().is_none() {
                        WithdrawReason::NoLongerFits
                    } else {
                        WithdrawReason::SeatNeeded
                    },
                },
                (None, None) => Outcome::Unassigned {
                    reason: unassigned_reason(
                        edges,
                        problem,
                        assessments,
                        &holders,
                        openings,
                        &exclusions[i],
                    ),
                },
            };
            PersonResult {
                beneficiary_id: b.id,
                outcome,
            }
        })
        .collect()
}

/// The criteria where the new opening beats the old one.
fn why_moved(old: Option<&Assessment>, new: &Assessment) -> MoveReason {
    let Some(old) = old else {
        return MoveReason::CurrentNoLongerFits;
    };
    let gains: Vec<(Criterion, i64)> = Criterion::ALL
        .iter()
        .zip(new.points.iter().zip(old.points))
        .filter(|(_, (n, o))| **n != *o)
        .map(|(c, (n, o))| (*c, n - o))
        .collect();
    if gains.is_empty() {
        MoveReason::SeatNeeded
    } else {
        MoveReason::Gains(gains)
    }
}

/// Names the rule or the rival that kept a person out.
fn unassigned_reason(
    edges: std::ops::Range<usize>,
    problem: &Problem,
    assessments: &[Assessment],
    holders: &[Vec<usize>],
    openings: &[Opening],
    (looked_at, exclusions): &(usize, HashMap<&'static str, usize>),
) -> Unassigned {
    // The person's best eligible opening, by score then id.
    let best = edges.clone().max_by(|&a, &b| {
        assessments[a]
            .score()
            .cmp(&assessments[b].score())
            .then(problem.edge_opening[b].cmp(&problem.edge_opening[a]))
    });
    let Some(best) = best else {
        let mut rules: Vec<(&'static str, usize)> =
            exclusions.iter().map(|(code, n)| (*code, *n)).collect();
        rules.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        rules.truncate(3);
        return Unassigned::NoEligibleOpening {
            rules,
            looked_at: *looked_at,
        };
    };
    let j = problem.edge_opening[best] as usize;
    let mine = &assessments[best];
    // The weakest winner on that opening: the one the person came closest to.
    let rival = holders[j]
        .iter()
        .filter_map(|&k| {
            let ek = (problem.start[k]..problem.start[k + 1])
                .find(|&e| problem.edge_opening[e] as usize == j)?;
            Some(&assessments[ek])
        })
        .min_by_key(|a| a.score());
    match rival {
        Some(rival) => {
            let (criterion, diff) = Criterion::ALL
                .iter()
                .zip(rival.points.iter().zip(mine.points))
                .map(|(c, (r, m))| (*c, r - m))
                .max_by_key(|(c, d)| (*d, std::cmp::Reverse(*c as u8)))
                .expect("five criteria");
            Unassigned::OutCompeted {
                opening_id: openings[j].id,
                decided_by: criterion,
                margin: diff,
            }
        }
        None => Unassigned::NoSeatLeft {
            opening_id: openings[j].id,
        },
    }
}
