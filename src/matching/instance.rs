//! The plain assignment instance format (`shared/tools/README.md`), read fast: the whole text in
//! one pass over bytes, integers parsed by hand, edges grouped by person without sorting when
//! they already come in person order.
//!
//! ```text
//! n m e
//! u_0 … u_{n-1}
//! cap_0 … cap_{m-1}
//! i j c            (e lines)
//! ```
//!
//! Optional sections may follow, each opened by its keyword, in this order: `groups G` (a line
//! of m integers, each opening's group or -1 for none, then a line of G caps), `current K` (K
//! lines `i j`: person i holds opening j, one of its edges) and `moves M` (at most M of the
//! people who hold an opening may end on another one or none). A file without them reads as
//! before.

use super::problem::Problem;

/// A problem in the file: which line, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct InstanceError {
    pub line: usize,
    pub message: String,
}

/// What an integer of the file is, for error messages. Built only when an error is reported:
/// formatting a description for each of 30 million integers cost a third of the read time.
#[derive(Debug, Clone, Copy)]
enum What {
    People,
    Openings,
    Edges,
    UnassignedCost(usize),
    Seats(usize),
    EdgePerson(usize),
    EdgeOpening(usize),
    EdgeCost(usize),
    Groups,
    GroupOf(usize),
    GroupCap(usize),
    Currents,
    CurrentPerson(usize),
    CurrentOpening(usize),
    Moves,
}

impl std::fmt::Display for What {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            What::People => write!(f, "the number of people"),
            What::Openings => write!(f, "the number of openings"),
            What::Edges => write!(f, "the number of edges"),
            What::UnassignedCost(i) => write!(f, "the unassigned cost of person {i}"),
            What::Seats(j) => write!(f, "the seats of opening {j}"),
            What::EdgePerson(k) => write!(f, "the person of edge {k}"),
            What::EdgeOpening(k) => write!(f, "the opening of edge {k}"),
            What::EdgeCost(k) => write!(f, "the cost of edge {k}"),
            What::Groups => write!(f, "the number of groups"),
            What::GroupOf(j) => write!(f, "the group of opening {j}"),
            What::GroupCap(g) => write!(f, "the cap of group {g}"),
            What::Currents => write!(f, "the number of current pairs"),
            What::CurrentPerson(k) => write!(f, "the person of current pair {k}"),
            What::CurrentOpening(k) => write!(f, "the opening of current pair {k}"),
            What::Moves => write!(f, "the move limit"),
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
}

impl Reader<'_> {
    fn error(&self, message: impl Into<String>) -> InstanceError {
        InstanceError {
            line: self.line,
            message: message.into(),
        }
    }

    /// The next integer, skipping whitespace; `what` names it in errors.
    fn int(&mut self, what: What) -> Result<i64, InstanceError> {
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => break,
            }
            self.pos += 1;
        }
        let Some(&first) = self.bytes.get(self.pos) else {
            return Err(self.error(format!("the file ends where {what} was expected")));
        };
        let negative = first == b'-';
        if negative {
            self.pos += 1;
        }
        let start = self.pos;
        let mut value: i64 = 0;
        while let Some(&b) = self.bytes.get(self.pos) {
            if !b.is_ascii_digit() {
                break;
            }
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(i64::from(b - b'0')))
                .ok_or_else(|| self.error(format!("{what} does not fit in 64 bits")))?;
            self.pos += 1;
        }
        let end_ok = self
            .bytes
            .get(self.pos)
            .is_none_or(|b| b.is_ascii_whitespace());
        if self.pos == start || !end_ok {
            let token: String = self.bytes[start.saturating_sub(usize::from(negative))..]
                .iter()
                .take_while(|b| !b.is_ascii_whitespace())
                .take(20)
                .map(|&b| b as char)
                .collect();
            return Err(self.error(format!("{what} must be an integer, found '{token}'")));
        }
        Ok(if negative { -value } else { value })
    }

    fn count(&mut self, what: What, max: i64) -> Result<usize, InstanceError> {
        let v = self.int(what)?;
        if v < 0 || v > max {
            return Err(self.error(format!("{what} must be between 0 and {max}, got {v}")));
        }
        Ok(v as usize)
    }

    /// Skips whitespace; true at the end of the text.
    fn at_end(&mut self) -> bool {
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => return false,
            }
            self.pos += 1;
        }
        true
    }

    /// The next word, if the text goes on with one (it is not consumed otherwise).
    fn keyword(&mut self, word: &str) -> bool {
        if self.at_end() {
            return false;
        }
        let rest = &self.bytes[self.pos..];
        let matches = rest.starts_with(word.as_bytes())
            && rest.get(word.len()).is_none_or(|b| b.is_ascii_whitespace());
        if matches {
            self.pos += word.len();
        }
        matches
    }
}

