//! Reading a CSV file into named columns and numbered lines: UTF-8 with or without a byte order
//! mark, comma, semicolon or tab separated (guessed from the header line), quoted fields that
//! may hold separators and line breaks. Problems are [`RowError`]s naming the line.

use super::RowError;
use crate::i18n::Msg;

/// The separators a file may use, in order of preference on a tie.
const SEPARATORS: [u8; 3] = [b',', b';', b'\t'];

/// A CSV file split into its header and its non-blank records.
#[derive(Debug)]
pub struct Table {
    /// Column names, normalised (trimmed, lower case, spaces and hyphens as `_`); `None` for a
    /// column with a blank header, which is ignored.
    columns: Vec<Option<String>>,
    pub records: Vec<Record>,
}

/// One record: the line it starts on (the header is line 1) and its cells, trimmed.
#[derive(Debug)]
pub struct Record {
    pub line: u64,
    cells: Vec<String>,
}

impl Table {
    /// Whether the header has this column.
    pub fn has(&self, column: &str) -> bool {
        self.position(column).is_some()
    }

    fn position(&self, column: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.as_deref() == Some(column))
    }

    /// A cursor over one record's cells by column name.
    pub fn row<'a>(&'a self, record: &'a Record) -> Row<'a> {
        Row {
            table: self,
            record,
        }
    }
}

/// One record, read by column name.
#[derive(Clone, Copy)]
pub struct Row<'a> {
    table: &'a Table,
    record: &'a Record,
}

impl<'a> Row<'a> {
    pub fn line(&self) -> u64 {
        self.record.line
    }

    /// The cell of `column`, or `None` when the column is absent or the cell blank.
    pub fn get(&self, column: &str) -> Option<&'a str> {
        let i = self.table.position(column)?;
        self.record
            .cells
            .get(i)
            .map(String::as_str)
            .filter(|c| !c.is_empty())
    }
}

/// Normalises a header name: "Birth date" and "birth-date" are `birth_date`.
fn column_name(raw: &str) -> String {
    raw.trim()
        .trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
        .replace([' ', '-'], "_")
}

/// The separator of the header line: the most frequent of comma, semicolon and tab outside
/// quotes.
fn sniff_separator(bytes: &[u8]) -> u8 {
    let mut counts = [0usize; SEPARATORS.len()];
    let mut quoted = false;
    for &b in bytes {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = SEPARATORS.iter().position(|s| *s == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let best = (0..SEPARATORS.len())
        .max_by_key(|&i| (counts[i], usize::MAX - i))
        .unwrap_or(0);
    SEPARATORS[best]
}

/// Reads `bytes` as a CSV file whose columns must be among `known`. Every problem found is
/// returned, each with its line; an unknown column is reported with the closest known name.
pub fn read(bytes: &[u8], known: &[&str]) -> Result<Table, Vec<RowError>> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(vec![RowError::file(Msg::new("file-utf16"))]);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniff_separator(bytes))
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut errors = Vec::new();
    let mut records = reader.byte_records();
    let header = match records.next() {
        None => {
            return Err(vec![RowError::file(Msg::new("file-empty"))]);
        }
        Some(Err(e)) => return Err(vec![csv_error(bytes, &e)]),
        Some(Ok(h)) => h,
    };
    let mut columns: Vec<Option<String>> = Vec::with_capacity(header.len());
    for (i, raw) in header.iter().enumerate() {
        let Ok(raw) = std::str::from_utf8(raw) else {
            errors.push(RowError::new(1, format!("#{}", i + 1), not_utf8()));
            columns.push(None);
            continue;
        };
        let name = column_name(raw);
        if name.is_empty() {
            columns.push(None);
            continue;
        }
        if !known.contains(&name.as_str()) {
            errors.push(RowError::new(1, &name, unknown_column(&name, known)));
        } else if columns.iter().any(|c| c.as_deref() == Some(name.as_str())) {
            errors.push(RowError::new(1, &name, Msg::new("column-twice")));
        }
        columns.push(Some(name));
    }
    let width = columns.len();
    let mut out = Vec::new();
    // The reader's own line count skips blank lines; count line breaks up to each record's
    // first byte instead (past any blank lines the reader took in with it).
    let mut lines = LineCounter::default();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(csv_error(bytes, &e));
                // A broken quote swallows the rest of the file: stop at the first.
                break;
            }
        };
        let line = lines.line_at(bytes, record.position().map_or(0, |p| p.byte()));
        let mut cells = Vec::with_capacity(width);
        let mut blank = true;
        for (i, raw) in record.iter().enumerate() {
            let cell = match std::str::from_utf8(raw) {
                // A `'` that an export put before formula text comes off (cells::guard).
                Ok(text) => super::cells::unguard(text.trim()).to_owned(),
                Err(_) => {
                    let column = columns
                        .get(i)
                        .and_then(Clone::clone)
                        .unwrap_or_else(|| format!("#{}", i + 1));
                    errors.push(RowError::new(line, column, not_utf8()));
                    String::new()
                }
            };
            if let Some(c) = cell.chars().find(|&c| crate::domain::is_refused_control(c)) {
                let column = columns
                    .get(i)
                    .and_then(Clone::clone)
                    .unwrap_or_else(|| format!("#{}", i + 1));
                errors.push(RowError::new(
                    line,
                    column,
                    Msg::new("field-control-character").text("code", format!("U+{:04X}", c as u32)),
                ));
            }
            blank &= cell.is_empty();
            if i >= width && !cell.is_empty() {
                errors.push(RowError::new(
                    line,
                    format!("#{}", i + 1),
                    Msg::new("row-too-many-fields")
                        .int("fields", record.len() as i64)
                        .int("width", width as i64),
                ));
            }
            cells.push(cell);
        }
        // A spreadsheet's empty rows (";;;;") are not records.
        if !blank {
            cells.truncate(width);
            out.push(Record { line, cells });
        }
    }
    if errors.is_empty() {
        Ok(Table {
            columns,
            records: out,
        })
    } else {
        Err(errors)
    }
}

