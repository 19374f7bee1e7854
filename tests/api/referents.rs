//! Caseworkers' portfolios: a person's référent and its history, the list by référent (`me`
//! through a signed-in user's session), and an office's caseloads with the counts a team lead
//! reads, on SQLite and PostgreSQL, with the same tenant rules through a session as through a
//! token.

use axum::body::Body;
use axum::http::{Method, Request};
use placematch::app::accounts::random_hex;
use placematch::store::{NewUser, SessionRow};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::harness::{Reply, TestApp, World, expect, expect_field_error, id_of, items};

/// A user of the service, with a live session opened for them.
struct SignedIn {
    id: Uuid,
    cookie: String,
    csrf: String,
}

/// Creates a user of `role` in `office` and opens a session for them, as signing in does (the
/// sign-in form itself is tested in `sessions`).
async fn user(app: &TestApp, email: &str, name: &str, office: Option<&str>) -> SignedIn {
    let user = app
        .store()
        .create_user(&NewUser {
            email: email.into(),
            display_name: name.into(),
            role: if office.is_some() {
                "caseworker"
            } else {
                "admin"
            }
            .into(),
            office_id: office.map(|o| o.parse().unwrap()),
            organisation_id: None,
            language: "fr".into(),
            password_hash: None,
        })
        .await
        .unwrap();
    let (secret, csrf) = (random_hex(), random_hex());
    let now = placematch::store::now();
    app.store()
        .create_session(&SessionRow {
            id: placematch::store::new_id(),
            secret_hash: sha256_hex(&secret),
            user_id: user.id,
            csrf_token: csrf.clone(),
            created_at: now,
            last_seen_at: now,
        })
        .await
        .unwrap();
    SignedIn {
        id: user.id,
        cookie: format!("placematch_session={secret}"),
        csrf,
    }
}

fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

impl SignedIn {
    /// A request with the session cookie (and, for a change, its CSRF token).
    async fn call(&self, app: &TestApp, method: Method, uri: &str, body: Option<Value>) -> Reply {
        let mut builder = Request::builder()
            .method(method.clone())
            .uri(uri)
            .header("cookie", &self.cookie);
        if method != Method::GET {
            builder = builder.header("x-csrf-token", &self.csrf);
        }
        let request = match body {
            Some(b) => builder
                .header("content-type", "application/json")
                .body(Body::from(b.to_string()))
                .unwrap(),
            None => builder.body(Body::empty()).unwrap(),
        };
        app.raw(request).await
    }

    async fn get(&self, app: &TestApp, uri: &str) -> Reply {
        self.call(app, Method::GET, uri, None).await
    }
}

/// The world's second office (the `other_caseworker`'s).
async fn other_office(app: &TestApp, w: &World) -> String {
    let offices = expect(app.get("/v1/offices", &w.admin).await, 200);
    items(&offices)
        .iter()
        .map(|o| id_of(o).to_owned())
        .find(|o| *o != w.office)
        .unwrap()
}

fn referent_uri(person: &Value) -> String {
    format!("/v1/beneficiaries/{}/referent", id_of(person))
}

/// The ids of a page of files.
fn ids(page: &Value) -> Vec<&str> {
    items(page).iter().map(id_of).collect()
}