/// Parses an instance.
pub fn parse(text: &[u8]) -> Result<Problem, InstanceError> {
    let mut r = Reader {
        bytes: text,
        pos: 0,
        line: 1,
    };
    let n = r.count(What::People, u32::MAX as i64)?;
    let m = r.count(What::Openings, u32::MAX as i64)?;
    let e = r.count(What::Edges, i64::MAX)?;
    // A header can claim anything: reserve no more than the text could hold (two bytes per
    // number, six per edge line) so that a wrong count is a line-numbered error, not an abort.
    let mut unassigned_cost = Vec::with_capacity(n.min(text.len() / 2));
    for i in 0..n {
        unassigned_cost.push(r.int(What::UnassignedCost(i))?);
    }
    let mut capacity = Vec::with_capacity(m.min(text.len() / 2));
    for j in 0..m {
        capacity.push(r.count(What::Seats(j), u32::MAX as i64)? as u32);
    }
    let reserve = e.min(text.len() / 6);
    let mut person = Vec::with_capacity(reserve);
    let mut edge_opening = Vec::with_capacity(reserve);
    let mut edge_cost = Vec::with_capacity(reserve);
    let mut sorted = true;
    let mut last = 0u32;
    for k in 0..e {
        let i = r.count(What::EdgePerson(k), i64::MAX)?;
        if i >= n {
            return Err(r.error(format!("edge {k} names person {i}, but there are {n}")));
        }
        let j = r.count(What::EdgeOpening(k), i64::MAX)?;
        if j >= m {
            return Err(r.error(format!("edge {k} names opening {j}, but there are {m}")));
        }
        let c = r.int(What::EdgeCost(k))?;
        if c < 0 {
            return Err(r.error(format!("edge {k} has a negative cost {c}")));
        }
        let i = i as u32;
        sorted &= i >= last;
        last = i;
        person.push(i);
        edge_opening.push(j as u32);
        edge_cost.push(c);
    }
    let mut start = vec![0usize; n + 1];
    for &i in &person {
        start[i as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    if !sorted {
        // Counting sort by person, stable.
        let mut next = start.clone();
        let mut o = vec![0u32; e];
        let mut c = vec![0i64; e];
        for k in 0..e {
            let slot = &mut next[person[k] as usize];
            o[*slot] = edge_opening[k];
            c[*slot] = edge_cost[k];
            *slot += 1;
        }
        edge_opening = o;
        edge_cost = c;
    }
    let mut problem = Problem {
        unassigned_cost,
        capacity,
        start,
        edge_opening,
        edge_cost,
        ..Default::default()
    };
    sections(&mut r, &mut problem, e)?;
    Ok(problem)
}

/// The optional sections after the edges (see the module documentation), checked against the
/// rest: each current pair one of its person's edges, the people who hold an opening within its
/// seats and its group's cap.
fn sections(r: &mut Reader<'_>, p: &mut Problem, e: usize) -> Result<(), InstanceError> {
    let (n, m) = (p.people(), p.openings());
    if r.keyword("groups") {
        let groups = r.count(What::Groups, u32::MAX as i64)?;
        let mut group_of = Vec::with_capacity(m);
        for j in 0..m {
            let g = r.int(What::GroupOf(j))?;
            if g < -1 || g >= groups as i64 {
                return Err(r.error(format!(
                    "the group of opening {j} must be -1 (none) or between 0 and {}, got {g}",
                    groups as i64 - 1
                )));
            }
            group_of.push((g >= 0).then_some(g as u32));
        }
        let mut group_cap = Vec::with_capacity(groups.min(r.bytes.len() / 2));
        for g in 0..groups {
            group_cap.push(r.count(What::GroupCap(g), u32::MAX as i64)? as u32);
        }
        p.group_of = group_of;
        p.group_cap = group_cap;
    }
    if r.keyword("current") {
        let k = r.count(What::Currents, n as i64)?;
        let mut current_edge = vec![None; n];
        let mut used = vec![0u64; m];
        let mut group_used = vec![0u64; p.group_cap.len()];
        for c in 0..k {
            let i = r.count(What::CurrentPerson(c), i64::MAX)?;
            if i >= n {
                return Err(r.error(format!(
                    "current pair {c} names person {i}, but there are {n}"
                )));
            }
            let j = r.count(What::CurrentOpening(c), i64::MAX)?;
            let Some(edge) =
                (p.start[i]..p.start[i + 1]).find(|&x| p.edge_opening[x] as usize == j)
            else {
                return Err(r.error(format!(
                    "current pair {c}: person {i} has no edge to opening {j}"
                )));
            };
            if current_edge[i].is_some() {
                return Err(r.error(format!(
                    "current pair {c}: person {i} already holds an opening"
                )));
            }
            current_edge[i] = Some(edge);
            used[j] += 1;
            if used[j] > u64::from(p.capacity[j]) {
                return Err(r.error(format!(
                    "current pair {c}: opening {j} is held by more people than its {} seats",
                    p.capacity[j]
                )));
            }
            if let Some(Some(g)) = p.group_of.get(j) {
                let g = *g as usize;
                group_used[g] += 1;
                if group_used[g] > u64::from(p.group_cap[g]) {
                    return Err(r.error(format!(
                        "current pair {c}: group {g} holds more people than its cap of {}",
                        p.group_cap[g]
                    )));
                }
            }
        }
        p.current_edge = current_edge;
    }
    if r.keyword("moves") {
        p.max_moves = Some(r.count(What::Moves, u32::MAX as i64)? as u32);
    }
    if !r.at_end() {
        let token: String = r.bytes[r.pos..]
            .iter()
            .take_while(|b| !b.is_ascii_whitespace())
            .take(20)
            .map(|&b| b as char)
            .collect();
        return Err(
            if token.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
                r.error(format!("more numbers than the header's {e} edges announce"))
            } else {
                r.error(format!(
                "expected the section 'groups', 'current' or 'moves' (in that order) or the end of the file, found '{token}'"
            ))
            },
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_instance_reads_with_edges_grouped_by_person() {
        let p = parse(b"2 2 3\n10 20\n1 0\n1 0 5\n0 1 7\n0 0 3\n").unwrap();
        assert_eq!(p.unassigned_cost, vec![10, 20]);
        assert_eq!(p.capacity, vec![1, 0]);
        assert_eq!(p.start, vec![0, 2, 3]);
        assert_eq!(p.edge_opening, vec![1, 0, 0]);
        assert_eq!(p.edge_cost, vec![7, 3, 5]);
    }

    #[test]
    fn the_optional_sections_give_groups_current_pairs_and_a_move_limit() {
        let text = b"3 2 4\n10 20 30\n1 2\n0 0 5\n1 1 7\n2 1 1\n2 0 3\n\
            groups 1\n0 -1\n1\ncurrent 2\n0 0\n2 1\nmoves 1\n";
        let p = parse(text).unwrap();
        assert_eq!(p.group_of, vec![Some(0), None]);
        assert_eq!(p.group_cap, vec![1]);
        // Person 2's edges are (1, 1) then (0, 3) in file order: it holds opening 1, edge 2.
        assert_eq!(p.current_edge, vec![Some(0), None, Some(2)]);
        assert_eq!(p.max_moves, Some(1));
        // Sections may be left out, but not reordered.
        let moves_only = parse(b"1 1 1\n5\n1\n0 0 4\nmoves 0\n").unwrap();
        assert_eq!(moves_only.max_moves, Some(0));
        assert!(moves_only.group_of.is_empty() && moves_only.current_edge.is_empty());
        let err = parse(b"1 1 1\n5\n1\n0 0 4\nmoves 0\ngroups 0\n\n").unwrap_err();
        assert_eq!(err.line, 6);
        assert!(err.message.contains("in that order"), "{err}");
    }

    #[test]
    fn a_section_that_contradicts_the_problem_names_the_line_and_why() {
        let base = "2 1 2\n10 20\n1\n0 0 5\n1 0 6\n";
        let err = parse(format!("{base}groups 1\n2\n1\n").as_bytes()).unwrap_err();
        assert_eq!(err.line, 7);
        assert!(err.message.contains("group of opening 0"), "{err}");
        let err = parse(format!("{base}current 1\n0 3\n").as_bytes()).unwrap_err();
        assert_eq!(err.line, 7);
        assert!(err.message.contains("no edge to opening 3"), "{err}");
        let err = parse(format!("{base}current 2\n0 0\n1 0\n").as_bytes()).unwrap_err();
        assert_eq!(err.line, 8);
        assert!(err.message.contains("its 1 seats"), "{err}");
        let err = parse(format!("{base}groups 1\n0\n0\ncurrent 1\n1 0\n").as_bytes()).unwrap_err();
        assert!(err.message.contains("cap of 0"), "{err}");
        let err = parse(format!("{base}moves x\n").as_bytes()).unwrap_err();
        assert!(
            err.message.contains("the move limit must be an integer"),
            "{err}"
        );
    }

    #[test]
    fn errors_name_the_line_and_the_value() {
        let err = parse(b"1 1 1\n5\n1\n0 3 2\n").unwrap_err();
        assert_eq!(err.line, 4);
        assert!(err.message.contains("opening 3"), "{err}");
        let err = parse(b"1 1 1\n5\nx\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("found 'x'"), "{err}");
        let err = parse(b"1 1 2\n5\n1\n0 0 1\n").unwrap_err();
        assert!(err.message.contains("ends"), "{err}");
        let err = parse(b"1 1 1\n5\n1\n0 0 -4\n").unwrap_err();
        assert!(err.message.contains("negative"), "{err}");
        let err = parse(b"1 1 1\n5\n1\n0 0 4\n0 0 5\n").unwrap_err();
        assert_eq!(err.line, 5);
        assert!(err.message.contains("more numbers"), "{err}");
        let err = parse(b"1 1 99999999999999\n5\n1\n0 0 4\n").unwrap_err();
        assert!(
            err.message.contains("ends"),
            "a huge edge count is an error: {err}"
        );
    }
}
