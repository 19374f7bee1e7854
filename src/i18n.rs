//! The languages people read: French (the default), Dutch, German and English, from one Project
//! Fluent file per language under `locales/`, compiled into the binary. Code does not write
//! sentences: it names a message ([`Msg`]: an id and its arguments) and a [`Language`] renders it.
//!
//! - Which language: a signed-in user's preference, else the best of the request's
//!   `Accept-Language` ([`Language::negotiate`]), else French. The CLI takes `--cli-language` or
//!   `PLACEMATCH_LANGUAGE`, else `LANG`, else French. Luxembourgish (`lb`) has no file of its
//!   own: a client that asks for it gets the next language it names, else French.
//! - Numbers are written the way each language writes them: `1 234,5` in French (a narrow
//!   no-break space groups thousands), `1.234,5` in Dutch and German, `1,234.5` in English; plural
//!   forms follow each language's rules. Dates: `12/03/2026` in French and English (as written in
//!   Europe), `12-03-2026` in Dutch, `12.03.2026` in German.
//! - Every id exists in every language with the same variables (a test reads the four files);
//!   at run time a message missing in a language falls back to French, then to its id.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::types::{FluentNumber, FluentNumberOptions};
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use serde::{Deserialize, Serialize};

/// A language the service speaks to the people who use it; French is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Fr,
    Nl,
    De,
    En,
}

/// A message to render: a Fluent id and its arguments.
///
/// It is also stored (a rebalancing report keeps its sentences as messages, to be written in
/// each reader's language), hence owned strings on the way back in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Msg {
    pub id: Cow<'static, str>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<(Cow<'static, str>, Arg)>,
}

/// One argument of a [`Msg`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arg {
    /// Written as is (a name, a code, a reference).
    Text(String),
    /// A whole number, grouped the language's way; plural forms select on it.
    Int(i64),
    /// A decimal number with at most this many decimals (trailing zeros dropped).
    Dec(f64, usize),
    /// A date, written the language's way.
    Date(time::Date),
    /// Another message, rendered first in the same language.
    Msg(Box<Msg>),
    /// Messages rendered in the same language and joined with ", ".
    List(Vec<Msg>),
    /// The name of a value of one of the service's lists (message `{prefix}-{value}`, such as
    /// `kind-article_60`), or the value itself where no language names it.
    Term(String, String),
}

impl Msg {
    pub fn new(id: &'static str) -> Self {
        Self {
            id: Cow::Borrowed(id),
            args: vec![],
        }
    }

    pub fn text(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args
            .push((Cow::Borrowed(name), Arg::Text(value.into())));
        self
    }

    pub fn int(mut self, name: &'static str, value: impl Into<i64>) -> Self {
        self.args
            .push((Cow::Borrowed(name), Arg::Int(value.into())));
        self
    }

    pub fn dec(mut self, name: &'static str, value: f64, decimals: usize) -> Self {
        self.args
            .push((Cow::Borrowed(name), Arg::Dec(value, decimals)));
        self
    }

    pub fn date(mut self, name: &'static str, value: time::Date) -> Self {
        self.args.push((Cow::Borrowed(name), Arg::Date(value)));
        self
    }

    pub fn msg(mut self, name: &'static str, value: Msg) -> Self {
        self.args
            .push((Cow::Borrowed(name), Arg::Msg(Box::new(value))));
        self
    }

    pub fn list(mut self, name: &'static str, items: Vec<Msg>) -> Self {
        self.args.push((Cow::Borrowed(name), Arg::List(items)));
        self
    }

    pub fn term(mut self, name: &'static str, prefix: &str, value: &str) -> Self {
        self.args.push((
            Cow::Borrowed(name),
            Arg::Term(format!("{prefix}-{value}"), value.to_owned()),
        ));
        self
    }

    /// This message in `locale`.
    pub fn render(&self, locale: Language) -> String {
        locale.render(self)
    }
}

impl From<&'static str> for Msg {
    fn from(id: &'static str) -> Self {
        Msg::new(id)
    }
}

const FILES: [(Language, &str); 4] = [
    (Language::Fr, include_str!("../locales/fr.ftl")),
    (Language::Nl, include_str!("../locales/nl.ftl")),
    (Language::De, include_str!("../locales/de.ftl")),
    (Language::En, include_str!("../locales/en.ftl")),
];

