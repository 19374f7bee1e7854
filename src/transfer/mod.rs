//! Files in and out: `placematch import` and `export`, and `POST /v1/imports`.
//!
//! An import reads a whole CSV file ([`table`]), turns each line into the same input the JSON
//! API takes and judges it by the same rules (`api::*::check_input`), so a CSV row and a JSON
//! body are accepted or refused alike. Every bad line is reported with its line number and
//! column ([`RowError`]); if there is any, nothing is written. Otherwise the whole file is
//! written in one store transaction, keyed by external reference: a line whose reference exists
//! rewrites that row, a line identical to what is stored is left alone (so re-importing a file
//! changes nothing, not even `updated_at`), any other line is created.
//!
//! An export writes the same columns in id order (creation order), so export then import is a
//! no-op; also JSON (the API's shapes) and, for openings and organisations, GeoJSON for a map.
//! A map of where people live is personal data, so beneficiaries have no GeoJSON export.
//!
//! No HTTP types and no printing here: the CLI and the API turn the results into their output.

pub mod beneficiaries;
pub mod cells;
pub mod openings;
pub mod organisations;
pub mod table;

use crate::i18n::{Language, Msg};
use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;
use std::io::Write;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::resource::FieldError;
use crate::store::{Actor, Store, StoreError, Upserted};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Beneficiaries,
    Openings,
    Organisations,
}

impl Kind {
    /// Every value, in order.
    pub const ALL: &'static [Kind] = &[Kind::Beneficiaries, Kind::Openings, Kind::Organisations];
    /// Every string form, in order.
    pub const NAMES: &'static [&'static str] = &["beneficiaries", "openings", "organisations"];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Beneficiaries => "beneficiaries",
            Kind::Openings => "openings",
            Kind::Organisations => "organisations",
        }
    }
}

impl std::str::FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        crate::domain::one_of(s, Kind::ALL, Kind::NAMES)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The import columns, comma separated, UTF-8 without BOM.
    Csv,
    /// A JSON array of the API's objects.
    Json,
    /// A GeoJSON FeatureCollection of points (openings and organisations).
    Geojson,
}

impl Format {
    /// Every value, in order.
    pub const ALL: &'static [Format] = &[Format::Csv, Format::Json, Format::Geojson];
    /// Every string form, in order.
    pub const NAMES: &'static [&'static str] = &["csv", "json", "geojson"];
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        crate::domain::one_of(s, Format::ALL, Format::NAMES)
    }
}

/// One bad line of a file: where, and what is wrong (a message each reader gets in their
/// language).
#[derive(Debug, Clone, PartialEq)]
pub struct RowError {
    /// Line in the file, the header being line 1 (a quoted field may span lines: the line
    /// where the record starts).
    pub line: u64,
    /// The column (header name); empty for the file as a whole.
    pub column: String,
    pub message: Msg,
}

impl RowError {
    pub fn new(line: u64, column: impl Into<String>, message: Msg) -> Self {
        Self {
            line,
            column: column.into(),
            message,
        }
    }

    /// A problem of the whole file, reported on line 1.
    pub fn file(message: Msg) -> Self {
        Self::new(1, "", message)
    }

    /// "line 4, column postcode: …" in `lang`, as the CLI prints it.
    pub fn render(&self, lang: Language) -> String {
        let message = self.message.render(lang);
        if self.column.is_empty() {
            Msg::new("row-error-line")
                .int("line", self.line as i64)
                .text("message", message)
                .render(lang)
        } else {
            Msg::new("row-error-cell")
                .int("line", self.line as i64)
                .text("column", self.column.clone())
                .text("message", message)
                .render(lang)
        }
    }
}

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Bad lines, every one of them, in line order.
    #[error("the file was not imported: {} problem(s), nothing was written", .0.len())]
    Rejected(Vec<RowError>),
    /// The office the file is imported into does not exist.
    #[error("no office with id {0}")]
    NoSuchOffice(Uuid),
    /// An option that does not apply to this kind of file.
    #[error("{}", .0.render(Language::En))]
    Options(Msg),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The office beneficiaries go to, unless a line names its own in `office_id`.
    pub office: Option<Uuid>,
    /// Only validate: report what would be created, updated or left unchanged.
    pub dry_run: bool,
    /// Today, the default of start dates and the bound of birth dates.
    pub today: time::Date,
    /// Who imports: the référents a file sets are recorded under them.
    pub actor: Actor,
}

