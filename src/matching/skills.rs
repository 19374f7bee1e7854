//! Skill text matching: normalise (case, accents, plurals, word order), then compare with
//! Jaro-Winkler. Codes (ROME, ESCO) match exactly and win over text.

use unicode_normalization::UnicodeNormalization;

use crate::domain::Skill;

/// A skill prepared for comparison: normalised text and code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NormalSkill {
    pub text: String,
    pub code: Option<String>,
}

/// Words that carry no meaning for matching.
const STOP_WORDS: &[&str] = &[
    "de", "des", "du", "la", "le", "les", "l", "d", "et", "en", "a", "au", "aux", "un", "une",
    "the", "of", "and", "in", "for",
];

/// Lowercase, accents removed, punctuation as spaces, stop words dropped, French/English plurals
/// reduced (`espaces verts` → `espace vert`), words sorted (`verts espaces` = `espaces verts`).
pub fn normalise(text: &str) -> String {
    let plain: String = text
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut words: Vec<String> = plain
        .split_whitespace()
        .filter(|w| !STOP_WORDS.contains(w))
        .map(singular)
        .collect();
    words.sort();
    words.dedup();
    words.join(" ")
}

fn singular(word: &str) -> String {
    let n = word.chars().count();
    if n > 3 && (word.ends_with("aux")) {
        // travaux → travail is irregular; chevaux → cheval is the common pattern.
        return format!("{}al", &word[..word.len() - 3]);
    }
    if n > 3 && (word.ends_with('s') || word.ends_with('x')) && !word.ends_with("ss") {
        return word[..word.len() - 1].to_owned();
    }
    word.to_owned()
}

impl NormalSkill {
    pub fn new(skill: &Skill) -> Self {
        Self {
            text: normalise(&skill.label),
            code: skill
                .code
                .as_ref()
                .map(|c| c.trim().to_uppercase())
                .filter(|c| !c.is_empty()),
        }
    }
}

/// Similarity of two prepared skills, 0.0 to 1.0: 1.0 for the same code, else Jaro-Winkler on the
/// normalised text (the better of whole-text and best-word-pair, so that "jardinage" matches
/// "entretien jardinage").
pub fn similarity(a: &NormalSkill, b: &NormalSkill) -> f64 {
    if let (Some(x), Some(y)) = (&a.code, &b.code)
        && x == y
    {
        return 1.0;
    }
    if a.text.is_empty() || b.text.is_empty() {
        return 0.0;
    }
    if a.text == b.text {
        return 1.0;
    }
    let whole = jaro_winkler(&a.text, &b.text);
    // A one-word skill contained in a longer one: "jardinage" in "entretien jardinage".
    let (short, long) = if a.text.len() <= b.text.len() {
        (&a.text, &b.text)
    } else {
        (&b.text, &a.text)
    };
    let contained = if !short.contains(' ') {
        long.split(' ')
            .map(|w| jaro_winkler(short, w))
            .fold(0.0, f64::max)
            * 0.95
    } else {
        0.0
    };
    whole.max(contained)
}

/// [`strsim::jaro_winkler`], on bytes when both texts are ASCII: a byte is then a character,
/// so strsim's own generic version gives the same number without decoding UTF-8 at every step
/// of its inner loop.
fn jaro_winkler(a: &str, b: &str) -> f64 {
    if a.is_ascii() && b.is_ascii() {
        strsim::generic_jaro_winkler(&Bytes(a.as_bytes()), &Bytes(b.as_bytes()))
    } else {
        strsim::jaro_winkler(a, b)
    }
}

/// A text's bytes as strsim's generic functions take a sequence.
struct Bytes<'a>(&'a [u8]);

impl<'b> IntoIterator for &Bytes<'b> {
    type Item = u8;
    type IntoIter = std::iter::Copied<std::slice::Iter<'b, u8>>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().copied()
    }
}

/// The person's best similarity to one asked skill.
pub fn best_similarity(person: &[NormalSkill], asked: &NormalSkill) -> f64 {
    person
        .iter()
        .map(|p| similarity(p, asked))
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn jaro_winkler_on_bytes_is_strsims_to_the_last_bit(
            a in "[a-e é]{0,24}",
            b in "[a-e é]{0,24}",
        ) {
            prop_assert_eq!(jaro_winkler(&a, &b).to_bits(), strsim::jaro_winkler(&a, &b).to_bits());
        }
    }

    fn s(text: &str) -> NormalSkill {
        NormalSkill::new(&Skill::new(text))
    }

    #[test]
    fn normalisation_ignores_case_accents_plurals_and_word_order() {
        assert_eq!(
            normalise("Entretien des Espaces Verts"),
            "entretien espace vert"
        );
        assert_eq!(
            normalise("espaces verts, entretien"),
            "entretien espace vert"
        );
        assert_eq!(normalise("Électricité"), "electricite");
    }

    #[test]
    fn the_same_skill_written_differently_is_a_full_match() {
        assert_eq!(similarity(&s("Espaces verts"), &s("espace vert")), 1.0);
        assert!(similarity(&s("jardinage"), &s("jardinnage")) > 0.9, "typo");
        assert!(
            similarity(&s("jardinage"), &s("entretien jardinage")) > 0.9,
            "contained word"
        );
    }

    #[test]
    fn unrelated_skills_stay_below_the_match_threshold() {
        assert!(similarity(&s("cuisine collective"), &s("maçonnerie")) < 0.85);
        assert!(similarity(&s("comptabilité"), &s("jardinage")) < 0.85);
    }

    #[test]
    fn equal_codes_match_whatever_the_text() {
        let a = NormalSkill::new(&Skill::with_code("espaces verts", "a1203"));
        let b = NormalSkill::new(&Skill::with_code("paysagiste", "A1203"));
        assert_eq!(similarity(&a, &b), 1.0);
    }
}
