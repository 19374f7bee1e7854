//! `placematch suggest --input FILE --beneficiary ID [--limit N]`: explained suggestions for one
//! person from a JSON file of beneficiaries and openings, printed as JSON.

use std::path::PathBuf;

use anyhow::{Context, bail};
use serde::Deserialize;
use uuid::Uuid;

use crate::matching::{Beneficiary, MatchingConfig, Opening, OpeningIndex, suggest};

#[derive(clap::Args, Debug)]
pub struct SuggestArgs {
    /// JSON file: `{"today": "YYYY-MM-DD", "config": {…}?, "beneficiaries": […], "openings": […]}`.
    #[arg(long)]
    pub input: PathBuf,
    /// Id of the person.
    #[arg(long)]
    pub beneficiary: Uuid,
    /// How many suggestions.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=200))]
    pub limit: u32,
    /// How many excluded openings within reach to explain.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(0..=1000))]
    pub excluded: u32,
}

/// The input file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuggestInput {
    pub today: time::Date,
    #[serde(default)]
    pub config: MatchingConfig,
    pub beneficiaries: Vec<Beneficiary>,
    pub openings: Vec<Opening>,
}

pub fn run(args: &SuggestArgs, lang: crate::i18n::Language) -> anyhow::Result<()> {
    let text = std::fs::read(&args.input)
        .with_context(|| format!("--input: cannot read {}", args.input.display()))?;
    let mut de = serde_json::Deserializer::from_slice(&text);
    let input: SuggestInput = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        anyhow::anyhow!(
            "--input {}: at {path}: {}",
            args.input.display(),
            e.into_inner()
        )
    })?;
    let Some(person) = input
        .beneficiaries
        .iter()
        .find(|b| b.id == args.beneficiary)
    else {
        bail!(
            "--beneficiary: no beneficiary with id {} in {}",
            args.beneficiary,
            args.input.display()
        );
    };
    let index = OpeningIndex::new(input.openings);
    let found = suggest(
        person,
        &index,
        &input.config,
        input.today,
        args.limit as usize,
        args.excluded as usize,
    );
    let found = crate::resource::explain::SuggestionsView::new(&found, lang);
    println!("{}", serde_json::to_string_pretty(&found)?);
    Ok(())
}