static BUNDLES: LazyLock<Vec<FluentBundle<FluentResource>>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|&(locale, source)| {
            let resource =
                FluentResource::try_new(source.to_owned()).unwrap_or_else(|(_, errors)| {
                    panic!("locales/{}.ftl: {errors:?}", locale.as_str())
                });
            let tag = locale
                .as_str()
                .parse()
                .expect("a language code is a language identifier");
            let mut bundle = FluentBundle::new_concurrent(vec![tag]);
            bundle.set_use_isolating(false);
            bundle.set_formatter(Some(match locale {
                Language::Fr => |v, _| format_value(Language::Fr, v),
                Language::Nl => |v, _| format_value(Language::Nl, v),
                Language::De => |v, _| format_value(Language::De, v),
                Language::En => |v, _| format_value(Language::En, v),
            }));
            bundle
                .add_resource(resource)
                .unwrap_or_else(|errors| panic!("locales/{}.ftl: {errors:?}", locale.as_str()));
            bundle
        })
        .collect()
});

fn number_value(value: f64, decimals: usize) -> FluentValue<'static> {
    FluentValue::Number(FluentNumber::new(
        value,
        FluentNumberOptions {
            maximum_fraction_digits: Some(decimals),
            ..Default::default()
        },
    ))
}

fn format_value(locale: Language, value: &FluentValue) -> Option<String> {
    match value {
        FluentValue::Number(n) => {
            Some(locale.number(n.value, n.options.maximum_fraction_digits.unwrap_or(0)))
        }
        _ => None,
    }
}

/// French, the service's language where nothing else is asked for.
impl Default for Language {
    fn default() -> Self {
        Language::Fr
    }
}