/// Line numbers from byte offsets, counted incrementally (records come in file order).
#[derive(Default)]
struct LineCounter {
    offset: usize,
    breaks: u64,
}

impl LineCounter {
    /// The line of the first non-blank byte at or after `offset`.
    fn line_at(&mut self, bytes: &[u8], offset: u64) -> u64 {
        let mut start = usize::try_from(offset)
            .unwrap_or(bytes.len())
            .min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > self.offset {
            self.breaks += bytes[self.offset..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            self.offset = start;
        }
        self.breaks + 1
    }
}

fn not_utf8() -> Msg {
    Msg::new("cell-not-utf8")
}

fn unknown_column(name: &str, known: &[&str]) -> Msg {
    let closest = known
        .iter()
        .map(|k| (strsim::jaro_winkler(name, k), *k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match closest {
        Some((_, k)) => Msg::new("column-unknown-did-you-mean").text("name", k),
        None => Msg::new("column-unknown").text("known", known.join(", ")),
    }
}

fn csv_error(bytes: &[u8], e: &csv::Error) -> RowError {
    let line = e
        .position()
        .map_or(1, |p| LineCounter::default().line_at(bytes, p.byte()));
    RowError::new(
        line,
        "",
        Msg::new("file-unreadable-csv").text("detail", e.to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;

    #[test]
    fn the_separator_is_guessed_from_the_header_outside_quotes() {
        assert_eq!(sniff_separator(b"a;b;c\n1,5;2;3"), b';');
        assert_eq!(sniff_separator(b"\"a;b\",c,d\n"), b',');
        assert_eq!(sniff_separator(b"a\tb\n"), b'\t');
        assert_eq!(sniff_separator(b"a\n"), b',');
    }

    #[test]
    fn a_bom_blank_rows_and_quoted_line_breaks_are_handled() {
        let text = "\u{feff}Name;Kind\n\"two\nlines\";x\n;;\n\nlast;y\n";
        let table = read(text.as_bytes(), &["name", "kind"]).unwrap();
        assert_eq!(table.records.len(), 2);
        assert_eq!(table.records[0].line, 2);
        let first = table.row(&table.records[0]);
        assert_eq!(first.get("name"), Some("two\nlines"));
        assert_eq!(table.records[1].line, 6);
    }

    #[test]
    fn lines_are_counted_across_blank_lines_and_crlf() {
        let text = "name\r\n\r\n\r\nthird\r\n\"a\r\nb\"\r\nlast\r\n";
        let table = read(text.as_bytes(), &["name"]).unwrap();
        let lines: Vec<u64> = table.records.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![4, 5, 7]);
    }

    #[test]
    fn a_control_character_in_a_cell_is_refused_with_its_line_and_column() {
        let errors = read(
            b"name,kind\nAna,a\nB\x00b,c\n\"x\ny\",d\x1b\n",
            &["name", "kind"],
        )
        .unwrap_err();
        let found: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(found, [(3, "name"), (4, "kind")], "{errors:?}");
        assert!(
            errors[0].render(Language::En).contains("U+0000"),
            "{errors:?}"
        );
        // A line break inside quotes is text, not a control character to refuse.
        assert!(read(b"name\n\"a\nb\"\n", &["name"]).is_ok());
    }

    #[test]
    fn an_unknown_column_is_named_with_the_closest_known_one() {
        let errors = read(b"name,kidn\n", &["name", "kind"]).unwrap_err();
        assert_eq!(errors[0].column, "kidn");
        assert!(
            errors[0].render(Language::En).contains("did you mean kind"),
            "{errors:?}"
        );
    }
}
