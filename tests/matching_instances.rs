//! The global assignment on instance files: every hand-made edge case and small generated
//! territory in `fixtures/matching/instances/` reaches the optimum the reference solver found
//! (`expected.tsv`, from `shared/tools/peer_solve.py`); medium random instances reach the optimum
//! of a textbook min-cost flow; `placematch solve` reports it and writes the chosen pairs.

use std::path::{Path, PathBuf};

use placematch::matching::assign::{Options, Problem, objective_of, solve};
use placematch::matching::instance::parse;
use proptest::prelude::*;

#[path = "support/problem.rs"]
mod problem;
use problem::problem;
#[path = "support/run.rs"]
mod run;
use run::assert_success;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/matching/instances")
}

/// (file, objective, assigned) per line of `expected.tsv`.
fn expected() -> Vec<(String, i64, usize)> {
    let text = std::fs::read_to_string(fixtures().join("expected.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (
                f[0].to_owned(),
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
            )
        })
        .collect()
}

/// Seats respected, one opening per person, the objective recomputed from the pairs.
fn check_feasible(p: &Problem, edge_of: &[Option<usize>], objective: i64) {
    let mut used = vec![0u32; p.openings()];
    for (i, e) in edge_of.iter().enumerate() {
        if let Some(e) = *e {
            assert!(
                (p.start[i]..p.start[i + 1]).contains(&e),
                "person {i} got a pair that is not theirs"
            );
            used[p.edge_opening[e] as usize] += 1;
        }
    }
    for (j, &u) in used.iter().enumerate() {
        assert!(u <= p.capacity[j], "opening {j} holds {u} people");
    }
    assert_eq!(objective, objective_of(p, edge_of));
}

#[test]
fn every_fixture_instance_reaches_the_reference_optimum_and_is_certified() {
    let cases = expected();
    assert!(cases.len() >= 10, "the fixtures are there");
    for (file, objective, assigned) in cases {
        let p = parse(&std::fs::read(fixtures().join(&file)).unwrap()).unwrap();
        // Few candidates force pricing rounds; the default should not need them.
        for k in [1, 2, Options::default().candidates_per_person] {
            let options = Options {
                candidates_per_person: k,
                ..Options::default()
            };
            let a = solve(&p, &options).unwrap();
            assert_eq!(a.objective, objective, "{file} with {k} candidates");
            assert_eq!(a.assigned(), assigned, "{file} with {k} candidates");
            assert!(a.certified_optimal, "{file} with {k} candidates");
            check_feasible(&p, &a.edge_of, a.objective);
        }
    }
}

