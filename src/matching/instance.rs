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

use super::assign::Problem;

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
    if let Some(extra) = r.bytes[r.pos..]
        .iter()
        .position(|b| !b.is_ascii_whitespace())
    {
        r.line += r.bytes[r.pos..r.pos + extra]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        return Err(r.error(format!("more numbers than the header's {e} edges announce")));
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
    Ok(Problem {
        unassigned_cost,
        capacity,
        start,
        edge_opening,
        edge_cost,
        ..Default::default()
    })
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
