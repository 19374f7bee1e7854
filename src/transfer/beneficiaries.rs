//! Beneficiary files as CSV: one line per person, keyed by `(office, external_ref)`.

use crate::i18n::Msg;
use std::collections::HashMap;
use std::io::Write;

use uuid::Uuid;

use super::table::{self, Row, Table};
use super::{
    ExportError, Format, ImportError, ImportOptions, ImportSummary, Kind, ProgressFn, RowError,
    accepted, cell, cells, check_header, duplicate, location, parse_id, sorted,
};
use crate::resource::beneficiary::{
    Beneficiary, BeneficiaryInput, ReferentProblem, check_input, referent_problem,
    referent_unknown_email,
};
use crate::resource::validate::{LanguageSkill, SkillInput};
use crate::store::{
    BeneficiaryFields, BeneficiaryFilter, BeneficiaryRow, BeneficiaryUpsert, Store, UserRow,
};

/// The columns an import reads, in the order an export writes them (an export writes no
/// `postcode`, `locality` or `country`: coordinates say it all).
pub const COLUMNS: &[&str] = &[
    "office_id",
    "external_ref",
    "given_name",
    "family_name",
    "birth_date",
    "address",
    "lon",
    "lat",
    "postcode",
    "locality",
    "country",
    "mobility",
    "max_trip_minutes",
    "hours_per_week",
    "earliest_start",
    "waiting_since",
    "skills",
    "languages",
    "health_limits",
    "refused_sectors",
    "status",
    "referent_email",
];

/// Columns a file must have.
const REQUIRED: &[&str] = &[
    "external_ref",
    "given_name",
    "family_name",
    "mobility",
    "max_trip_minutes",
    "hours_per_week",
];

/// What checking a file needs to know of the database.
#[derive(Debug, Clone)]
pub struct Context {
    pub today: time::Date,
    /// The office of lines without an `office_id`.
    pub office: Option<Uuid>,
    /// Every office with its country (`LU`, `BE`, `FR`): place names are looked up there.
    pub offices: HashMap<Uuid, String>,
    /// Users by email in lower case: a `referent_email` names one.
    pub users: HashMap<String, UserRow>,
}

/// A valid line.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub line: u64,
    pub office_id: Uuid,
    pub fields: BeneficiaryFields,
    /// The référent, when the file has a `referent_email` column (`Some(None)`: none).
    pub referent: Option<Option<Uuid>>,
    /// The référent is a disabled user: allowed only if they already follow the person, which
    /// the stored file tells.
    pub referent_disabled: bool,
}

