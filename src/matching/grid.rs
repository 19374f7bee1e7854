//! Openings bucketed by square cells of the suggestion index's plane, so that a search can
//! walk them nearest first ring by ring, sorting a few at a time instead of keeping a heap of
//! every point and tree node it has seen. Geometry only: what a cell holds is a run of slots of
//! the index's packed arrays.

use std::ops::{ControlFlow, Range};

/// Openings per cell on average: a few, so that a ring costs little more than its openings.
const PER_CELL: f64 = 3.0;

/// Plane distances are rounded where a point is put in a cell; this much (1 mm) more than any
/// rounding is taken off a ring's distance bound.
///
/// # Units
/// Kilometres.
const ROUNDING_KM: f64 = 1e-6;

/// Square cells over the bounding box of the points, row by row.
#[derive(Debug)]
pub(crate) struct Grid {
    origin: [f64; 2],
    /// # Units
    /// Kilometres.
    cell_km: f64,
    columns: usize,
    rows: usize,
    /// Start of each cell's run of slots, row-major, and the end of the last.
    starts: Vec<u32>,
}

/// A search over [`Grid::walk`]: a stop test per ring and a step per slot.
pub(crate) trait RingWalker {
    /// Why a step ended the walk early.
    type Stop;

    /// Before the next ring: every point in it and in the rings after it is at least `near`
    /// plane kilometres from the centre (`near` may be a hair below zero). `false` ends the
    /// walk.
    fn next_ring(&mut self, near: f64) -> bool;

    /// A run of slots of the ring being walked (the ring's cells in one row): the step for
    /// each slot, in a loop of the walker's own so that what it reads stays in registers.
    fn step(&mut self, slots: Range<usize>) -> ControlFlow<Self::Stop>;
}

/// A cell of the grid's unbounded lattice: it may lie outside the grid.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cell {
    column: i64,
    row: i64,
}