async fn a_referent_is_assigned_changed_and_cleared_and_the_history_keeps_each_period(
    postgres: bool,
) {
    let app = TestApp::on(postgres, Default::default()).await;
    let w = app.world().await;
    let other = other_office(&app, &w).await;
    let anne = user(&app, "anne.weber@esch.lu", "Anne Weber", Some(&w.office)).await;
    let marc = user(&app, "marc.schmit@esch.lu", "", Some(&w.office)).await;
    let paul = user(&app, "paul@dudelange.lu", "Paul", Some(&other)).await;
    let admin_user = user(&app, "admin@placematch.lu", "Admin", None).await;
    let person = app.create_person(&w.caseworker, "P-1").await;
    assert!(person["referent"].is_null(), "{person}");

    let set = expect(
        app.put(
            &referent_uri(&person),
            &w.caseworker,
            json!({"user_id": anne.id}),
        )
        .await,
        200,
    );
    assert_eq!(
        set["referent"],
        json!({"id": anne.id, "name": "Anne Weber"})
    );
    let uri = format!("/v1/beneficiaries/{}", id_of(&person));
    assert_eq!(expect(app.get(&uri, &w.caseworker).await, 200), set);
    let moved = expect(
        app.put(
            &referent_uri(&person),
            &w.admin,
            json!({"user_id": marc.id}),
        )
        .await,
        200,
    );
    assert_eq!(
        moved["referent"],
        json!({"id": marc.id, "name": "marc.schmit@esch.lu"}),
        "no display name: the email"
    );
    let cleared = expect(
        app.put(
            &referent_uri(&person),
            &w.caseworker,
            json!({"user_id": null}),
        )
        .await,
        200,
    );
    assert!(cleared["referent"].is_null());

    let history = expect(
        app.get(&format!("{uri}/referents"), &w.caseworker).await,
        200,
    );
    let periods = items(&history);
    assert_eq!(periods.len(), 3, "{history}");
    assert_eq!(periods[0]["referent"]["id"], json!(anne.id));
    assert_eq!(periods[1]["referent"]["id"], json!(marc.id));
    assert!(periods[2]["referent"].is_null());
    assert_eq!(periods[0]["ended_at"], periods[1]["assigned_at"]);
    assert!(periods[2]["ended_at"].is_null(), "the current period lasts");
    assert!(periods.iter().all(|p| p["assigned_by"].is_null()), "tokens");
    let roles: Vec<&str> = periods
        .iter()
        .map(|p| p["assigned_by_role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, vec!["caseworker", "admin", "caseworker"]);

    // Only an enabled caseworker of the person's office: the field is named, nothing changes.
    for refused in [paul.id, admin_user.id, Uuid::new_v4()] {
        let problem = expect_field_error(
            app.put(
                &referent_uri(&person),
                &w.caseworker,
                json!({"user_id": refused}),
            )
            .await,
            "user_id",
        );
        assert_eq!(
            problem["errors"][0]["message"],
            "is not a caseworker of this person's office: only one can be their référent"
        );
    }
    expect(
        app.post(
            &format!("/v1/users/{}/disable", anne.id),
            &w.admin,
            json!({}),
        )
        .await,
        200,
    );
    let problem = expect_field_error(
        app.put(
            &referent_uri(&person),
            &w.caseworker,
            json!({"user_id": anne.id}),
        )
        .await,
        "user_id",
    );
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("disabled"),
        "{problem}"
    );
    let history = expect(app.get(&format!("{uri}/referents"), &w.admin).await, 200);
    assert_eq!(items(&history).len(), 3, "refusals wrote nothing");
    // The right of access shows the same history.
    let export = expect(app.get(&format!("{uri}/export"), &w.admin).await, 200);
    assert_eq!(&export["referents"], &history["items"]);

    // Another office's caseworker, a host: as for the file itself.
    for (token, status) in [(&w.other_caseworker, 404), (&w.host, 403)] {
        expect(
            app.put(&referent_uri(&person), token, json!({"user_id": null}))
                .await,
            status,
        );
        expect(app.get(&format!("{uri}/referents"), token).await, status);
    }
    // Each change is an update of the file in the audit trail, the history a read.
    let events: Vec<Value> = app
        .all_audit_events(&w.admin)
        .await
        .into_iter()
        .filter(|e| e["object_id"] == person["id"])
        .collect();
    let actions: Vec<&str> = events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec![
            "create", "update", "read", "update", "update", "read", "read", "export"
        ]
    );
    app.finish().await;
}

#[tokio::test]
async fn a_referent_is_assigned_changed_and_cleared_and_the_history_keeps_each_period_on_sqlite() {
    a_referent_is_assigned_changed_and_cleared_and_the_history_keeps_each_period(false).await;
}

#[tokio::test]
async fn a_referent_is_assigned_changed_and_cleared_and_the_history_keeps_each_period_on_postgres()
{
    a_referent_is_assigned_changed_and_cleared_and_the_history_keeps_each_period(true).await;
}

