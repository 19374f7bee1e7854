//! The assignment problem both the solver ([`super::assign`]) and the independent check
//! ([`super::certify`]) read.

/// A capacitated assignment problem, edges grouped by person (compressed rows).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Problem {
    /// Cost of leaving each person unassigned.
    pub unassigned_cost: Vec<i64>,
    /// Seats of each opening.
    pub capacity: Vec<u32>,
    /// Edges of person `i` are `start[i]..start[i + 1]`; `start.len() == people + 1`.
    pub start: Vec<usize>,
    /// Opening of each edge.
    pub edge_opening: Vec<u32>,
    /// Cost of each edge.
    pub edge_cost: Vec<i64>,
    /// Host group of each opening (for intake caps); empty for none.
    pub group_of: Vec<Option<u32>>,
    /// Cap of each group: most people assigned to its openings (held proposals included).
    pub group_cap: Vec<u32>,
    /// Each person's current edge (a proposal they hold), for the move limit; empty for none.
    pub current_edge: Vec<Option<usize>>,
    /// Most people whose current edge may be left.
    pub max_moves: Option<u32>,
}

impl Problem {
    pub fn people(&self) -> usize {
        self.unassigned_cost.len()
    }

    pub fn openings(&self) -> usize {
        self.capacity.len()
    }

    pub fn edges(&self) -> usize {
        self.edge_opening.len()
    }

    pub(crate) fn person_of_edges(&self) -> Vec<u32> {
        let mut owner = vec![0u32; self.edges()];
        for i in 0..self.people() {
            owner[self.start[i]..self.start[i + 1]].fill(i as u32);
        }
        owner
    }

    pub(crate) fn is_current(&self, e: usize, i: usize) -> bool {
        self.current_edge.get(i).copied().flatten() == Some(e)
    }
}

/// Exact objective of an assignment given as one edge (or none) per person.
pub fn objective_of(p: &Problem, edge_of: &[Option<usize>]) -> i64 {
    edge_of
        .iter()
        .enumerate()
        .map(|(i, e)| e.map_or(p.unassigned_cost[i], |e| p.edge_cost[e]))
        .sum()
}
