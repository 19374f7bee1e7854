//! The four languages are complete: every message id of any file is in all four, with the same
//! variables, every id the code names exists, and nothing a person reads falls back to an id.

use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast;
use placematch::i18n::{Language, Msg};

const LANGUAGES: [Language; 4] = [Language::Fr, Language::Nl, Language::De, Language::En];

/// Every message of a file with the variables it uses (selectors and every variant included).
fn messages(language: Language) -> BTreeMap<String, BTreeSet<String>> {
    let resource = fluent_syntax::parser::parse(language.source())
        .unwrap_or_else(|(_, errors)| panic!("locales/{language}.ftl does not parse: {errors:?}"));
    let mut out = BTreeMap::new();
    for entry in resource.body {
        if let ast::Entry::Message(m) = entry {
            let mut vars = BTreeSet::new();
            if let Some(p) = &m.value {
                pattern_vars(p, &mut vars);
            }
            assert!(
                out.insert(m.id.name.to_owned(), vars).is_none(),
                "{language}: {} is defined twice",
                m.id.name
            );
        }
    }
    out
}

fn pattern_vars(p: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    for e in &p.elements {
        if let ast::PatternElement::Placeable { expression } = e {
            expression_vars(expression, vars);
        }
    }
}

fn expression_vars(e: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            for v in variants {
                pattern_vars(&v.value, vars);
            }
        }
        ast::Expression::Inline(i) => inline_vars(i, vars),
    }
}

fn inline_vars(i: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_owned());
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        _ => {}
    }
}

#[test]
fn every_message_is_in_all_four_languages_with_the_same_variables() {
    let all: Vec<_> = LANGUAGES.iter().map(|&l| (l, messages(l))).collect();
    let ids: BTreeSet<&String> = all.iter().flat_map(|(_, m)| m.keys()).collect();
    assert!(ids.len() > 200, "only {} messages", ids.len());
    let mut problems = Vec::new();
    for id in &ids {
        let reference = all
            .iter()
            .find_map(|(_, m)| m.get(*id))
            .expect("an id comes from some file");
        for (language, m) in &all {
            match m.get(*id) {
                None => problems.push(format!("{language}: {id} is missing")),
                Some(vars) if vars != reference => problems.push(format!(
                    "{language}: {id} uses {vars:?}, another language {reference:?}"
                )),
                Some(_) => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The ids the code names (`Msg::new("…")`, a page's `text("…")`, the parse errors'
/// `expected-…`, the terms' prefixes with each value of their list) all exist in French.
#[test]
fn every_id_the_code_names_exists() {
    let french = messages(Language::Fr);
    let mut named = BTreeSet::new();
    let mut stack = vec![std::path::PathBuf::from("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                // What is not found is named in every language (`thing-office`, …).
                for (at, _) in text.match_indices("NotFound(\"") {
                    let what: String = text[at + 10..].chars().take_while(|c| *c != '"').collect();
                    named.insert((
                        path.display().to_string(),
                        format!("thing-{}", what.replace(' ', "_")),
                    ));
                }
                for marker in ["Msg::new(\"", "text(\"", "t(\"", "\"expected-"] {
                    for (at, _) in text.match_indices(marker) {
                        let rest = &text[at + marker.len()..];
                        let id: String = rest.chars().take_while(|c| *c != '"').collect();
                        let id = match marker {
                            "\"expected-" => format!("expected-{id}"),
                            _ => id,
                        };
                        // `.text("name", …)` is an argument, not an id: ids hold a dash.
                        let id_like = id.contains('-')
                            && !id.ends_with('-')
                            && id
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                        if id_like {
                            named.insert((path.display().to_string(), id));
                        }
                    }
                }
            }
        }
    }
    assert!(
        named.len() > 150,
        "only {} ids found in the code",
        named.len()
    );
    let missing: Vec<_> = named
        .iter()
        .filter(|(_, id)| !french.contains_key(id))
        .collect();
    assert!(
        missing.is_empty(),
        "named in the code, not in fr.ftl: {missing:?}"
    );

    // Terms: every value of each list has its name in every language.
    use placematch::domain::{Mobility, OpeningKind, PhysicalDemand, Programme};
    let mut terms: Vec<String> = Vec::new();
    terms.extend(Programme::NAMES.iter().map(|v| format!("programme-{v}")));
    terms.extend(OpeningKind::NAMES.iter().map(|v| format!("kind-{v}")));
    terms.extend(Mobility::NAMES.iter().map(|v| format!("mobility-{v}")));
    terms.extend(PhysicalDemand::NAMES.iter().map(|v| format!("demand-{v}")));
    terms.extend(
        ["skills", "language", "travel", "hours", "waiting"]
            .iter()
            .map(|v| format!("criterion-name-{v}")),
    );
    terms.extend(
        placematch::domain::placement::PlacementState::NAMES
            .iter()
            .map(|v| format!("state-{v}")),
    );
    terms.extend(
        ["admin", "caseworker", "host", "scheduler"]
            .iter()
            .map(|v| format!("role-{v}")),
    );
    for language in LANGUAGES {
        for t in &terms {
            assert!(language.has(t), "{language}: the term {t} is missing");
        }
    }
}

#[test]
fn a_message_is_written_in_each_language_with_its_numbers_and_dates() {
    let too_far = Msg::new("exclusion-too-far")
        .int("minutes", 1234)
        .int("limit", 45);
    assert_eq!(
        too_far.render(Language::Fr),
        "Le trajet prend environ 1\u{202f}234 min, plus que les 45 min que la personne accepte."
    );
    assert_eq!(
        too_far.render(Language::Nl),
        "De reis duurt ongeveer 1.234 min, langer dan de 45 min die de persoon aanvaardt."
    );
    assert_eq!(
        too_far.render(Language::En),
        "The trip takes about 1,234 minutes, more than the 45 minutes the person accepts."
    );
    let ends = Msg::new("exclusion-ends-before-start")
        .date("end", time::macros::date!(2026 - 03 - 12))
        .date("earliest", time::macros::date!(2026 - 04 - 01));
    assert!(ends.render(Language::De).contains("am 12.03.2026"));
    assert!(ends.render(Language::Nl).contains("op 12-03-2026"));
    assert!(ends.render(Language::Fr).contains("le 12/03/2026"));
    let hours = Msg::new("criterion-hours")
        .dec("asked", 19.5, 1)
        .dec("available", 38.0, 1);
    assert_eq!(
        hours.render(Language::De),
        "19,5 Std. pro Woche von den 38 Std., die die Person arbeiten kann."
    );
    // Plural forms follow each language.
    let margin = |n: u8| Msg::new("criterion-language").int("margin", n);
    assert!(margin(1).render(Language::Fr).contains("de 1 niveau CECR"));
    assert!(margin(2).render(Language::Fr).contains("de 2 niveaux CECR"));
    assert!(margin(0).render(Language::Nl).contains("precies"));
    // A term names a value in the reader's language, a value with no name stays itself.
    let health = Msg::new("exclusion-health").term("demand", "demand", "night_work");
    assert!(health.render(Language::Nl).contains("nachtwerk"));
    let language = Msg::new("exclusion-language-missing")
        .term("language", "language", "sw")
        .text("needed", "B1");
    assert!(language.render(Language::En).contains("It needs sw at B1"));
}
