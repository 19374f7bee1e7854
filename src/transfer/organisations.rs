//! Host organisations as CSV: one line per organisation, keyed by its `external_ref` (unique
//! across the service).

use std::collections::HashMap;
use std::io::Write;

use super::table::{self, Row, Table};
use super::{
    ExportError, Format, ImportError, ImportOptions, ImportSummary, Kind, ProgressFn, RowError,
    accepted, cell, cells, check_header, duplicate, location, sorted,
};
use crate::resource::organisation::{Organisation, OrganisationInput, check_input};
use crate::store::{NewOrganisation, OrganisationRow, Store};

/// The columns an import reads, in the order an export writes them (an export writes no
/// `postcode`, `locality` or `country`).
pub const COLUMNS: &[&str] = &[
    "external_ref",
    "name",
    "kind",
    "address",
    "lon",
    "lat",
    "postcode",
    "locality",
    "country",
    "monthly_intake_cap",
];

/// Columns a file must have.
const REQUIRED: &[&str] = &["external_ref", "name", "kind"];

/// A valid line.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub line: u64,
    pub fields: NewOrganisation,
}

/// Checks a whole file: every line valid and each reference once.
pub fn validate(table: &Table) -> Result<Vec<Item>, Vec<RowError>> {
    let mut errors = Vec::new();
    check_header(table, REQUIRED, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut items = Vec::with_capacity(table.records.len());
    for record in &table.records {
        match parse_row(table.row(record)) {
            Ok(item) => items.push(item),
            Err(e) => errors.extend(e),
        }
    }
    let mut seen: HashMap<&str, u64> = HashMap::new();
    for item in &items {
        let reference = item.fields.external_ref.as_deref().unwrap_or_default();
        if let Some(first) = seen.insert(reference, item.line) {
            errors.push(duplicate(item.line, first, reference));
            seen.insert(reference, first);
        }
    }
    if errors.is_empty() {
        Ok(items)
    } else {
        Err(sorted(errors))
    }
}

fn parse_row(row: Row<'_>) -> Result<Item, Vec<RowError>> {
    let line = row.line();
    let mut errors = Vec::new();
    let input = OrganisationInput {
        external_ref: row.get("external_ref").map(str::to_owned),
        name: row.get("name").map(str::to_owned),
        kind: row.get("kind").map(str::to_owned),
        address: row.get("address").map(str::to_owned),
        location: location(&row, &mut errors),
        monthly_intake_cap: cell(
            &row,
            "monthly_intake_cap",
            &mut errors,
            cells::parse_integer,
        ),
    };
    let fields = accepted(&row, check_input(&input), &mut errors);
    match fields {
        Some(fields) if errors.is_empty() => Ok(Item { line, fields }),
        _ => Err(errors),
    }
}

pub(super) async fn import(
    store: &dyn Store,
    bytes: &[u8],
    options: &ImportOptions,
    progress: ProgressFn<'_>,
) -> Result<ImportSummary, ImportError> {
    let table = table::read(bytes, COLUMNS).map_err(ImportError::Rejected)?;
    let items = validate(&table).map_err(ImportError::Rejected)?;
    let stored: HashMap<String, NewOrganisation> = store
        .list_organisations()
        .await?
        .into_iter()
        .filter_map(|o| Some((o.external_ref.clone()?, o.fields())))
        .collect();
    let mut summary = ImportSummary::new(Kind::Organisations, items.len(), options.dry_run);
    let writes = summary.changed(
        items.into_iter().map(|item| {
            let reference = item.fields.external_ref.clone().unwrap_or_default();
            (reference, item.fields)
        }),
        &stored,
        |old, new| old == new,
    );
    if options.dry_run || writes.is_empty() {
        return Ok(summary);
    }
    let total = writes.len();
    let done = store
        .upsert_organisations(&writes, &|n| progress(n, total))
        .await?;
    summary.wrote(&done, |_, w| (None, Some(w.id)));
    Ok(summary)
}

fn record(r: &OrganisationRow) -> Vec<String> {
    vec![
        r.external_ref.clone().unwrap_or_default(),
        r.name.clone(),
        r.kind.clone(),
        r.address.clone().unwrap_or_default(),
        cells::number(r.lon),
        cells::number(r.lat),
        r.monthly_intake_cap
            .map(|c| c.to_string())
            .unwrap_or_default(),
    ]
}

/// The columns an export writes.
pub fn exported_columns() -> Vec<&'static str> {
    super::exported(COLUMNS)
}

/// Writes organisations as CSV with a header.
pub fn write_csv(rows: &[OrganisationRow], out: &mut dyn Write) -> std::io::Result<()> {
    super::write_csv(&exported_columns(), rows.iter().map(record), out)
}

pub(super) async fn export(
    store: &dyn Store,
    format: Format,
    out: &mut dyn Write,
) -> Result<usize, ExportError> {
    let rows = store.list_organisations().await?;
    match format {
        Format::Csv => write_csv(&rows, out)?,
        _ => super::write_objects::<_, Organisation>(format, &rows, |r| (r.lon, r.lat), out)?,
    }
    Ok(rows.len())
}