async fn referent_me_lists_the_signed_in_caseworkers_people_and_none_those_nobody_follows(
    postgres: bool,
) {
    let app = TestApp::on(postgres, Default::default()).await;
    let w = app.world().await;
    let anne = user(&app, "anne.weber@esch.lu", "Anne Weber", Some(&w.office)).await;
    let marc = user(&app, "marc.schmit@esch.lu", "Marc Schmit", Some(&w.office)).await;
    let mine = app.create_person(&w.caseworker, "M-1").await;
    let his = app.create_person(&w.caseworker, "M-2").await;
    let nobodys = app.create_person(&w.caseworker, "M-3").await;
    for (person, referent) in [(&mine, anne.id), (&his, marc.id)] {
        expect(
            app.put(
                &referent_uri(person),
                &w.caseworker,
                json!({"user_id": referent}),
            )
            .await,
            200,
        );
    }
    let page = expect(anne.get(&app, "/v1/beneficiaries?referent=me").await, 200);
    assert_eq!(ids(&page), vec![id_of(&mine)]);
    let page = expect(anne.get(&app, "/v1/beneficiaries?referent=none").await, 200);
    assert_eq!(ids(&page), vec![id_of(&nobodys)]);

    // Anne takes the third person herself, through her session: the history names her.
    let taken = anne
        .call(
            &app,
            Method::PUT,
            &referent_uri(&nobodys),
            Some(json!({"user_id": anne.id})),
        )
        .await;
    expect(taken, 200);
    let page = expect(anne.get(&app, "/v1/beneficiaries?referent=me").await, 200);
    assert_eq!(ids(&page), vec![id_of(&mine), id_of(&nobodys)]);
    let page = expect(anne.get(&app, "/v1/beneficiaries?referent=none").await, 200);
    assert!(items(&page).is_empty());
    let history = expect(
        anne.get(
            &app,
            &format!("/v1/beneficiaries/{}/referents", id_of(&nobodys)),
        )
        .await,
        200,
    );
    assert_eq!(
        history["items"][0]["assigned_by"],
        json!({"id": anne.id, "name": "Anne Weber"})
    );
    // Without the CSRF token, the session's change is refused.
    let forged = Request::builder()
        .method(Method::PUT)
        .uri(referent_uri(&his))
        .header("cookie", &anne.cookie)
        .header("content-type", "application/json")
        .body(Body::from(json!({"user_id": anne.id}).to_string()))
        .unwrap();
    assert_eq!(expect(app.raw(forged).await, 403)["code"], "csrf");

    // A token has no user: `me` is refused, naming the parameter; a user's id works.
    let problem = expect_field_error(
        app.get("/v1/beneficiaries?referent=me", &w.caseworker)
            .await,
        "referent",
    );
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("signed-in user"),
        "{problem}"
    );
    let page = expect(
        app.get(
            &format!("/v1/beneficiaries?referent={}", marc.id),
            &w.caseworker,
        )
        .await,
        200,
    );
    assert_eq!(ids(&page), vec![id_of(&his)]);
    expect_field_error(
        app.get("/v1/beneficiaries?referent=someone", &w.caseworker)
            .await,
        "referent",
    );
    // Another office sees none of them, whoever it asks for.
    let page = expect(
        app.get(
            &format!("/v1/beneficiaries?referent={}", marc.id),
            &w.other_caseworker,
        )
        .await,
        200,
    );
    assert!(items(&page).is_empty());
    app.finish().await;
}

#[tokio::test]
async fn referent_me_lists_the_signed_in_caseworkers_people_and_none_those_nobody_follows_on_sqlite()
 {
    referent_me_lists_the_signed_in_caseworkers_people_and_none_those_nobody_follows(false).await;
}

#[tokio::test]
async fn referent_me_lists_the_signed_in_caseworkers_people_and_none_those_nobody_follows_on_postgres()
 {
    referent_me_lists_the_signed_in_caseworkers_people_and_none_those_nobody_follows(true).await;
}

