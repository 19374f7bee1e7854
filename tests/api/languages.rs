//! The service speaks French, Dutch, German and English: `Accept-Language` picks one, French
//! when it names none of them; the machine codes stay the same in every language. (A signed-in
//! user's own preference is in `sessions.rs`.)

use axum::body::Body;
use axum::http::Request;
use placematch::api::auth::Role;
use placematch::demo::{Territory, load};
use serde_json::{Value, json};

use crate::harness::{Reply, TestApp, expect, id_of, items, person_body};

const TODAY: time::Date = time::macros::date!(2026 - 11 - 24);

async fn get_in(app: &TestApp, uri: &str, token: &str, language: Option<&str>) -> Reply {
    let mut request = Request::builder()
        .uri(uri)
        .header("authorization", format!("Bearer {token}"));
    if let Some(l) = language {
        request = request.header("accept-language", l);
    }
    app.exact(request.body(Body::empty()).unwrap()).await
}

/// The words of a suggestion list, and its codes and figures apart.
fn words_and_codes(body: &Value) -> (Vec<String>, Vec<Value>) {
    let mut words = Vec::new();
    let mut codes = Vec::new();
    for item in items(body) {
        for part in item["breakdown"].as_array().unwrap() {
            words.push(part["explanation"].as_str().unwrap().to_owned());
            codes.push(json!([part["criterion"], part["points"]]));
        }
    }
    for x in body["excluded"].as_array().unwrap() {
        for r in x["reasons"].as_array().unwrap() {
            words.push(r["explanation"].as_str().unwrap().to_owned());
            codes.push(json!([r["code"], r["params"]]));
        }
    }
    (words, codes)
}

#[tokio::test]
async fn suggestions_answer_in_the_asked_language_with_the_same_codes() {
    let app = TestApp::new().await;
    let loaded = load(app.store(), Territory::Luxembourg, 5, 0.5, TODAY)
        .await
        .unwrap();
    let caseworker = app
        .token(Role::Caseworker, Some(loaded.office_id), None)
        .await;
    let people = expect(
        app.get("/v1/beneficiaries?limit=40", &caseworker).await,
        200,
    );
    // A person with both suggestions and exclusions.
    let mut chosen = None;
    for person in items(&people) {
        let uri = format!("/v1/beneficiaries/{}/suggestions", id_of(person));
        let body = expect(app.get(&uri, &caseworker).await, 200);
        if !items(&body).is_empty() && !body["excluded"].as_array().unwrap().is_empty() {
            chosen = Some(uri);
            break;
        }
    }
    let uri = chosen.expect("a demo person with suggestions and exclusions");

    let mut seen = Vec::new();
    for (asked, answered, waiting) in [
        (None, "fr", "En attente depuis "),
        (Some("nl"), "nl", "Wacht sinds "),
        (Some("de-LU, fr;q=0.5"), "de", "Wartet seit "),
        (Some("en-GB,en;q=0.9"), "en", "Waiting for "),
        (Some("lb, fr;q=0.8, en;q=0.5"), "fr", "En attente depuis "),
        (Some("pt-BR"), "fr", "En attente depuis "),
    ] {
        let reply = get_in(&app, &uri, &caseworker, asked).await;
        assert_eq!(reply.headers["content-language"], answered, "{asked:?}");
        assert!(
            reply.headers["vary"]
                .to_str()
                .unwrap()
                .contains("accept-language")
        );
        let body = expect(reply, 200);
        let waiting_text = items(&body)[0]["breakdown"][4]["explanation"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            waiting_text.starts_with(waiting),
            "{asked:?}: {waiting_text}"
        );
        seen.push((answered, words_and_codes(&body)));
    }
    // The same codes and figures in every language, and different words.
    let (_, (french, codes)) = &seen[0];
    for (language, (words, other_codes)) in &seen[1..] {
        assert_eq!(other_codes, codes, "{language}: the codes are the same");
        if *language != "fr" {
            assert!(
                words.iter().zip(french).all(|(a, b)| a != b),
                "{language}: every sentence is translated: {words:?}"
            );
        }
    }
}

