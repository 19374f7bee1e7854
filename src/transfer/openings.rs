//! Openings as CSV: one line per post, keyed by `(organisation, external_ref)`. A line names its
//! host by `organisation_ref` (the organisation's external reference) or `organisation_id`.

use crate::i18n::Msg;
use std::collections::{HashMap, HashSet};
use std::io::Write;

use uuid::Uuid;

use super::table::{self, Row, Table};
use super::{
    ExportError, Format, ImportError, ImportOptions, ImportSummary, Kind, ProgressFn, RowError,
    accepted, cell, cells, check_header, duplicate, location, parse_id, sorted,
};
use crate::resource::opening::{Opening, OpeningInput, check_input};
use crate::resource::validate::{LanguageRequirement, SkillInput};
use crate::store::{OpeningFields, OpeningFilter, OpeningRow, Store};

/// The columns an import reads, in the order an export writes them (an export writes no
/// `postcode`, `locality` or `country`).
pub const COLUMNS: &[&str] = &[
    "external_ref",
    "organisation_ref",
    "organisation_id",
    "title",
    "tasks",
    "kind",
    "sector",
    "programmes",
    "lon",
    "lat",
    "postcode",
    "locality",
    "country",
    "seats",
    "hours_per_week",
    "start_date",
    "end_date",
    "required_skills",
    "wanted_skills",
    "languages",
    "physical_demands",
    "tutor",
    "status",
    "status_reason",
];

/// Columns a file must have.
const REQUIRED: &[&str] = &[
    "external_ref",
    "title",
    "kind",
    "programmes",
    "seats",
    "hours_per_week",
    "start_date",
];

/// What checking a file needs to know of the database.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Organisations by external reference.
    pub organisations_by_ref: HashMap<String, Uuid>,
    /// Every organisation id.
    pub organisations: HashSet<Uuid>,
}

/// A valid line.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub line: u64,
    pub organisation_id: Uuid,
    pub fields: OpeningFields,
}