/// Hears how many rows of how many are written (a progress bar).
pub type ProgressFn<'a> = &'a (dyn Fn(usize, usize) + Send + Sync);

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    pub kind: Kind,
    /// Records in the file.
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    /// Lines identical to what is stored: not written.
    pub unchanged: usize,
    pub dry_run: bool,
    /// The rows written, for the audit trail.
    #[serde(skip)]
    pub written: Vec<Written>,
}

impl ImportSummary {
    /// Nothing counted yet, for a file of `rows` records of `kind`.
    fn new(kind: Kind, rows: usize, dry_run: bool) -> Self {
        Self {
            kind,
            rows,
            created: 0,
            updated: 0,
            unchanged: 0,
            dry_run,
            written: Vec::new(),
        }
    }

    /// The lines to write, each counted as created or updated by whether `stored` has a row
    /// under its key; a line `same` as its stored row is counted unchanged and left out.
    fn changed<K: Eq + Hash, F, T>(
        &mut self,
        lines: impl IntoIterator<Item = (K, T)>,
        stored: &HashMap<K, F>,
        same: impl Fn(&F, &T) -> bool,
    ) -> Vec<T> {
        let mut writes = Vec::new();
        for (key, line) in lines {
            match stored.get(&key) {
                Some(old) if same(old, &line) => {
                    self.unchanged += 1;
                    continue;
                }
                Some(_) => self.updated += 1,
                None => self.created += 1,
            }
            writes.push(line);
        }
        writes
    }

    /// Counts what the store wrote, and keeps it for the audit trail; `owners` gives the
    /// office and the organisation of the `i`th write.
    fn wrote(
        &mut self,
        done: &[Upserted],
        owners: impl Fn(usize, &Upserted) -> (Option<Uuid>, Option<Uuid>),
    ) {
        self.created = done.iter().filter(|w| w.created).count();
        self.updated = done.len() - self.created;
        self.written = done
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let (office_id, organisation_id) = owners(i, w);
                Written {
                    id: w.id,
                    created: w.created,
                    office_id,
                    organisation_id,
                }
            })
            .collect();
    }
}

/// One row an import wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub id: Uuid,
    pub created: bool,
    /// The office of a beneficiary.
    pub office_id: Option<Uuid>,
    /// The organisation of an opening.
    pub organisation_id: Option<Uuid>,
}

/// Imports a CSV file of `kind`: all of it, or nothing with every bad line reported.
pub async fn import(
    store: &dyn Store,
    kind: Kind,
    bytes: &[u8],
    options: &ImportOptions,
    progress: ProgressFn<'_>,
) -> Result<ImportSummary, ImportError> {
    if options.office.is_some() && kind != Kind::Beneficiaries {
        return Err(ImportError::Options(
            Msg::new("import-office-for-beneficiaries-only").text("kind", kind.to_string()),
        ));
    }
    let mut summary = match kind {
        Kind::Beneficiaries => beneficiaries::import(store, bytes, options, progress).await?,
        Kind::Openings => openings::import(store, bytes, options, progress).await?,
        Kind::Organisations => organisations::import(store, bytes, options, progress).await?,
    };
    summary.dry_run = options.dry_run;
    Ok(summary)
}

/// Writes every row of `kind` (of one office for beneficiaries, when given) to `out`, in id
/// order; returns how many.
pub async fn export(
    store: &dyn Store,
    kind: Kind,
    format: Format,
    office: Option<Uuid>,
    out: &mut dyn Write,
) -> Result<usize, ExportError> {
    if office.is_some() && kind != Kind::Beneficiaries {
        return Err(ExportError::Options(
            Msg::new("import-office-for-beneficiaries-only").text("kind", kind.to_string()),
        ));
    }
    match kind {
        Kind::Beneficiaries => beneficiaries::export(store, format, office, out).await,
        Kind::Openings => openings::export(store, format, out).await,
        Kind::Organisations => organisations::export(store, format, out).await,
    }
}

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{}", .0.render(crate::i18n::Language::En))]
    Options(Msg),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("writing the export: {0}")]
    Io(#[from] std::io::Error),
}

