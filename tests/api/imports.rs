//! `POST /v1/imports`: the command-line import over HTTP, for admins only, with the same report
//! as problem+json; and locations given by place name in JSON bodies.

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};

use crate::harness::{
    TestApp, World, assert_first_message_contains, expect, expect_field_error, id_of, items,
    person_body, post_raw,
};

const PEOPLE: &str = "external_ref;given_name;family_name;birth_date;locality;mobility;max_trip_minutes;hours_per_week;languages\n\
    ESCH-1;Ana;Ferreira;12/03/1984;Esch-sur-Alzette;walk;30;20;fr:B1\n\
    ESCH-2;Bob;Martin;1990-01-01;Differdange;bike;45;20,5;lb:A2\n";

fn csv_request(uri: &str, token: &str, body: impl Into<Body>) -> Request<Body> {
    post_raw(uri, token, "text/csv; charset=utf-8", body)
}

fn multipart_request(uri: &str, token: &str, file: &str) -> Request<Body> {
    let boundary = "placematch-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"people.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
    );
    Request::post(uri)
        .header("authorization", format!("Bearer {token}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

/// Imports `file` as `kind` with the world's admin and returns the summary (200).
async fn import_file(app: &TestApp, w: &World, kind: &str, file: impl Into<Body>) -> Value {
    let uri = format!("/v1/imports?kind={kind}");
    expect(app.raw(csv_request(&uri, &w.admin, file)).await, 200)
}

fn uri(w: &World) -> String {
    format!("/v1/imports?kind=beneficiaries&office_id={}", w.office)
}

#[tokio::test]
async fn an_admin_imports_a_csv_body_and_a_second_time_nothing_changes() {
    let (app, w) = TestApp::with_world().await;
    let summary = expect(app.raw(csv_request(&uri(&w), &w.admin, PEOPLE)).await, 200);
    assert_eq!(
        summary,
        json!({"kind": "beneficiaries", "rows": 2, "created": 2, "updated": 0, "unchanged": 0, "dry_run": false})
    );
    let list = expect(app.get("/v1/beneficiaries", &w.caseworker).await, 200);
    let files = items(&list);
    assert_eq!(files.len(), 2);
    // Esch-sur-Alzette from the office's country, Luxembourg.
    assert_eq!(
        files[0]["location"],
        json!({"lon": 5.98056, "lat": 49.49583})
    );
    assert_eq!(files[1]["hours_per_week"], 20.5);
    let again = expect(app.raw(csv_request(&uri(&w), &w.admin, PEOPLE)).await, 200);
    assert_eq!(again["unchanged"], 2);
    // Each created file is in the audit trail.
    let audit = app.audit_log(&w.admin).await;
    let creates = items(&audit)
        .iter()
        .filter(|e| e["action"] == "create" && e["object_kind"] == "beneficiary")
        .count();
    assert_eq!(creates, 2);
}

#[tokio::test]
async fn a_multipart_upload_and_a_dry_run_work_like_the_command() {
    let (app, w) = TestApp::with_world().await;
    let dry = expect(
        app.raw(multipart_request(
            &format!("{}&dry_run=true", uri(&w)),
            &w.admin,
            PEOPLE,
        ))
        .await,
        200,
    );
    assert_eq!(
        (dry["created"].as_u64(), dry["dry_run"].as_bool()),
        (Some(2), Some(true))
    );
    let list = expect(app.get("/v1/beneficiaries", &w.caseworker).await, 200);
    assert!(items(&list).is_empty());
    let done = expect(
        app.raw(multipart_request(&uri(&w), &w.admin, PEOPLE)).await,
        200,
    );
    assert_eq!(done["created"], 2);
}

#[tokio::test]
async fn a_bad_file_is_a_422_listing_each_line_column_and_message_and_writes_nothing() {
    let (app, w) = TestApp::with_world().await;
    let bad = PEOPLE
        .replace("Differdange", "Diferdange")
        .replace("fr:B1", "fr:B9");
    let body = expect(app.raw(csv_request(&uri(&w), &w.admin, bad)).await, 422);
    assert_eq!(body["code"], "invalid_file");
    let errors = body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{body}");
    assert_eq!(errors[0]["line"], 2);
    assert_eq!(errors[0]["column"], "languages");
    assert_eq!(errors[1]["line"], 3);
    assert_eq!(errors[1]["column"], "locality");
    assert!(
        errors[1]["message"]
            .as_str()
            .unwrap()
            .contains("did you mean: Differdange"),
        "{body}"
    );
    let list = expect(app.get("/v1/beneficiaries", &w.caseworker).await, 200);
    assert!(items(&list).is_empty());
}

#[tokio::test]
async fn only_admins_may_import() {
    let (app, w) = TestApp::with_world().await;
    for token in [&w.caseworker, &w.host, &w.scheduler] {
        let body = expect(app.raw(csv_request(&uri(&w), token, PEOPLE)).await, 403);
        assert_eq!(body["code"], "forbidden");
    }
    let anonymous = Request::post(uri(&w))
        .header("content-type", "text/csv")
        .body(Body::from(PEOPLE))
        .unwrap();
    expect(app.raw(anonymous).await, 401);
}

#[tokio::test]
async fn an_unknown_office_is_a_404_and_a_wrong_kind_a_422() {
    let (app, w) = TestApp::with_world().await;
    let missing = format!(
        "/v1/imports?kind=beneficiaries&office_id={}",
        uuid::Uuid::new_v4()
    );
    expect(app.raw(csv_request(&missing, &w.admin, PEOPLE)).await, 404);
    expect_field_error(
        app.raw(csv_request("/v1/imports?kind=people", &w.admin, PEOPLE))
            .await,
        "kind",
    );
}

#[tokio::test]
async fn a_file_over_the_body_limit_is_a_413_and_a_json_body_a_415() {
    let (app, w) = TestApp::with_world().await;
    let big = PEOPLE.repeat(1024 * 1024 / PEOPLE.len() + 1);
    let body = expect(app.raw(csv_request(&uri(&w), &w.admin, big)).await, 413);
    assert_eq!(body["code"], "payload_too_large");
    let json_body = post_raw(&uri(&w), &w.admin, "application/json", "{}");
    let body = expect(app.raw(json_body).await, 415);
    assert!(body["title"].as_str().unwrap().contains("text/csv"));
}

#[tokio::test]
async fn openings_and_organisations_import_by_reference() {
    let (app, w) = TestApp::with_world().await;
    let orgs = "external_ref,name,kind,locality,country\nLU-ESCH,Ville d'Esch,commune,Esch-sur-Alzette,LU\n";
    let done = import_file(&app, &w, "organisations", orgs).await;
    assert_eq!(done["created"], 1);
    let openings = "external_ref,organisation_ref,title,kind,programmes,locality,country,seats,hours_per_week,start_date\n\
        ESCH-1,LU-ESCH,Aide jardinier,public_utility_work,revis,Esch-sur-Alzette,LU,2,20,01/12/2026\n";
    let done = import_file(&app, &w, "openings", openings).await;
    assert_eq!(done["created"], 1);
    let list = expect(app.get("/v1/openings?limit=10", &w.caseworker).await, 200);
    let imported = items(&list)
        .iter()
        .find(|o| o["external_ref"] == "ESCH-1")
        .unwrap()
        .clone();
    assert_eq!(imported["start_date"], "2026-12-01");
    // An office makes no sense for openings.
    expect_field_error(
        app.raw(csv_request(
            &format!("/v1/imports?kind=openings&office_id={}", w.office),
            &w.admin,
            openings,
        ))
        .await,
        "office_id",
    );
}

#[tokio::test]
async fn a_json_body_may_give_a_place_name_instead_of_coordinates() {
    let (app, w) = TestApp::with_world().await;
    let mut body = person_body("PLACE-1");
    body["location"] = json!({"postcode": "L-4001", "locality": "Esch-sur-Alzette"});
    let created = expect(
        app.post("/v1/beneficiaries", &w.caseworker, body).await,
        201,
    );
    assert_eq!(
        created["location"],
        json!({"lon": 5.98056, "lat": 49.49583})
    );

    let mut body = person_body("PLACE-2");
    body["location"] = json!({"postcode": 1099, "country": "BE"});
    let problem = expect_field_error(
        app.post("/v1/beneficiaries", &w.caseworker, body).await,
        "location.postcode",
    );
    assert_first_message_contains(&problem, "postcode 1099 is unknown in BE; did you mean");

    let mut body = person_body("PLACE-3");
    body["location"] = json!({"lon": 6.0, "lat": 49.5, "locality": "Esch-sur-Alzette"});
    let problem = app
        .post_refused("/v1/beneficiaries", &w.caseworker, body)
        .await;
    assert_first_message_contains(&problem, "not both");

    let org = json!({"name": "Commune de Molenbeek", "kind": "commune",
        "location": {"postcode": "1080", "country": "Belgique"}});
    let created = expect(app.post("/v1/organisations", &w.admin, org).await, 201);
    assert_eq!(created["location"], json!({"lon": 4.31248, "lat": 50.8499}));
}

/// Suggestions read hosts' caps from the openings index; an organisation import that changes a
/// cap used to leave the index as it was. Every write that can change it now refreshes it.
#[tokio::test]
async fn an_organisation_import_that_changes_a_cap_reaches_suggestions_at_once() {
    let (app, w) = TestApp::with_world().await;
    let import = |cap: &str| {
        format!(
            "external_ref,name,kind,locality,country,monthly_intake_cap\nLU-ESCH,Ville d'Esch,commune,Esch-sur-Alzette,LU,{cap}\n"
        )
    };
    import_file(&app, &w, "organisations", import("5")).await;
    let openings = "external_ref,organisation_ref,title,kind,programmes,locality,country,seats,hours_per_week,start_date\n\
        ESCH-1,LU-ESCH,Aide jardinier,public_utility_work,revis,Esch-sur-Alzette,LU,2,20,01/12/2026\n";
    import_file(&app, &w, "openings", openings).await;
    let person = app.create_person(&w.caseworker, "CAP-1").await;
    let uri = format!(
        "/v1/beneficiaries/{}/suggestions?excluded_limit=100",
        id_of(&person)
    );
    let before = expect(app.get(&uri, &w.caseworker).await, 200);
    assert!(
        items(&before)
            .iter()
            .any(|s| s["opening"]["external_ref"] == "ESCH-1"),
        "{before}"
    );
    import_file(&app, &w, "organisations", import("0")).await;
    let after = expect(app.get(&uri, &w.caseworker).await, 200);
    let excluded = after["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["opening"]["external_ref"] == "ESCH-1")
        .unwrap_or_else(|| panic!("{after}"));
    assert_eq!(excluded["reasons"][0]["code"], "host_intake_cap");
}
