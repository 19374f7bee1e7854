#!/usr/bin/env python3
"""Mid-size check of `placematch solve` on instances with host groups, current pairs and a move
limit, against an independent integer model (OR-Tools CP-SAT, another solver than our HiGHS).

Each instance is generated from a seed: people and openings over a 30 x 30 km square, pairs
within each person's reach, integer costs; openings grouped under hosts with intake caps; about
half the people holding a pair (some at exactly their cost of staying out, the tie that found
the bugs); a move limit below the number of holders. For each, the script runs
`placematch solve --instance FILE`, solves the same model with CP-SAT to optimality, and
compares the objectives exactly. It prints one line per disagreement and a summary line
`N passed, M failed`; the exit status is 1 when any instance disagrees or is not certified.

    benches/certify_check.py BINARY [--instances 40] [--people 400] [--openings 80] [--seed 1]

Needs `pip install ortools`.
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time


def generate(seed, n, m):
    rng = random.Random(seed)
    people = [(rng.uniform(0, 30), rng.uniform(0, 30), rng.uniform(3, 9)) for _ in range(n)]
    openings = [(rng.uniform(0, 30), rng.uniform(0, 30)) for _ in range(m)]
    capacity = [rng.choice([0, 1, 1, 2, 2, 3]) for _ in range(m)]
    unassigned = [1200 + rng.randrange(0, 300) for _ in range(n)]
    edges = []
    for i, (x, y, reach) in enumerate(people):
        for j, (ox, oy) in enumerate(openings):
            d = math.hypot(x - ox, y - oy)
            if d <= reach and rng.random() < 0.6:
                edges.append((i, j, int(d * 60) + rng.randrange(0, 500)))
    hosts = max(1, m // 6)
    group_of = [rng.randrange(hosts) if rng.random() < 0.8 else -1 for _ in range(m)]
    seats_of_host = [0] * hosts
    for j, g in enumerate(group_of):
        if g >= 0:
            seats_of_host[g] += capacity[j]
    group_cap = [rng.randrange(0, s + 1) for s in seats_of_host]
    # Current pairs: a greedy feasible assignment of about half the people.
    by_person = {}
    for k, (i, j, c) in enumerate(edges):
        by_person.setdefault(i, []).append(k)
    used = [0] * m
    group_used = [0] * hosts
    current = []
    for i in range(n):
        if i not in by_person or rng.random() < 0.5:
            continue
        k = rng.choice(by_person[i])
        _, j, c = edges[k]
        g = group_of[j]
        if used[j] < capacity[j] and (g < 0 or group_used[g] < group_cap[g]):
            used[j] += 1
            if g >= 0:
                group_used[g] += 1
            if rng.random() < 0.3:
                edges[k] = (i, j, unassigned[i])  # a tie with staying out
            current.append((i, j))
    moves = rng.randrange(0, max(1, len(current) // 3) + 1)
    return unassigned, capacity, edges, group_of, group_cap, current, moves


def write(path, inst):
    unassigned, capacity, edges, group_of, group_cap, current, moves = inst
    with open(path, "w") as f:
        f.write(f"{len(unassigned)} {len(capacity)} {len(edges)}\n")
        f.write(" ".join(map(str, unassigned)) + "\n")
        f.write(" ".join(map(str, capacity)) + "\n")
        for i, j, c in edges:
            f.write(f"{i} {j} {c}\n")
        f.write(f"groups {len(group_cap)}\n")
        f.write(" ".join(map(str, group_of)) + "\n")
        f.write(" ".join(map(str, group_cap)) + "\n")
        f.write(f"current {len(current)}\n")
        for i, j in current:
            f.write(f"{i} {j}\n")
        f.write(f"moves {moves}\n")


def cp_sat(inst):
    from ortools.sat.python import cp_model

    unassigned, capacity, edges, group_of, group_cap, current, moves = inst
    model = cp_model.CpModel()
    x = [model.NewBoolVar(f"x{k}") for k in range(len(edges))]
    per_person, per_opening, per_group = {}, {}, {}
    held = set(current)
    kept = []
    for k, (i, j, c) in enumerate(edges):
        per_person.setdefault(i, []).append(x[k])
        per_opening.setdefault(j, []).append(x[k])
        if group_of[j] >= 0:
            per_group.setdefault(group_of[j], []).append(x[k])
        if (i, j) in held:
            kept.append(x[k])
    for vs in per_person.values():
        model.Add(sum(vs) <= 1)
    for j, vs in per_opening.items():
        model.Add(sum(vs) <= capacity[j])
    for g, vs in per_group.items():
        model.Add(sum(vs) <= group_cap[g])
    if moves < len(current):
        model.Add(sum(kept) >= len(current) - moves)
    model.Minimize(sum((c - unassigned[i]) * x[k] for k, (i, j, c) in enumerate(edges)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 300
    status = solver.Solve(model)
    if status != cp_model.OPTIMAL:
        raise RuntimeError(f"CP-SAT did not prove an optimum (status {solver.StatusName(status)})")
    return int(round(solver.ObjectiveValue())) + sum(unassigned)


def main():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("binary")
    a.add_argument("--instances", type=int, default=40)
    a.add_argument("--people", type=int, default=400)
    a.add_argument("--openings", type=int, default=80)
    a.add_argument("--seed", type=int, default=1)
    args = a.parse_args()
    passed = failed = 0
    sizes = []
    ours_s = ref_s = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.instances):
            seed = args.seed + k
            inst = generate(seed, args.people, args.openings)
            path = os.path.join(tmp, f"i{seed}.txt")
            write(path, inst)
            started = time.perf_counter()
            out = subprocess.run([args.binary, "solve", "--instance", path], check=True,
                                 capture_output=True, text=True).stdout
            ours_s += time.perf_counter() - started
            ours = json.loads(out)
            started = time.perf_counter()
            reference = cp_sat(inst)
            ref_s += time.perf_counter() - started
            sizes.append(len(inst[2]))
            if ours["objective"] == reference and ours["certified_optimal"]:
                passed += 1
            else:
                failed += 1
                print(f"seed {seed}: placematch {ours['objective']} (certified "
                      f"{ours['certified_optimal']}, bound {ours['bound']}), CP-SAT {reference}")
            print(f"  instance {k + 1}/{args.instances}: {len(inst[2])} pairs, "
                  f"{len(inst[5])} held, moves {inst[6]}, objective {reference}", file=sys.stderr)
    print(f"instances of {args.people} people x {args.openings} openings, "
          f"{min(sizes)}-{max(sizes)} pairs; placematch {ours_s:.1f} s, CP-SAT {ref_s:.1f} s in all")
    print(f"certify_check: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