/// Everything wrong with one line after the API's validation: field paths become columns
/// (`languages[1].level` is column `languages`, item 2; `location.postcode` is `postcode`).
/// Columns that already have a problem (a cell that is not a number, say) are not reported
/// twice.
fn row_errors(line: u64, fields: Vec<FieldError>, already: &[RowError]) -> Vec<RowError> {
    let mut out: Vec<RowError> = Vec::new();
    for f in fields {
        let (column, rest) = match f.field.strip_prefix("location") {
            Some("") => ("lon".to_owned(), ""),
            Some(sub) => (sub.trim_start_matches('.').to_owned(), ""),
            None => {
                let cut = f.field.find(['.', '[']).unwrap_or(f.field.len());
                (f.field[..cut].to_owned(), &f.field[cut..])
            }
        };
        if already.iter().chain(&out).any(|e| e.column == column) && rest.is_empty() {
            continue;
        }
        let item = rest
            .strip_prefix('[')
            .and_then(|r| r.split(']').next())
            .and_then(|n| n.parse::<usize>().ok());
        let message = match item {
            Some(i) => Msg::new("row-item")
                .int("item", (i + 1) as i64)
                .msg("message", f.message),
            None => f.message,
        };
        out.push(RowError::new(line, column, message));
    }
    out
}

/// The fields of a line that the API's rules accepted; otherwise `None`, their problems added
/// to `errors` as columns. A line without an external reference is also a problem.
fn accepted<T>(
    row: &table::Row<'_>,
    checked: Result<T, Vec<FieldError>>,
    errors: &mut Vec<RowError>,
) -> Option<T> {
    let fields = match checked {
        Ok(fields) => Some(fields),
        Err(fe) => {
            let more = row_errors(row.line(), fe, errors);
            errors.extend(more);
            None
        }
    };
    if row.get("external_ref").is_none() {
        errors.push(reference_required(row.line()));
    }
    fields
}

/// Reads an optional cell with `parse`, recording a problem under its column.
fn cell<T>(
    row: &table::Row<'_>,
    column: &str,
    errors: &mut Vec<RowError>,
    parse: impl FnOnce(&str) -> Result<T, Msg>,
) -> Option<T> {
    let text = row.get(column)?;
    match parse(text) {
        Ok(v) => Some(v),
        Err(message) => {
            errors.push(RowError::new(row.line(), column, message));
            None
        }
    }
}

/// A UUID cell.
fn parse_id(text: &str) -> Result<Uuid, Msg> {
    Uuid::parse_str(text).map_err(|_| Msg::new("cell-not-an-id").text("given", text))
}

/// The location columns of a line (`lon`, `lat`, `postcode`, `locality`, `country`).
fn location(
    row: &table::Row<'_>,
    errors: &mut Vec<RowError>,
) -> Option<crate::resource::LocationInput> {
    let input = crate::resource::LocationInput {
        lon: cell(row, "lon", errors, cells::parse_number),
        lat: cell(row, "lat", errors, cells::parse_number),
        postcode: row.get("postcode").map(str::to_owned),
        locality: row.get("locality").map(str::to_owned),
        country: row.get("country").map(str::to_owned),
    };
    let empty = ["lon", "lat", "postcode", "locality", "country"]
        .iter()
        .all(|c| row.get(c).is_none());
    (!empty).then_some(input)
}

/// Header problems shared by every kind: required columns, and a location given somehow.
fn check_header(table: &table::Table, required: &[&str], errors: &mut Vec<RowError>) {
    for column in required {
        if !table.has(column) {
            errors.push(RowError::new(
                1,
                *column,
                Msg::new("column-required-missing"),
            ));
        }
    }
    let coordinates = table.has("lon") && table.has("lat");
    if !coordinates && !table.has("postcode") && !table.has("locality") {
        errors.push(RowError::new(
            1,
            "lon",
            Msg::new("column-location-required"),
        ));
    }
}