impl Language {
    /// Every language, French first.
    pub const ALL: &'static [Language] = &[Language::Fr, Language::Nl, Language::De, Language::En];
    /// Their codes, in the same order.
    pub const NAMES: &'static [&'static str] = &["fr", "nl", "de", "en"];
    /// What a language must be, in English.
    pub const EXPECTED: &'static str = "a language (fr, nl, de or en)";

    /// The code used by the API, the database and files.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Fr => "fr",
            Language::Nl => "nl",
            Language::De => "de",
            Language::En => "en",
        }
    }

    /// The message a person reads for a value that is not a language code we speak.
    pub fn refused(given: &str) -> Msg {
        Msg::new("field-not-a")
            .text("given", given)
            .msg("expected", Msg::new("expected-Language"))
    }

    /// The language of a tag such as `fr`, `nl-BE` or `de_LU.UTF-8` (its first part).
    pub fn from_tag(tag: &str) -> Option<Language> {
        let primary = tag.trim().split(['-', '_', '.', '@']).next().unwrap_or("");
        Language::ALL
            .iter()
            .copied()
            .find(|l| l.as_str().eq_ignore_ascii_case(primary))
    }

    /// The best language of an `Accept-Language` value we speak: the highest `q`, the first
    /// named on a tie; `q=0` means "not this one". `None` when it names none of ours.
    pub fn negotiate(accept_language: &str) -> Option<Language> {
        let mut best: Option<(Language, f32)> = None;
        for item in accept_language.split(',').take(32) {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .next()
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok());
            let (Some(locale), Some(q)) = (Language::from_tag(tag), q) else {
                continue;
            };
            if q > 0.0 && best.is_none_or(|(_, b)| q > b) {
                best = Some((locale, q));
            }
        }
        best.map(|(l, _)| l)
    }

    /// The Fluent source of this language.
    pub fn source(self) -> &'static str {
        FILES
            .iter()
            .find(|(l, _)| *l == self)
            .map(|(_, s)| *s)
            .unwrap_or("")
    }

    fn bundle(self) -> &'static FluentBundle<FluentResource> {
        &BUNDLES[Language::ALL
            .iter()
            .position(|l| *l == self)
            .unwrap_or_default()]
    }

    /// Whether this language has message `id`.
    pub fn has(self, id: &str) -> bool {
        self.bundle().has_message(id)
    }

    /// `msg` in this language (French if this language lacks it, the id if French does too).
    pub fn render(self, msg: &Msg) -> String {
        let mut args = FluentArgs::with_capacity(msg.args.len());
        for (name, arg) in &msg.args {
            let value: FluentValue = match arg {
                Arg::Text(s) => s.clone().into(),
                // No options: a whole number must equal a variant key such as `[0]`.
                Arg::Int(n) => {
                    FluentValue::Number(FluentNumber::new(*n as f64, Default::default()))
                }
                Arg::Dec(x, decimals) => number_value(*x, *decimals),
                Arg::Date(d) => self.date(*d).into(),
                Arg::Msg(m) => self.render(m).into(),
                Arg::List(items) => items
                    .iter()
                    .map(|m| self.render(m))
                    .collect::<Vec<_>>()
                    .join(", ")
                    .into(),
                Arg::Term(id, value) => match [self, Language::Fr].iter().find(|l| l.has(id)) {
                    Some(l) => l.render_id(id, None).into(),
                    None => value.clone().into(),
                },
            };
            args.set(name.clone(), value);
        }
        self.render_id(&msg.id, Some(&args))
    }

    fn render_id(self, id: &str, args: Option<&FluentArgs>) -> String {
        for locale in [self, Language::Fr] {
            let bundle = locale.bundle();
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = vec![];
                let text = bundle.format_pattern(pattern, args, &mut errors);
                if errors.is_empty() || locale == Language::Fr {
                    return text.into_owned();
                }
            }
        }
        id.to_owned()
    }

    /// Message `id` with no arguments.
    pub fn text(self, id: &'static str) -> String {
        self.render(&Msg::new(id))
    }

    /// `value` with at most `decimals` decimals (trailing zeros dropped), grouped by thousands.
    pub fn number(self, value: f64, decimals: usize) -> String {
        let (group, point) = match self {
            Language::Fr => ('\u{202f}', ','),
            Language::Nl | Language::De => ('.', ','),
            Language::En => (',', '.'),
        };
        let fixed = format!("{:.*}", decimals, value.abs());
        let (whole, frac) = fixed.split_once('.').unwrap_or((&fixed, ""));
        let frac = frac.trim_end_matches('0');
        let mut out = String::with_capacity(fixed.len() + 4);
        if value < 0.0 && fixed.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
            out.push('-');
        }
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                out.push(group);
            }
            out.push(c);
        }
        if !frac.is_empty() {
            out.push(point);
            out.push_str(frac);
        }
        out
    }

    /// `date` the way this language writes it.
    pub fn date(self, date: time::Date) -> String {
        let sep = match self {
            Language::Fr | Language::En => '/',
            Language::Nl => '-',
            Language::De => '.',
        };
        let mut out = String::with_capacity(10);
        let _ = write!(
            out,
            "{:02}{sep}{:02}{sep}{:04}",
            date.day(),
            u8::from(date.month()),
            date.year()
        );
        out
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Language {
    type Err = Msg;

    /// Exactly one of the codes (`fr`, `nl`, `de`, `en`).
    fn from_str(s: &str) -> Result<Self, Msg> {
        let s = s.trim();
        Language::NAMES
            .iter()
            .position(|n| *n == s)
            .map(|i| Language::ALL[i])
            .ok_or_else(|| Language::refused(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_dates_are_written_each_language_s_way() {
        assert_eq!(Language::Fr.number(1234.5, 1), "1\u{202f}234,5");
        assert_eq!(Language::Nl.number(1234.5, 1), "1.234,5");
        assert_eq!(Language::De.number(1234567.0, 0), "1.234.567");
        assert_eq!(Language::En.number(1234.56, 1), "1,234.6");
        assert_eq!(Language::En.number(-0.04, 1), "0");
        assert_eq!(Language::Fr.number(45.0, 1), "45");
        let d = time::macros::date!(2026 - 03 - 12);
        assert_eq!(Language::Fr.date(d), "12/03/2026");
        assert_eq!(Language::Nl.date(d), "12-03-2026");
        assert_eq!(Language::De.date(d), "12.03.2026");
        assert_eq!(Language::En.date(d), "12/03/2026");
    }

    #[test]
    fn accept_language_picks_the_best_language_we_speak() {
        assert_eq!(Language::negotiate("nl"), Some(Language::Nl));
        assert_eq!(
            Language::negotiate("lb, de;q=0.8, fr;q=0.9"),
            Some(Language::Fr)
        );
        assert_eq!(
            Language::negotiate("de-LU;q=0.5, en-GB"),
            Some(Language::En)
        );
        assert_eq!(Language::negotiate("en;q=0, nl;q=0.1"), Some(Language::Nl));
        assert_eq!(Language::negotiate("pt-BR, es"), None);
        assert_eq!(Language::negotiate("*"), None);
        assert_eq!(Language::negotiate("fr;q=abc, de"), Some(Language::De));
    }
}