/// The optimum by successive shortest paths (Bellman-Ford) on the flow network source →
/// person → (opening → sink | sink directly at the unassigned cost): slow, obviously right.
fn min_cost_flow(p: &Problem) -> i64 {
    let n = p.people();
    let m = p.openings();
    let (source, sink) = (n + m, n + m + 1);
    // Arcs as (to, capacity, cost), with the reverse arc at index ^ 1.
    let mut arcs: Vec<(usize, i64, i64)> = Vec::new();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n + m + 2];
    let mut add = |from: usize, to: usize, cap: i64, cost: i64| {
        out[from].push(arcs.len());
        arcs.push((to, cap, cost));
        out[to].push(arcs.len());
        arcs.push((from, 0, -cost));
    };
    for i in 0..n {
        add(source, i, 1, 0);
        add(i, sink, 1, p.unassigned_cost[i]);
        for e in p.start[i]..p.start[i + 1] {
            add(i, n + p.edge_opening[e] as usize, 1, p.edge_cost[e]);
        }
    }
    for j in 0..m {
        add(n + j, sink, i64::from(p.capacity[j]), 0);
    }
    let mut total = 0;
    for _ in 0..n {
        let mut dist = vec![i64::MAX; n + m + 2];
        let mut via = vec![usize::MAX; n + m + 2];
        dist[source] = 0;
        for _ in 0..n + m + 2 {
            let mut changed = false;
            for u in 0..n + m + 2 {
                if dist[u] == i64::MAX {
                    continue;
                }
                for &a in &out[u] {
                    let (v, cap, cost) = arcs[a];
                    if cap > 0 && dist[u] + cost < dist[v] {
                        dist[v] = dist[u] + cost;
                        via[v] = a;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        total += dist[sink];
        let mut v = sink;
        while v != source {
            let a = via[v];
            arcs[a].1 -= 1;
            arcs[a ^ 1].1 += 1;
            v = arcs[a ^ 1].0;
        }
    }
    total
}

fn medium_problem() -> impl Strategy<Value = Problem> {
    (5usize..=40, 1usize..=10).prop_flat_map(|(n, m)| {
        (
            prop::collection::vec(100i64..400, n),
            prop::collection::vec(0u32..=3, m),
            prop::collection::vec((0..n, 0..m as u32, 0i64..400), 0..=n * m / 2),
        )
            .prop_map(|(u, c, edges)| problem(u, c, edges))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn medium_instances_reach_the_min_cost_flow_optimum_whatever_the_first_columns(
        p in medium_problem(),
        k in 1usize..4,
    ) {
        let a = solve(&p, &Options { candidates_per_person: k, ..Options::default() }).unwrap();
        prop_assert!(a.certified_optimal);
        prop_assert_eq!(a.objective, min_cost_flow(&p));
        check_feasible(&p, &a.edge_of, a.objective);
    }
}

fn placematch(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_placematch"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_solve_command_prints_the_optimum_and_writes_pairs_that_add_up_to_it() {
    let file = fixtures().join("generated_300x40_seed11.txt");
    let dir = tempfile::tempdir().unwrap();
    let pairs_file = dir.path().join("pairs.txt");
    let out = placematch(&[
        "solve",
        "--instance",
        file.to_str().unwrap(),
        "--assignment",
        pairs_file.to_str().unwrap(),
    ]);
    assert_success(&out);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "one JSON line");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["objective"], 468359);
    assert_eq!(report["assigned"], 106);
    assert_eq!(report["certified_optimal"], true);
    assert!(report["seconds"].as_f64().unwrap() >= 0.0);

    // The pairs file has the reference's shape: `person opening` per line, and its pairs give
    // back the objective.
    let p = parse(&std::fs::read(&file).unwrap()).unwrap();
    let mut edge_of = vec![None; p.people()];
    for line in std::fs::read_to_string(&pairs_file).unwrap().lines() {
        let f: Vec<usize> = line.split(' ').map(|x| x.parse().unwrap()).collect();
        assert_eq!(f.len(), 2, "{line}");
        let e = (p.start[f[0]]..p.start[f[0] + 1])
            .find(|&e| p.edge_opening[e] as usize == f[1])
            .expect("an existing pair");
        assert!(edge_of[f[0]].is_none(), "person {} placed twice", f[0]);
        edge_of[f[0]] = Some(e);
    }
    check_feasible(&p, &edge_of, 468359);
}

#[test]
fn a_bad_instance_file_fails_with_its_line_number() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, "2 1 2\n10 10\n1\n0 0 5\n1 x 5\n").unwrap();
    let out = placematch(&["solve", "--instance", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 5"), "{stderr}");
    assert!(stderr.contains("opening of edge 1"), "{stderr}");
}

#[test]
fn the_solve_command_reads_host_groups_current_pairs_and_a_move_limit() {
    // The case of a tie with staying out under one move: person 0 holds opening 1, person 2
    // holds opening 2 at its cost of staying out; the optimum withdraws person 2 so that person
    // 1 takes opening 2 (192). Without the sections the same pairs give 0 + 116 + 50: person 0
    // takes opening 2 at 0 and the others stay out, two moves that the limit forbids.
    let dir = tempfile::tempdir().unwrap();
    let pairs = "3 4 5\n101 116 50\n0 1 1 0\n0 1 27\n0 2 0\n1 0 0\n1 2 115\n2 2 50\n";
    let with_sections = dir.path().join("moves.txt");
    std::fs::write(
        &with_sections,
        format!("{pairs}groups 2\n0 1 0 1\n1 1\ncurrent 2\n0 1\n2 2\nmoves 1\n"),
    )
    .unwrap();
    let out = placematch(&["solve", "--instance", with_sections.to_str().unwrap()]);
    assert_success(&out);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["objective"], 192);
    assert_eq!(report["certified_optimal"], true);
    assert_eq!(report["moves"], 1);
    assert!(report["bound"].as_f64().unwrap() > 191.0);

    let plain = dir.path().join("plain.txt");
    std::fs::write(&plain, pairs).unwrap();
    let out = placematch(&["solve", "--instance", plain.to_str().unwrap()]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["objective"], 116 + 50);
    assert_eq!(report["moves"], 0);

    let wrong = dir.path().join("wrong.txt");
    std::fs::write(&wrong, format!("{pairs}current 1\n1 3\n")).unwrap();
    let out = placematch(&["solve", "--instance", wrong.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 10"), "{stderr}");
    assert!(
        stderr.contains("person 1 has no edge to opening 3"),
        "{stderr}"
    );
}