impl Grid {
    /// The grid over `points` (plane kilometres) and their order by cell: slot `s` holds
    /// `points[order[s]]`.
    pub fn new(points: &[[f64; 2]]) -> (Self, Vec<usize>) {
        let n = points.len().max(1);
        let (lo, hi) = points.iter().fold(
            ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]),
            |(lo, hi), p| {
                (
                    [lo[0].min(p[0]), lo[1].min(p[1])],
                    [hi[0].max(p[0]), hi[1].max(p[1])],
                )
            },
        );
        let origin = if points.is_empty() { [0.0; 2] } else { lo };
        let (width, height) = if points.is_empty() {
            (0.0, 0.0)
        } else {
            (hi[0] - lo[0], hi[1] - lo[1])
        };
        // A metre at least each way, so that points in a line or at one place still make a
        // grid.
        let mut cell_km = (width.max(1e-3) * height.max(1e-3) * PER_CELL / n as f64)
            .sqrt()
            .max(1e-3);
        let (columns, rows) = loop {
            let columns = (width / cell_km) as usize + 1;
            let rows = (height / cell_km) as usize + 1;
            // A long thin spread gives many empty cells: grow them until they are few.
            if columns.saturating_mul(rows) <= 4 * n + 16 {
                break (columns, rows);
            }
            cell_km *= 1.5;
        };
        let mut grid = Self {
            origin,
            cell_km,
            columns,
            rows,
            starts: vec![0; columns * rows + 1],
        };
        let cells: Vec<usize> = points
            .iter()
            .map(|&p| {
                let c = grid.cell_of(p);
                let column = c.column.clamp(0, columns as i64 - 1) as usize;
                let row = c.row.clamp(0, rows as i64 - 1) as usize;
                row * columns + column
            })
            .collect();
        for &c in &cells {
            grid.starts[c + 1] += 1;
        }
        for k in 1..grid.starts.len() {
            grid.starts[k] += grid.starts[k - 1];
        }
        let mut next = grid.starts.clone();
        let mut order = vec![0; points.len()];
        for (i, &c) in cells.iter().enumerate() {
            order[next[c] as usize] = i;
            next[c] += 1;
        }
        (grid, order)
    }

    /// The lattice cell that holds plane point `p`.
    pub fn cell_of(&self, p: [f64; 2]) -> Cell {
        // `as` saturates: a point thousands of kilometres away is still far.
        Cell {
            column: ((p[0] - self.origin[0]) / self.cell_km).floor() as i64,
            row: ((p[1] - self.origin[1]) / self.cell_km).floor() as i64,
        }
    }

    /// The first ring around `c` that holds a cell of the grid, and the last.
    pub fn rings(&self, c: Cell) -> (i64, i64) {
        let (last_column, last_row) = (self.columns as i64 - 1, self.rows as i64 - 1);
        let first = 0
            .max(-c.column)
            .max(c.column - last_column)
            .max(-c.row)
            .max(c.row - last_row);
        let last = c
            .column
            .max(last_column - c.column)
            .max(c.row)
            .max(last_row - c.row);
        (first, last)
    }

    /// Calls `f` with the slots of the grid's cells in ring `r` around `c` (the cells at
    /// `r` steps each way, `r` = 0 being `c` itself), a run of slots per row, until `f` breaks.
    pub fn ring<B>(
        &self,
        c: Cell,
        r: i64,
        mut f: impl FnMut(Range<usize>) -> ControlFlow<B>,
    ) -> ControlFlow<B> {
        let (columns, rows) = (self.columns as i64, self.rows as i64);
        let mut run = |row: i64, from: i64, to: i64| {
            let (from, to) = (from.max(0), to.min(columns - 1));
            if (0..rows).contains(&row) && from <= to {
                let at = (row * columns) as usize;
                let start = self.starts[at + from as usize] as usize;
                let end = self.starts[at + to as usize + 1] as usize;
                if start < end {
                    return f(start..end);
                }
            }
            ControlFlow::Continue(())
        };
        if r == 0 {
            return run(c.row, c.column, c.column);
        }
        run(c.row - r, c.column - r, c.column + r)?;
        for row in (c.row - r + 1).max(0)..=(c.row + r - 1).min(rows - 1) {
            run(row, c.column - r, c.column - r)?;
            run(row, c.column + r, c.column + r)?;
        }
        run(c.row + r, c.column - r, c.column + r)
    }

    /// The one walk of every nearest-first search (suggestions, the nightly lists, the
    /// pricing): ring by ring around plane point `centre`, the centre's own cell first. Before
    /// each ring, `walker` is told how near to `centre` the ring's points and all later ones
    /// can be (its stop test); then it takes the ring's slots, a run at a time (its step), and
    /// a `Break` ends the walk at once.
    pub fn walk<W: RingWalker>(&self, centre: [f64; 2], walker: &mut W) -> ControlFlow<W::Stop> {
        let cell = self.cell_of(centre);
        let (first, last) = self.rings(cell);
        for r in first..=last {
            let near = if r == 0 {
                0.0
            } else {
                self.beyond(centre, cell, r - 1)
            };
            if !walker.next_ring(near) {
                break;
            }
            self.ring(cell, r, |slots| walker.step(slots))?;
        }
        ControlFlow::Continue(())
    }

    /// A plane distance from `p` (in cell `c`) that every point in ring `r + 1` or beyond is
    /// at least.
    pub fn beyond(&self, p: [f64; 2], c: Cell, r: i64) -> f64 {
        let west = self.origin[0] + c.column as f64 * self.cell_km;
        let south = self.origin[1] + c.row as f64 * self.cell_km;
        let edge = (p[0] - west)
            .min(west + self.cell_km - p[0])
            .min(p[1] - south)
            .min(south + self.cell_km - p[1])
            .max(0.0);
        r as f64 * self.cell_km + edge - ROUNDING_KM
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn rings_hold_every_slot_once_and_nothing_in_a_later_ring_is_nearer(
            points in prop::collection::vec((-30.0f64..30.0, -30.0f64..30.0), 0..200),
            centre in (-80.0f64..80.0, -80.0f64..80.0),
        ) {
            let points: Vec<[f64; 2]> = points.into_iter().map(|(x, y)| [x, y]).collect();
            let (grid, order) = Grid::new(&points);
            let p = [centre.0, centre.1];
            let c = grid.cell_of(p);
            let (first, last) = grid.rings(c);
            let mut seen = vec![false; points.len()];
            for r in 0..=last {
                let mut ring = Vec::new();
                let _: ControlFlow<()> = grid.ring(c, r, |slots| {
                    ring.extend(slots);
                    ControlFlow::Continue(())
                });
                prop_assert!(r >= first || ring.is_empty());
                for &s in &ring {
                    prop_assert!(!seen[s]);
                    seen[s] = true;
                    if r > 0 {
                        let q = points[order[s]];
                        let d = (q[0] - p[0]).hypot(q[1] - p[1]);
                        prop_assert!(d >= grid.beyond(p, c, r - 1));
                    }
                }
            }
            prop_assert!(seen.iter().all(|&s| s));
        }
    }
}