/// Reports a second line with the same key.
fn duplicate(line: u64, first: u64, reference: &str) -> RowError {
    RowError::new(
        line,
        "external_ref",
        Msg::new("row-duplicate-reference")
            .text("reference", reference)
            .int("first", first as i64),
    )
}

/// The error of a line without an external reference.
fn reference_required(line: u64) -> RowError {
    RowError::new(line, "external_ref", Msg::new("row-reference-required"))
}

/// The columns an export writes: `columns` without the place-name ones (`postcode`,
/// `locality`, `country`), as coordinates say it all.
fn exported(columns: &[&'static str]) -> Vec<&'static str> {
    columns
        .iter()
        .copied()
        .filter(|c| !["postcode", "locality", "country"].contains(c))
        .collect()
}

/// CSV with a header, each cell guarded against spreadsheet formulas.
fn write_csv(
    header: &[&str],
    records: impl Iterator<Item = Vec<String>>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(header)?;
    for record in records {
        w.write_record(record.iter().map(|c| cells::guard(c).into_owned()))?;
    }
    w.flush()
}

/// JSON or GeoJSON (`format` is not CSV) of `rows` as the API's objects; `point` gives a
/// row's coordinates.
fn write_objects<R: Clone, T: Serialize + From<R>>(
    format: Format,
    rows: &[R],
    point: impl Fn(&R) -> (f64, f64),
    out: &mut dyn Write,
) -> std::io::Result<()> {
    debug_assert_ne!(format, Format::Csv, "CSV is each kind's own");
    if format == Format::Geojson {
        write_geojson(
            rows.iter().map(|r| {
                let (lon, lat) = point(r);
                (lon, lat, T::from(r.clone()))
            }),
            out,
        )?;
    } else {
        write_json(rows.iter().cloned().map(T::from), out)?;
    }
    Ok(())
}

/// A JSON array, one element per line.
fn write_json<T: Serialize>(
    items: impl Iterator<Item = T>,
    out: &mut dyn Write,
) -> std::io::Result<usize> {
    let mut n = 0;
    out.write_all(b"[")?;
    for item in items {
        out.write_all(if n == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, &item)?;
        n += 1;
    }
    out.write_all(b"\n]\n")?;
    Ok(n)
}

/// A GeoJSON FeatureCollection of points, the object's other fields as properties.
fn write_geojson<T: Serialize>(
    items: impl Iterator<Item = (f64, f64, T)>,
    out: &mut dyn Write,
) -> std::io::Result<usize> {
    let mut n = 0;
    out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[")?;
    for (lon, lat, item) in items {
        let mut properties = serde_json::to_value(&item)?;
        if let Some(map) = properties.as_object_mut() {
            map.remove("location");
        }
        let feature = serde_json::json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": properties,
        });
        out.write_all(if n == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, &feature)?;
        n += 1;
    }
    out.write_all(b"\n]}\n")?;
    Ok(n)
}

/// Sorts problems by line, keeping each line's in column order of discovery.
fn sorted(mut errors: Vec<RowError>) -> Vec<RowError> {
    errors.sort_by_key(|e| e.line);
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_become_columns_with_item_numbers() {
        let errors = row_errors(
            7,
            vec![
                FieldError::new(
                    "languages[1].level",
                    Msg::new("field-not-a")
                        .text("given", "A3")
                        .msg("expected", Msg::new("expected-CefrLevel")),
                ),
                FieldError::new(
                    "location.postcode",
                    Msg::new("place-unknown-postcode")
                        .text("country", "BE")
                        .text("postcode", "9999")
                        .msg("did_you_mean", Msg::new("place-no-suggestion")),
                ),
                FieldError::required("location"),
                FieldError::required("max_trip_minutes"),
            ],
            &[RowError::new(
                7,
                "max_trip_minutes",
                Msg::new("cell-not-a-whole-number").text("given", "x"),
            )],
        );
        let shown: Vec<String> = errors.iter().map(|e| e.render(Language::En)).collect();
        assert_eq!(
            shown,
            vec![
                "line 7, column languages: item 2: 'A3' is not a CEFR level (A1, A2, B1, B2, C1 or C2)",
                "line 7, column postcode: postcode 9999 is unknown in BE",
                "line 7, column lon: is required",
            ]
        );
    }
}
