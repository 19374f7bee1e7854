//! Benchmarks of the matching core on seeded synthetic territories (generation is outside the
//! timed part): suggestions for one person against 1,000 / 10,000 / 100,000 openings, and the
//! global assignment at several sizes: the nightly rebalancing of a synthetic territory (scoring
//! included) and the LP with pricing alone on plain instances.
//!
//! `cargo bench --bench assignment` (criterion prints medians; compare sizes within one run).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use placematch::matching::assign::{Options, solve};
use placematch::matching::rebalance::rebalance;
use placematch::matching::synthetic::{Territory, generate, instance};
use placematch::matching::{MatchingConfig, OpeningIndex, suggest};
use std::hint::black_box;
use std::time::Duration;

const TODAY: time::Date = time::macros::date!(2026 - 11 - 24);

fn suggestions(c: &mut Criterion) {
    let mut group = c.benchmark_group("suggest_top10");
    let config = MatchingConfig::default();
    for openings in [1_000usize, 10_000, 100_000] {
        // The territory grows with the openings so that density stays that of a city region.
        let mut territory = Territory::new(200, openings, 42);
        territory.side_km = 50.0 * (openings as f64 / 10_000.0).sqrt();
        let (people, list) = generate(&territory);
        let index = OpeningIndex::new(list);
        let mut k = 0;
        group.bench_with_input(BenchmarkId::from_parameter(openings), &openings, |b, _| {
            b.iter(|| {
                k = (k + 1) % people.len();
                black_box(suggest(&people[k], &index, &config, TODAY, 10, 0))
            })
        });
    }
    group.finish();
}

fn global_assignment(c: &mut Criterion) {
    let mut group = c.benchmark_group("rebalance");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    let config = MatchingConfig::default();
    for (people, openings) in [(1_000usize, 200usize), (5_000, 1_000), (20_000, 4_000)] {
        let (p, o) = generate(&Territory::new(people, openings, 7));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{people}x{openings}")),
            &(p, o),
            |b, (p, o)| b.iter(|| black_box(rebalance(p, o.clone(), &config, TODAY).unwrap())),
        );
    }
    group.finish();
}

/// The LP with pricing alone, on plain instances shaped like `gen_instance.py`'s.
fn assignment_lp(c: &mut Criterion) {
    let mut group = c.benchmark_group("solve_instance");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(15));
    for (people, openings, radius) in [
        (5_000usize, 500usize, 12.0),
        (20_000, 2_000, 12.0),
        (50_000, 5_000, 6.0),
    ] {
        let problem = instance(people, openings, radius, 4);
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{people}x{openings}_{}pairs", problem.edges())),
            &problem,
            |b, p| {
                b.iter(|| {
                    let a = solve(p, &Options::default()).unwrap();
                    assert!(a.certified_optimal);
                    black_box(a)
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, suggestions, global_assignment, assignment_lp);
criterion_main!(benches);