/// Checks a whole file: every line valid and each `(office, external_ref)` once, or every
/// problem found.
pub fn validate(table: &Table, ctx: &Context) -> Result<Vec<Item>, Vec<RowError>> {
    let mut errors = Vec::new();
    check_header(table, REQUIRED, &mut errors);
    if ctx.office.is_none() && !table.has("office_id") {
        errors.push(RowError::new(1, "office_id", Msg::new("import-no-office")));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut items = Vec::with_capacity(table.records.len());
    let mut seen: HashMap<(Uuid, &str), u64> = HashMap::new();
    let referents = table.has("referent_email");
    for record in &table.records {
        match parse_row(table.row(record), ctx, referents) {
            Ok(item) => items.push(item),
            Err(e) => errors.extend(e),
        }
    }
    for item in &items {
        let reference = item.fields.external_ref.as_deref().unwrap_or_default();
        if let Some(first) = seen.insert((item.office_id, reference), item.line) {
            errors.push(duplicate(item.line, first, reference));
            seen.insert((item.office_id, reference), first);
        }
    }
    if errors.is_empty() {
        Ok(items)
    } else {
        Err(sorted(errors))
    }
}

fn parse_row(row: Row<'_>, ctx: &Context, referents: bool) -> Result<Item, Vec<RowError>> {
    let line = row.line();
    let mut errors = Vec::new();
    let office = match (cell(&row, "office_id", &mut errors, parse_id), ctx.office) {
        (Some(named), Some(chosen)) if named != chosen => {
            errors.push(RowError::new(
                line,
                "office_id",
                Msg::new("import-other-office")
                    .text("named", named.to_string())
                    .text("chosen", chosen.to_string()),
            ));
            None
        }
        (Some(office), _) | (None, Some(office)) => {
            if ctx.offices.contains_key(&office) {
                Some(office)
            } else {
                errors.push(RowError::new(
                    line,
                    "office_id",
                    Msg::new("cell-no-such-office").text("id", office.to_string()),
                ));
                None
            }
        }
        (None, None) => {
            if !errors.iter().any(|e| e.column == "office_id") {
                errors.push(RowError::new(line, "office_id", Msg::new("field-required")));
            }
            None
        }
    };
    let languages = cell(&row, "languages", &mut errors, cells::parse_languages);
    let input = BeneficiaryInput {
        office_id: office,
        external_ref: row.get("external_ref").map(str::to_owned),
        given_name: row.get("given_name").map(str::to_owned),
        family_name: row.get("family_name").map(str::to_owned),
        birth_date: row.get("birth_date").map(str::to_owned),
        address: row.get("address").map(str::to_owned),
        location: location(&row, &mut errors),
        mobility: row.get("mobility").map(str::to_owned),
        max_trip_minutes: cell(&row, "max_trip_minutes", &mut errors, cells::parse_integer),
        hours_per_week: cell(&row, "hours_per_week", &mut errors, cells::parse_number),
        earliest_start: row.get("earliest_start").map(str::to_owned),
        waiting_since: row.get("waiting_since").map(str::to_owned),
        skills: row.get("skills").map(|c| {
            cells::parse_skills(c)
                .into_iter()
                .map(SkillInput::from)
                .collect()
        }),
        languages: languages.map(|all| {
            all.into_iter()
                .map(|(language, level)| LanguageSkill { language, level })
                .collect()
        }),
        health_limits: row.get("health_limits").map(cells::parse_list),
        refused_sectors: row.get("refused_sectors").map(cells::parse_list),
        status: row.get("status").map(str::to_owned),
    };
    let country = office.and_then(|o| ctx.offices.get(&o)).map(String::as_str);
    let checked = check_input(&input, ctx.today, country);
    let fields = accepted(&row, checked, &mut errors);
    let mut referent_disabled = false;
    let referent = match (referents, row.get("referent_email"), office) {
        (false, _, _) => None,
        (true, None, _) => Some(None),
        (true, Some(email), Some(office)) => {
            let user = ctx.users.get(&email.trim().to_lowercase());
            match user.map(|u| (u, referent_problem(u, office, None))) {
                Some((u, None)) => Some(Some(u.id)),
                Some((u, Some(ReferentProblem::Disabled))) => {
                    referent_disabled = true;
                    Some(Some(u.id))
                }
                Some((_, Some(problem))) => {
                    errors.push(RowError::new(line, "referent_email", problem.message()));
                    None
                }
                None => {
                    errors.push(RowError::new(
                        line,
                        "referent_email",
                        referent_unknown_email(email.trim()),
                    ));
                    None
                }
            }
        }
        // No office: reported on its own column.
        (true, Some(_), None) => None,
    };
    match (office, fields) {
        (Some(office_id), Some(fields)) if errors.is_empty() => Ok(Item {
            line,
            office_id,
            fields,
            referent,
            referent_disabled,
        }),
        _ => Err(errors),
    }
}

/// Same content, whatever the order of languages.
fn same(stored: &BeneficiaryFields, new: &BeneficiaryFields) -> bool {
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
    let offices: HashMap<Uuid, String> = store
        .list_offices()
        .await?
        .into_iter()
        .map(|o| (o.id, o.country))
        .collect();
    if let Some(office) = options.office
        && !offices.contains_key(&office)
    {
        return Err(ImportError::NoSuchOffice(office));
    }
    let table = table::read(bytes, COLUMNS).map_err(ImportError::Rejected)?;
    let users = store
        .list_users()
        .await?
        .into_iter()
        .map(|u| (u.email.to_lowercase(), u))
        .collect();
    let ctx = Context {
        today: options.today,
        office: options.office,
        offices,
        users,
    };
    let items = validate(&table, &ctx).map_err(ImportError::Rejected)?;

    let mut office_ids: Vec<Uuid> = items.iter().map(|i| i.office_id).collect();
    office_ids.sort_unstable();
    office_ids.dedup();
    let mut stored: HashMap<(Uuid, String), (BeneficiaryFields, Option<Uuid>)> = HashMap::new();
    for office in office_ids {
        let filter = BeneficiaryFilter {
            office_id: Some(office),
            ..Default::default()
        };
        for row in store.list_beneficiaries(&filter, None, u32::MAX).await? {
            if let Some(reference) = row.external_ref.clone() {
                stored.insert((office, reference), (row.fields(), row.referent_user_id));
            }
        }
    }
    let key = |item: &Item| {
        (
            item.office_id,
            item.fields.external_ref.clone().unwrap_or_default(),
        )
    };
    // A disabled user stays the référent of the people they follow, and takes no one new.
    let disabled: Vec<RowError> = items
        .iter()
        .filter(|item| {
            item.referent_disabled
                && stored.get(&key(item)).and_then(|(_, current)| *current)
                    != item.referent.flatten()
        })
        .map(|item| {
            RowError::new(
                item.line,
                "referent_email",
                ReferentProblem::Disabled.message(),
            )
        })
        .collect();
    if !disabled.is_empty() {
        return Err(ImportError::Rejected(disabled));
    }
    let mut summary = ImportSummary::new(Kind::Beneficiaries, items.len(), options.dry_run);
    let writes = summary.changed(
        items.into_iter().map(|item| {
            let write = BeneficiaryUpsert {
                office_id: item.office_id,
                referent: item.referent,
                fields: item.fields,
            };
            (
                (
                    write.office_id,
                    write.fields.external_ref.clone().unwrap_or_default(),
                ),
                write,
            )
        }),
        &stored,
        |(old, current), new| same(old, &new.fields) && new.referent.is_none_or(|r| r == *current),
    );
    if options.dry_run || writes.is_empty() {
        return Ok(summary);
    }
    let total = writes.len();
    let done = store
        .upsert_beneficiaries(&writes, &options.actor, &|n| progress(n, total))
        .await?;
    summary.wrote(&done, |i, _| (Some(writes[i].office_id), None));
    Ok(summary)
}

/// The CSV line of one file, in [`COLUMNS`] order without the place-name columns;
/// `referent_email` is the référent's email.
fn record(r: &BeneficiaryRow, referent_email: Option<&str>) -> Vec<String> {
    let date = |d: time::Date| d.to_string();
    vec![
        r.office_id.to_string(),
        r.external_ref.clone().unwrap_or_default(),
        r.given_name.clone(),
        r.family_name.clone(),
        r.birth_date.map(date).unwrap_or_default(),
        r.address.clone().unwrap_or_default(),
        cells::number(r.lon),
        cells::number(r.lat),
        r.mobility.clone(),
        r.max_trip_minutes.to_string(),
        cells::number(r.hours_per_week),
        date(r.earliest_start),
        date(r.waiting_since),
        cells::skills(&r.skills.0),
        cells::languages(&r.languages),
        cells::list(&r.health_limits.0),
        cells::list(&r.refused_sectors.0),
        r.status.clone(),
        referent_email.unwrap_or_default().to_owned(),
    ]
}

/// The columns an export writes.
pub fn exported_columns() -> Vec<&'static str> {
    super::exported(COLUMNS)
}

