//! The size of everything a person or a file may write: one table, enforced by the checks of the
//! API, the CSV import and the forms alike (they all validate through [`text`] and [`count`]).
//! Without these, one host's 1 MB `tasks` travelled in every caseworker's suggestions.
//!
//! Lengths are in characters (Unicode scalar values) after trimming.

use crate::i18n::Msg;

/// Names of people, organisations, offices; titles of openings.
pub const NAME: usize = 200;
/// An office's or a host's own reference.
pub const EXTERNAL_REF: usize = 100;
/// A postal address.
pub const ADDRESS: usize = 300;
/// The tasks of an opening.
pub const TASKS: usize = 4000;
/// A sector name, of an opening or refused by a person.
pub const SECTOR: usize = 80;
/// The tutor named on an opening.
pub const TUTOR: usize = 200;
/// Why an opening's status changed, why a proposal was declined or a placement ended, why a
/// caseworker proposed despite a rule.
pub const REASON: usize = 1000;
/// A skill's label.
pub const SKILL_LABEL: usize = 100;

/// Skills of a person, required or wanted skills of an opening.
pub const SKILLS: usize = 50;
/// Languages of a person or an opening.
pub const LANGUAGES: usize = 20;
/// Sectors a person refuses.
pub const REFUSED_SECTORS: usize = 30;

/// Every limit by name, for the documentation and the tests.
pub const TABLE: &[(&str, usize)] = &[
    ("name", NAME),
    ("external_ref", EXTERNAL_REF),
    ("address", ADDRESS),
    ("tasks", TASKS),
    ("sector", SECTOR),
    ("tutor", TUTOR),
    ("reason", REASON),
    ("skill label", SKILL_LABEL),
    ("skills (count)", SKILLS),
    ("languages (count)", LANGUAGES),
    ("refused_sectors (count)", REFUSED_SECTORS),
];

/// Why `value` (already trimmed) is too long for a field of at most `max` characters, if it is.
pub fn text(value: &str, max: usize) -> Option<Msg> {
    // Counting stops one past the limit: a 1 MB value costs no more than a short one.
    let n = value.chars().take(max + 1).count();
    (n > max).then(|| Msg::new("field-too-long").int("max", max as i64))
}

/// Why a list of `len` items is too long for a list of at most `max`, if it is.
pub fn count(len: usize, max: usize) -> Option<Msg> {
    (len > max).then(|| {
        Msg::new("list-too-long")
            .int("max", max as i64)
            .int("len", len as i64)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_at_the_limit_passes_and_one_more_character_is_refused() {
        let at = "é".repeat(TASKS);
        assert_eq!(text(&at, TASKS), None);
        let over = format!("{at}x");
        assert_eq!(
            text(&over, TASKS).map(|m| m.render(crate::i18n::Language::En)),
            Some("must be at most 4,000 characters".to_owned())
        );
    }

    #[test]
    fn a_list_over_its_count_names_the_count() {
        assert_eq!(count(30, REFUSED_SECTORS), None);
        assert_eq!(
            count(31, REFUSED_SECTORS).map(|m| m.render(crate::i18n::Language::Fr)),
            Some("30 éléments au plus, et non 31".to_owned())
        );
    }
}
