//! The start: approximate seat prices from an auction, which choose the first columns.

use super::*;

/// Bid increments of the auction's phases, in cost units, coarse to fine. A coarse phase ends a
/// price war in a few bids; the last phase at one unit leaves prices within a few units of
/// optimal duals on integer costs, which is all the column choice needs.
pub(super) const AUCTION_PHASES: [i64; 3] = [64, 8, 1];

/// A phase starts from the last phase's prices lowered by this many of its ε: a coarse phase
/// overshoots by a few ε, and a price from below is corrected by bidding while one from above
/// keeps people away from a seat. Measured on the reference instances: 2 left seats empty,
/// 4 to 8 did not.
pub(super) const AUCTION_LOWERING: i64 = 8;

/// Extra last phases when a seat ended empty at a positive price.
pub(super) const AUCTION_REPAIRS: usize = 3;

/// How far below a person's best net value (at auction prices) a pair still gets a column.
/// Ten units cover the auction's error; the exact certificate catches the rest.
pub(super) const COLUMN_MARGIN: i64 = 10;

/// Most edge scans per phase, in multiples of the edges: prices are only a hint, so a
/// pathological instance stops bidding rather than running long.
pub(super) const AUCTION_SCANS_PER_EDGE: usize = 200;

/// Approximate seat prices from an auction, and how far from the best a pair may be and still
/// be worth a column.
pub(super) struct Prices {
    pub(super) price: Vec<i64>,
    pub(super) margin: i64,
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
pub(super) fn auction_prices(p: &Problem) -> Prices {
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