/// Moves a placement with `token` (`accept`, `confirm`, `start`, `decline`).
async fn step(app: &TestApp, token: &str, placement: &Value, transition: &str) {
    let body = if transition == "decline" {
        json!({"reason": "the person moved to another town"})
    } else {
        json!({})
    };
    expect(
        app.post(
            &format!("/v1/placements/{}/{transition}", id_of(placement)),
            token,
            body,
        )
        .await,
        200,
    );
}

async fn caseloads_show_what_each_caseworker_carries_and_who_has_no_referent(postgres: bool) {
    let app = TestApp::on(postgres, Default::default()).await;
    let w = app.world().await;
    let other = other_office(&app, &w).await;
    let anne = user(&app, "anne.weber@esch.lu", "Anne Weber", Some(&w.office)).await;
    let marc = user(&app, "marc.schmit@esch.lu", "Marc Schmit", Some(&w.office)).await;
    let zoe = user(&app, "zoe@esch.lu", "Zoé Muller", Some(&w.office)).await;
    user(&app, "paul@dudelange.lu", "Paul", Some(&other)).await;
    let opening = app.create_opening(&w.host, 20).await;
    let mut n = 0;
    let mut file = async |referent: Option<Uuid>, status: &str| {
        n += 1;
        let mut body = crate::harness::person_body(&format!("C-{n}"));
        body["status"] = json!(status);
        let person = expect(
            app.post("/v1/beneficiaries", &w.caseworker, body).await,
            201,
        );
        if let Some(r) = referent {
            expect(
                app.put(&referent_uri(&person), &w.caseworker, json!({"user_id": r}))
                    .await,
                200,
            );
        }
        person
    };
    // Anne: one waiting, one proposed, one accepted, one at work, one whose proposal was
    // declined (waiting again), one paused, one who left the programme.
    file(Some(anne.id), "waiting").await;
    let proposed = file(Some(anne.id), "waiting").await;
    let accepted = file(Some(anne.id), "waiting").await;
    let working = file(Some(anne.id), "placed").await;
    let declined = file(Some(anne.id), "waiting").await;
    file(Some(anne.id), "paused").await;
    file(Some(anne.id), "exited").await;
    // Marc: one confirmed by the host.
    let confirmed = file(Some(marc.id), "waiting").await;
    // Nobody: two waiting people, one of them proposed.
    file(None, "waiting").await;
    let unfollowed = file(None, "waiting").await;
    let (caseworker, host) = (w.caseworker.as_str(), w.host.as_str());
    let moves: [(&Value, &[(&str, &str)]); 6] = [
        (&proposed, &[]),
        (&accepted, &[(caseworker, "accept")]),
        (
            &working,
            &[(caseworker, "accept"), (host, "confirm"), (host, "start")],
        ),
        (&declined, &[(caseworker, "decline")]),
        (&confirmed, &[(caseworker, "accept"), (host, "confirm")]),
        (&unfollowed, &[]),
    ];
    for (person, steps) in moves {
        let placement = app.propose(&w.caseworker, person, &opening).await;
        for (token, transition) in steps {
            step(&app, token, &placement, transition).await;
        }
    }
    // Another office's people count there, not here.
    app.create_person(&w.other_caseworker, "D-1").await;

    let expected = json!({
        "office_id": w.office,
        "caseworkers": [
            {"id": anne.id, "name": "Anne Weber", "disabled": false,
             "people": 6, "waiting": 2, "proposed": 2, "active": 1},
            {"id": marc.id, "name": "Marc Schmit", "disabled": false,
             "people": 1, "waiting": 0, "proposed": 1, "active": 0},
            {"id": zoe.id, "name": "Zoé Muller", "disabled": false,
             "people": 0, "waiting": 0, "proposed": 0, "active": 0},
        ],
        "unassigned": {"people": 2, "waiting": 1, "proposed": 1, "active": 0},
    });
    let uri = format!("/v1/offices/{}/caseloads", w.office);
    assert_eq!(expect(app.get(&uri, &w.caseworker).await, 200), expected);
    assert_eq!(expect(app.get(&uri, &w.admin).await, 200), expected);
    assert_eq!(expect(anne.get(&app, &uri).await, 200), expected);

    // A disabled caseworker still shows what they carry until someone takes it over.
    expect(
        app.post(
            &format!("/v1/users/{}/disable", marc.id),
            &w.admin,
            json!({}),
        )
        .await,
        200,
    );
    let after = expect(app.get(&uri, &w.admin).await, 200);
    assert_eq!(after["caseworkers"][1]["disabled"], true);
    assert_eq!(after["caseworkers"][1]["people"], 1);
    // The other office: its own people, nobody's.
    let there = expect(
        app.get(&format!("/v1/offices/{other}/caseloads"), &w.admin)
            .await,
        200,
    );
    assert_eq!(
        there["unassigned"],
        json!({"people": 1, "waiting": 1, "proposed": 0, "active": 0})
    );
    assert_eq!(there["caseworkers"][0]["name"], "Paul");
    app.finish().await;
}