#[tokio::test]
async fn validation_problems_and_field_messages_are_translated_beside_stable_codes() {
    let (app, w) = TestApp::with_world().await;
    let mut bad = person_body("ESCH-LANG");
    bad["mobility"] = json!("on foot");
    bad["languages"] = json!([{"language": "pt", "level": "B7"}]);
    let uri = "/v1/beneficiaries";
    let mut codes = Vec::new();
    for (language, title, mobility) in [
        (
            "nl",
            "het verzoek is niet geldig",
            "'on foot' is geen van: walk, bike, public_transport, car",
        ),
        (
            "de",
            "die Anfrage ist ungültig",
            "„on foot“ ist keiner der Werte: walk, bike, public_transport, car",
        ),
        (
            "fr",
            "la requête n'est pas valide",
            "« on foot » n'est pas l'une des valeurs : walk, bike, public_transport, car",
        ),
    ] {
        let request = Request::builder()
            .method("POST")
            .uri(uri)
            .header("authorization", format!("Bearer {}", w.caseworker))
            .header("content-type", "application/json")
            .header("accept-language", language)
            .body(Body::from(bad.to_string()))
            .unwrap();
        let problem = expect(app.exact(request).await, 422);
        assert_eq!(problem["code"], "validation_failed");
        assert_eq!(problem["title"], title);
        let errors = problem["errors"].as_array().unwrap();
        let mobility_error = errors.iter().find(|e| e["field"] == "mobility").unwrap();
        assert_eq!(mobility_error["message"], mobility, "{language}");
        assert_eq!(mobility_error["code"], "field-not-one-of");
        codes.push(
            errors
                .iter()
                .map(|e| (e["field"].clone(), e["code"].clone()))
                .collect::<Vec<_>>(),
        );
    }
    assert!(codes.windows(2).all(|w| w[0] == w[1]), "{codes:?}");
}

#[tokio::test]
async fn a_file_s_problems_are_named_by_line_and_column_in_the_asked_language() {
    let (app, w) = TestApp::with_world().await;
    let csv = "external_ref,given_name,family_name,lon,lat,mobility,max_trip_minutes,hours_per_week\n\
               A-1,Ana,Silva,6.1,49.6,walk,30,douze\n";
    let boundary = "X-BOUNDARY";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"people.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    let request = Request::builder()
        .method("POST")
        .uri(format!(
            "/v1/imports?kind=beneficiaries&office_id={}",
            w.office
        ))
        .header("authorization", format!("Bearer {}", w.admin))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("accept-language", "de")
        .body(Body::from(body))
        .unwrap();
    let problem = expect(app.exact(request).await, 422);
    assert_eq!(problem["code"], "invalid_file");
    assert_eq!(
        problem["title"],
        "die Datei wurde nicht importiert: 1 Problem, nichts wurde geschrieben"
    );
    let row = &problem["errors"][0];
    assert_eq!(problem["errors"].as_array().unwrap().len(), 1, "{problem}");
    assert_eq!(row["line"], 2);
    assert_eq!(row["column"], "hours_per_week");
    assert_eq!(row["code"], "cell-not-a-number");
    assert_eq!(row["message"], "„douze“ ist keine Zahl");
}

/// A stored rebalancing report keeps its sentences as messages: each reader gets them in their
/// language, with the same codes.
#[tokio::test]
async fn a_rebalancing_report_is_read_in_the_reader_s_language() {
    let app = TestApp::new().await;
    let loaded = load(app.store(), Territory::Luxembourg, 3, 0.3, TODAY)
        .await
        .unwrap();
    let admin = app.admin().await;
    // Openings of the demo are scarcer than people: some are left without a proposal.
    let run = expect(
        app.post(
            "/v1/rebalancing-runs",
            &admin,
            json!({"office_id": loaded.office_id}),
        )
        .await,
        201,
    );
    let uri = format!("/v1/rebalancing-runs/{}", id_of(&run));
    let unassigned = |report: &Value| -> Vec<(Value, String)> {
        report["report"]["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["change"] == "unassigned")
            .map(|l| {
                (
                    l["reason"]["kind"].clone(),
                    l["reason"]["explanation"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let german = unassigned(&expect(get_in(&app, &uri, &admin, Some("de")).await, 200));
    let french = unassigned(&expect(get_in(&app, &uri, &admin, None).await, 200));
    assert!(
        !german.is_empty(),
        "the demo leaves someone without a proposal"
    );
    assert_eq!(german.len(), french.len());
    for ((kind_de, de), (kind_fr, fr)) in german.iter().zip(&french) {
        assert_eq!(kind_de, kind_fr);
        assert!(
            ["Keine ", "Die beste ", "Die möglichen "]
                .iter()
                .any(|s| de.starts_with(s)),
            "{de}"
        );
        assert!(
            ["Aucune ", "Sa meilleure ", "Ses offres "]
                .iter()
                .any(|s| fr.starts_with(s)),
            "{fr}"
        );
    }
}
