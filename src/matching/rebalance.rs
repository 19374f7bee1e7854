//! A territory's global assignment with its stability rules, as the nightly run needs it:
//! people at work never move; keeping a current proposal costs nothing extra while moving or
//! withdrawing it costs [`MatchingConfig::move_penalty`]; an optional cap on moves. The result
//! says, person by person, what would change and why, and why anyone is left without a seat.

use std::collections::HashMap;

use serde::Serialize;
use uuid::Uuid;

use super::assign::{self, AssignError, Options, Problem};
use super::evaluate::{Assessment, Criterion, Exclusion, PreparedPerson, Seats, assess};
use super::model::{Beneficiary, CurrentState, MatchingConfig, Opening};
use super::suggest::{BestPairs, OpeningIndex, best_pairs};

/// What the run proposes for one person.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
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
        why: String,
    },
    /// The current proposal is withdrawn and nothing replaces it.
    Withdrawn { from: Uuid, why: String },
    /// No proposal, with the reason.
    Unassigned { reason: Unassigned },
}

/// Why a person is left without a proposal.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Unassigned {
    /// No opening within reach passes the hard rules; the most frequent rules are named.
    NoEligibleOpening { explanation: String },
    /// Every eligible seat went to someone with a better fit.
    OutCompeted {
        opening_id: Uuid,
        decided_by: Criterion,
        explanation: String,
    },
}

/// One person's line of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonResult {
    pub beneficiary_id: Uuid,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// The whole result.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
/// nearest-first search then stops early); the certificate asks for more where it is not.
const LISTED_PAIRS: usize = 16;

/// How much a person's list grows when the certificate asks for more of their pairs.
const LISTED_GROWTH: usize = 4;

/// Most rounds of listing more pairs; each grows the wanting people's lists fourfold, so four
/// rounds reach 4,096 pairs per person (every opening within reach, in practice).
const MAX_EXTENSIONS: usize = 4;

/// Most pairs listed in all: memory stays bounded (about 100 bytes a pair with its
/// assessment). Past it the run answers with the best assignment found, marked not certified.
const PAIR_BUDGET: usize = 6_000_000;