#[tokio::test]
async fn caseloads_show_what_each_caseworker_carries_and_who_has_no_referent_on_sqlite() {
    caseloads_show_what_each_caseworker_carries_and_who_has_no_referent(false).await;
}

#[tokio::test]
async fn caseloads_show_what_each_caseworker_carries_and_who_has_no_referent_on_postgres() {
    caseloads_show_what_each_caseworker_carries_and_who_has_no_referent(true).await;
}

async fn another_offices_caseloads_are_404_through_a_session_as_through_a_token(postgres: bool) {
    let app = TestApp::on(postgres, Default::default()).await;
    let w = app.world().await;
    let other = other_office(&app, &w).await;
    let anne = user(&app, "anne.weber@esch.lu", "Anne Weber", Some(&w.office)).await;
    let paul = user(&app, "paul@dudelange.lu", "Paul", Some(&other)).await;
    let person = app.create_person(&w.caseworker, "T-1").await;
    expect(
        app.put(
            &referent_uri(&person),
            &w.caseworker,
            json!({"user_id": anne.id}),
        )
        .await,
        200,
    );
    let mine = format!("/v1/offices/{}/caseloads", w.office);
    let theirs = format!("/v1/offices/{other}/caseloads");
    let unknown = format!("/v1/offices/{}/caseloads", Uuid::new_v4());

    // Office B's caseworker, signed in: A's caseloads do not exist for them, B's do.
    let not_found = expect(paul.get(&app, &mine).await, 404);
    assert_eq!(not_found["code"], "not_found");
    assert_eq!(expect(paul.get(&app, &unknown).await, 404), not_found);
    expect(paul.get(&app, &theirs).await, 200);
    // The same through office B's token (the signed-in user reads French, her preference;
    // the test client asks for English: the same problem in other words).
    let by_token = expect(app.get(&mine, &w.other_caseworker).await, 404);
    assert_eq!(by_token["code"], not_found["code"]);
    assert_eq!(by_token["title"], "no such office");
    assert_eq!(not_found["title"], "office introuvable");
    expect(app.get(&theirs, &w.other_caseworker).await, 200);
    // And B's caseworker cannot reach A's people by référent either.
    let page = expect(
        paul.get(&app, &format!("/v1/beneficiaries?referent={}", anne.id))
            .await,
        200,
    );
    assert!(items(&page).is_empty());
    expect(
        paul.call(
            &app,
            Method::PUT,
            &referent_uri(&person),
            Some(json!({"user_id": paul.id})),
        )
        .await,
        404,
    );
    // Office A's caseworker, signed in, is refused B's caseloads the same way.
    expect(anne.get(&app, &theirs).await, 404);
    // Hosts and schedulers see no office data; without credentials, 401.
    for token in [&w.host, &w.scheduler] {
        expect(app.get(&mine, token).await, 403);
    }
    expect(app.call(Method::GET, &mine, None, None).await, 401);
    expect(app.get(&unknown, &w.admin).await, 404);
    app.finish().await;
}

#[tokio::test]
async fn another_offices_caseloads_are_404_through_a_session_as_through_a_token_on_sqlite() {
    another_offices_caseloads_are_404_through_a_session_as_through_a_token(false).await;
}

#[tokio::test]
async fn another_offices_caseloads_are_404_through_a_session_as_through_a_token_on_postgres() {
    another_offices_caseloads_are_404_through_a_session_as_through_a_token(true).await;
}