/// Checks a whole file: every line valid and each `(organisation, external_ref)` once.
pub fn validate(table: &Table, ctx: &Context) -> Result<Vec<Item>, Vec<RowError>> {
    let mut errors = Vec::new();
    check_header(table, REQUIRED, &mut errors);
    if !table.has("organisation_ref") && !table.has("organisation_id") {
        errors.push(RowError::new(
            1,
            "organisation_ref",
            Msg::new("column-organisation-required"),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut items = Vec::with_capacity(table.records.len());
    for record in &table.records {
        match parse_row(table.row(record), ctx) {
            Ok(item) => items.push(item),
            Err(e) => errors.extend(e),
        }
    }
    let mut seen: HashMap<(Uuid, &str), u64> = HashMap::new();
    for item in &items {
        let reference = item.fields.external_ref.as_deref().unwrap_or_default();
        if let Some(first) = seen.insert((item.organisation_id, reference), item.line) {
            errors.push(duplicate(item.line, first, reference));
            seen.insert((item.organisation_id, reference), first);
        }
    }
    if errors.is_empty() {
        Ok(items)
    } else {
        Err(sorted(errors))
    }
}

fn parse_row(row: Row<'_>, ctx: &Context) -> Result<Item, Vec<RowError>> {
    let line = row.line();
    let mut errors = Vec::new();
    let by_ref = row.get("organisation_ref").map(|r| {
        ctx.organisations_by_ref.get(r).copied().ok_or_else(|| {
            RowError::new(
                line,
                "organisation_ref",
                Msg::new("cell-no-organisation-with-ref").text("reference", r),
            )
        })
    });
    let by_id = cell(&row, "organisation_id", &mut errors, parse_id).map(|id| {
        if ctx.organisations.contains(&id) {
            Ok(id)
        } else {
            Err(RowError::new(
                line,
                "organisation_id",
                Msg::new("cell-no-such-organisation").text("id", id.to_string()),
            ))
        }
    });
    let organisation = match (by_ref, by_id) {
        (Some(Ok(a)), Some(Ok(b))) if a != b => {
            errors.push(RowError::new(
                line,
                "organisation_id",
                Msg::new("cell-organisation-mismatch"),
            ));
            None
        }
        (Some(Ok(id)), _) | (None, Some(Ok(id))) => Some(id),
        (Some(Err(e)), _) | (_, Some(Err(e))) => {
            errors.push(e);
            None
        }
        (None, None) => {
            if !errors.iter().any(|e| e.column == "organisation_id") {
                errors.push(RowError::new(
                    line,
                    "organisation_ref",
                    Msg::new("cell-organisation-required"),
                ));
            }
            None
        }
    };
    let languages = cell(&row, "languages", &mut errors, cells::parse_languages);
    let skills = |column: &str| {
        row.get(column).map(|c| {
            cells::parse_skills(c)
                .into_iter()
                .map(SkillInput::from)
                .collect()
        })
    };
    let input = OpeningInput {
        organisation_id: organisation,
        external_ref: row.get("external_ref").map(str::to_owned),
        title: row.get("title").map(str::to_owned),
        tasks: row.get("tasks").map(str::to_owned),
        kind: row.get("kind").map(str::to_owned),
        sector: row.get("sector").map(str::to_owned),
        programmes: row.get("programmes").map(cells::parse_list),
        location: location(&row, &mut errors),
        seats: cell(&row, "seats", &mut errors, cells::parse_integer),
        hours_per_week: cell(&row, "hours_per_week", &mut errors, cells::parse_number),
        start_date: row.get("start_date").map(str::to_owned),
        end_date: row.get("end_date").map(str::to_owned),
        required_skills: skills("required_skills"),
        wanted_skills: skills("wanted_skills"),
        languages: languages.map(|all| {
            all.into_iter()
                .map(|(language, min_level)| LanguageRequirement {
                    language,
                    min_level,
                })
                .collect()
        }),
        physical_demands: row.get("physical_demands").map(cells::parse_list),
        tutor: row.get("tutor").map(str::to_owned),
        status: row.get("status").map(str::to_owned),
        status_reason: row.get("status_reason").map(str::to_owned),
    };
    let fields = accepted(&row, check_input(&input), &mut errors);
    match (organisation, fields) {
        (Some(organisation_id), Some(fields)) if errors.is_empty() => Ok(Item {
            line,
            organisation_id,
            fields,
        }),
        _ => Err(errors),
    }
}

fn same(stored: &OpeningFields, new: &OpeningFields) -> bool {
    let mut new = new.clone();
    new.languages.sort_by(|a, b| a.language.cmp(&b.language));
    *stored == new
}

pub(super) async fn import(
    store: &dyn Store,
    bytes: &[u8],
    options: &ImportOptions,
    progress: ProgressFn<'_>,
) -> Result<ImportSummary, ImportError> {
    let table = table::read(bytes, COLUMNS).map_err(ImportError::Rejected)?;
    let mut ctx = Context::default();
    for org in store.list_organisations().await? {
        ctx.organisations.insert(org.id);
        if let Some(reference) = org.external_ref {
            ctx.organisations_by_ref.insert(reference, org.id);
        }
    }
    let items = validate(&table, &ctx).map_err(ImportError::Rejected)?;
    let stored: HashMap<(Uuid, String), OpeningFields> = store
        .list_openings(&OpeningFilter::default(), None, u32::MAX)
        .await?
        .into_iter()
        .filter_map(|row| {
            let reference = row.external_ref.clone()?;
            Some(((row.organisation_id, reference), row.fields()))
        })
        .collect();
    let mut summary = ImportSummary::new(Kind::Openings, items.len(), options.dry_run);
    let writes = summary.changed(
        items.into_iter().map(|item| {
            let key = (
                item.organisation_id,
                item.fields.external_ref.clone().unwrap_or_default(),
            );
            (key, (item.organisation_id, item.fields))
        }),
        &stored,
        |old, (_, new)| same(old, new),
    );
    if options.dry_run || writes.is_empty() {
        return Ok(summary);
    }
    let total = writes.len();
    let done = store
        .upsert_openings(&writes, &|n| progress(n, total))
        .await?;
    summary.wrote(&done, |i, _| (None, Some(writes[i].0)));
    Ok(summary)
}

/// The CSV line of one opening.
fn record(r: &OpeningRow, organisation_ref: Option<&str>) -> Vec<String> {
    vec![
        r.external_ref.clone().unwrap_or_default(),
        organisation_ref.unwrap_or_default().to_owned(),
        r.organisation_id.to_string(),
        r.title.clone(),
        r.tasks.clone(),
        r.kind.clone(),
        r.sector.clone(),
        cells::list(&r.programmes.0),
        cells::number(r.lon),
        cells::number(r.lat),
        r.seats.to_string(),
        cells::number(r.hours_per_week),
        r.start_date.to_string(),
        r.end_date.map(|d| d.to_string()).unwrap_or_default(),
        cells::skills(&r.required_skills.0),
        cells::skills(&r.wanted_skills.0),
        cells::languages(&r.languages),
        cells::list(&r.physical_demands.0),
        r.tutor.clone().unwrap_or_default(),
        r.status.clone(),
        r.status_reason.clone().unwrap_or_default(),
    ]
}

/// The columns an export writes.
pub fn exported_columns() -> Vec<&'static str> {
    super::exported(COLUMNS)
}

/// Writes openings as CSV with a header; `refs` gives each organisation's reference.
pub fn write_csv(
    rows: &[OpeningRow],
    refs: &HashMap<Uuid, String>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let records = rows
        .iter()
        .map(|r| record(r, refs.get(&r.organisation_id).map(String::as_str)));
    super::write_csv(&exported_columns(), records, out)
}

pub(super) async fn export(
    store: &dyn Store,
    format: Format,
    out: &mut dyn Write,
) -> Result<usize, ExportError> {
    let rows = store
        .list_openings(&OpeningFilter::default(), None, u32::MAX)
        .await?;
    match format {
        Format::Csv => {
            let refs: HashMap<Uuid, String> = store
                .list_organisations()
                .await?
                .into_iter()
                .filter_map(|o| Some((o.id, o.external_ref?)))
                .collect();
            write_csv(&rows, &refs, out)?;
        }
        _ => super::write_objects::<_, Opening>(format, &rows, |r| (r.lon, r.lat), out)?,
    }
    Ok(rows.len())
}