/// Writes files as CSV with a header; `emails` gives each user's email (the référents').
pub fn write_csv(
    rows: &[BeneficiaryRow],
    emails: &HashMap<Uuid, String>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let records = rows.iter().map(|r| {
        let email = r.referent_user_id.and_then(|u| emails.get(&u));
        record(r, email.map(String::as_str))
    });
    super::write_csv(&exported_columns(), records, out)
}

pub(super) async fn export(
    store: &dyn Store,
    format: Format,
    office: Option<Uuid>,
    out: &mut dyn Write,
) -> Result<usize, ExportError> {
    if format == Format::Geojson {
        return Err(ExportError::Options(Msg::new(
            "export-no-geojson-for-beneficiaries",
        )));
    }
    let filter = BeneficiaryFilter {
        office_id: office,
        ..Default::default()
    };
    let rows = store.list_beneficiaries(&filter, None, u32::MAX).await?;
    match format {
        Format::Csv => {
            let emails: HashMap<Uuid, String> = store
                .list_users()
                .await?
                .into_iter()
                .map(|u| (u.id, u.email))
                .collect();
            write_csv(&rows, &emails, out)?;
        }
        _ => super::write_objects::<_, Beneficiary>(format, &rows, |r| (r.lon, r.lat), out)?,
    }
    Ok(rows.len())
}