/// Best pairs of the people `only` (all when `None`), on every core.
fn search_all(
    prepared: &[PreparedPerson<'_>],
    index: &OpeningIndex,
    config: &MatchingConfig,
    listed: &[usize],
    only: Option<&[u32]>,
) -> Vec<BestPairs> {
    let who: Vec<usize> = match only {
        Some(list) => list.iter().map(|&i| i as usize).collect(),
        None => (0..prepared.len()).collect(),
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 16);
    let chunk = who.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = who
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut memo = Vec::new();
                    part.iter()
                        .map(|&i| {
                            let p = &prepared[i];
                            best_pairs(
                                p,
                                index,
                                config,
                                Seats::Ignore,
                                listed[i],
                                config.reach_m(p.person),
                                &mut memo,
                            )
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a search thread panicked"))
            .collect()
    })
}

/// Computes the global assignment of `people` to `openings` on `today`.
pub fn rebalance(
    people: &[Beneficiary],
    openings: Vec<Opening>,
    config: &MatchingConfig,
    today: time::Date,
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

    // Seats the LP may hand out: free seats plus those held by the proposals it re-decides.
    let mut capacity: Vec<u32> = openings.iter().map(Opening::free_seats).collect();
    for b in &people {
        if let Some(c) = b.current
            && let Some(&j) = position.get(&c.opening_id)
        {
            capacity[j as usize] += 1;
        }
    }
    // Host intake caps, one group per organisation with a cap: the people it confirmed this
    // month and the proposals this run holds or makes all count.
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

    let mut problem = Problem {
        capacity,
        start: vec![0],
        group_of,
        group_cap,
        max_moves: config.max_moves,
        ..Default::default()
    };
    // Each person's best pairs only, with a ceiling on the others: the optimiser's certificate
    // covers those through the ceiling, or names the people who need more listed.
    let prepared: Vec<PreparedPerson<'_>> = people
        .iter()
        .map(|b| PreparedPerson::new(b, today))
        .collect();
    let mut listed = vec![LISTED_PAIRS; people.len()];
    let mut found: Vec<BestPairs> = search_all(&prepared, &index, config, &listed, None);
    let mut assessments: Vec<Assessment>;
    let mut extensions = 0;
    let solved = loop {
        problem.start = vec![0];
        problem.edge_opening.clear();
        problem.edge_cost.clear();
        problem.unassigned_cost.clear();
        problem.current_edge.clear();
        problem.absent_floor.clear();
        assessments = Vec::new();
        for (b, (p, f)) in people.iter().zip(prepared.iter().zip(&found)) {
            let current = b.current.and_then(|c| position.get(&c.opening_id).copied());
            let penalty = if current.is_some() {
                config.move_penalty
            } else {
                0
            };
            let mut current_edge = None;
            let mut pairs: Vec<(usize, Assessment)> = f.pairs.clone();
            // The held proposal is always a column, listed among the best or not.
            if let Some(j) = current
                && !pairs.iter().any(|(k, _)| *k == j as usize)
                && let Ok(a) = assess(
                    p,
                    &openings[j as usize],
                    index.prepared(j as usize),
                    config,
                    Seats::Ignore,
                )
            {
                pairs.push((j as usize, a));
                pairs.sort_by_key(|(k, _)| *k);
            }
            for (j, a) in pairs {
                let is_current = current == Some(j as u32);
                if is_current {
                    current_edge = Some(problem.edge_cost.len());
                }
                problem.edge_opening.push(j as u32);
                problem
                    .edge_cost
                    .push(a.cost(config) + if is_current { 0 } else { penalty });
                assessments.push(a);
            }
            problem.start.push(problem.edge_cost.len());
            problem
                .unassigned_cost
                .push(config.unassigned_cost + penalty);
            problem.current_edge.push(current_edge);
            problem.absent_floor.push(
                f.left_out_max_score
                    .map_or(i64::MAX, |s| config.max_score() - s + penalty),
            );
        }
        if problem.current_edge.iter().all(Option::is_none) {
            problem.current_edge.clear();
        }
        if problem.absent_floor.iter().all(|&f| f == i64::MAX) {
            problem.absent_floor.clear();
        }
        let options = Options {
            candidates_per_person: config.candidates_per_person,
            ..Options::default()
        };
        let solved = assign::solve(&problem, &options)?;
        let grown: usize = problem.edges()
            + solved
                .wanting
                .iter()
                .map(|&i| listed[i as usize] * (LISTED_GROWTH - 1))
                .sum::<usize>();
        if solved.wanting.is_empty() || extensions >= MAX_EXTENSIONS || grown > PAIR_BUDGET {
            break solved;
        }
        extensions += 1;
        for &i in &solved.wanting {
            listed[i as usize] = listed[i as usize].saturating_mul(LISTED_GROWTH);
        }
        let more = search_all(&prepared, &index, config, &listed, Some(&solved.wanting));
        for (&i, f) in solved.wanting.iter().zip(more) {
            found[i as usize] = f;
        }
    };
    // Rules that excluded openings within reach, for the people left with no eligible pair.
    let exclusions: Vec<HashMap<&'static str, (usize, String)>> = prepared
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut why_not: HashMap<&'static str, (usize, String)> = HashMap::new();
            if solved.edge_of[i].is_none() && problem.start[i] == problem.start[i + 1] {
                for j in index.within(p.person.home, config.reach_m(p.person)) {
                    if let Err(rules) =
                        assess(p, &openings[j], index.prepared(j), config, Seats::Ignore)
                    {
                        for rule in rules {
                            why_not
                                .entry(rule.code())
                                .or_insert_with(|| (0, rule.explanation()))
                                .0 += 1;
                        }
                    }
                }
            }
            why_not
        })
        .collect();

    // Who got each opening, for the "out-competed" explanations.
    let mut holders: Vec<Vec<usize>> = vec![Vec::new(); openings.len()];
    for (i, e) in solved.edge_of.iter().enumerate() {
        if let Some(e) = e {
            holders[problem.edge_opening[*e] as usize].push(i);
        }
    }
    let results = people
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
                        "the opening no longer fits the rules (closed, paused, or the file changed)"
                            .to_owned()
                    } else {
                        "its seat went to people with a better fit, and no other opening fits better than leaving it"
                            .to_owned()
                    },
                },
                (None, None) => Outcome::Unassigned {
                    reason: unassigned_reason(
                        edges,
                        &problem,
                        &assessments,
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
        .collect();
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

/// The criteria where the new opening beats the old one.
fn why_moved(old: Option<&Assessment>, new: &Assessment) -> String {
    let Some(old) = old else {
        return "the current opening no longer fits the rules".to_owned();
    };
    let gains: Vec<String> = Criterion::ALL
        .iter()
        .zip(new.points.iter().zip(old.points))
        .filter(|(_, (n, o))| **n != *o)
        .map(|(c, (n, o))| format!("{} {:+}", c.as_str(), n - o))
        .collect();
    if gains.is_empty() {
        "same score; its seat is needed by someone who fits it better".to_owned()
    } else {
        format!(
            "points per criterion, new minus current: {}",
            gains.join(", ")
        )
    }
}

/// Names the rule or the rival that kept a person out.
fn unassigned_reason(
    edges: std::ops::Range<usize>,
    problem: &Problem,
    assessments: &[Assessment],
    holders: &[Vec<usize>],
    openings: &[Opening],
    exclusions: &HashMap<&'static str, (usize, String)>,
) -> Unassigned {
    // The person's best eligible opening, by score then id.
    let best = edges.clone().max_by(|&a, &b| {
        assessments[a]
            .score()
            .cmp(&assessments[b].score())
            .then(problem.edge_opening[b].cmp(&problem.edge_opening[a]))
    });
    let Some(best) = best else {
        let mut rules: Vec<(&&str, &(usize, String))> = exclusions.iter().collect();
        rules.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
        let explanation = if rules.is_empty() {
            "No opening is within reach of the person's trip limit.".to_owned()
        } else {
            let named: Vec<String> = rules
                .iter()
                .take(3)
                .map(|(code, (n, _))| format!("{code} ({n} openings)"))
                .collect();
            format!(
                "No opening within reach passes the hard rules; most often: {}.",
                named.join(", ")
            )
        };
        return Unassigned::NoEligibleOpening { explanation };
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
                explanation: format!(
                    "Its best opening went to someone with a better fit: {} decided ({diff:+} points for them).",
                    criterion.as_str()
                ),
            }
        }
        None => Unassigned::OutCompeted {
            opening_id: openings[j].id,
            decided_by: Criterion::Skills,
            explanation: "Its eligible openings have no seat left for a new person (seats or the host's monthly cap)."
                .to_owned(),
        },
    }
}

/// Every rule that excluded an opening, for callers that show one person.
pub fn reasons(rules: &[Exclusion]) -> Vec<String> {
    rules.iter().map(Exclusion::explanation).collect()
}
