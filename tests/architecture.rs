//! The layers of `src/`, enforced: a module may use only modules of lower layers (the map in
//! `src/lib.rs`). A `crate::…` path in code (comments aside) that reaches up, or across to
//! another module of the same layer, fails here with the file and line, so the arrows stay one
//! way and no import circle can come back.

use std::path::Path;

/// Lowest first. Two modules of one layer may not use each other.
const LAYERS: &[&[&str]] = &[
    &["i18n"],
    &["domain"],
    &["gazetteer", "store", "matching"],
    &["bridge", "resource", "timetable"],
    &["app"],
    &["jobs", "transfer", "demo"],
    &["api"],
    &["server"],
    &["config"],
    &["telemetry", "cli"],
    &["lib", "main"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The top-level module a file of `src/` belongs to.
fn module_of(relative: &Path) -> String {
    let first = relative.components().next().unwrap();
    let name = first.as_os_str().to_string_lossy();
    name.trim_end_matches(".rs").to_owned()
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `(line, module)` of every `crate::module` in code, comments and strings left out.
fn uses(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        // Drop string literals so that a message naming a path is not an import.
        let mut plain = String::new();
        let mut in_string = false;
        let mut escaped = false;
        for c in code.chars() {
            match (in_string, escaped, c) {
                (true, false, '\\') => escaped = true,
                (true, true, _) => escaped = false,
                (true, false, '"') => in_string = false,
                (true, false, _) => {}
                (false, _, '"') => in_string = true,
                (false, _, c) => plain.push(c),
            }
        }
        let mut rest = plain.as_str();
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push((n + 1, name));
            }
            rest = after;
        }
    }
    out
}

#[test]
fn no_module_uses_one_of_its_own_layer_or_above() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    let mut seen_modules = std::collections::BTreeSet::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let from = module_of(relative);
        seen_modules.insert(from.clone());
        let Some(from_layer) = layer_of(&from) else {
            wrong.push(format!(
                "{}: module `{from}` has no layer in this test",
                relative.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (line, to) in uses(&text) {
            if to == from {
                continue;
            }
            match layer_of(&to) {
                Some(to_layer) if to_layer < from_layer => {}
                Some(_) => wrong.push(format!(
                    "{}:{line}: `{from}` uses `{to}`, which is not below it",
                    relative.display()
                )),
                None => wrong.push(format!(
                    "{}:{line}: `{to}` has no layer in this test",
                    relative.display()
                )),
            }
        }
    }
    assert!(wrong.is_empty(), "layering broken:\n{}", wrong.join("\n"));
    // The test reads what it should: every layer's modules exist.
    for module in LAYERS.iter().flat_map(|l| l.iter()) {
        assert!(
            seen_modules.contains(*module),
            "no module `{module}` in src/"
        );
    }
}

#[test]
fn the_reader_sees_through_comments_and_strings() {
    let found = uses(
        "use crate::store::X; // crate::api\nlet s = \"crate::cli\";\nlet t = crate::domain::Y;",
    );
    assert_eq!(
        found,
        vec![(1, "store".to_owned()), (3, "domain".to_owned())]
    );
}

#[test]
fn only_the_command_line_and_its_configuration_use_clap() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let module = module_of(relative);
        if ["cli", "config", "main"].contains(&module.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if code.contains("clap::") || code.contains("use clap") {
                wrong.push(format!("{}:{}", relative.display(), n + 1));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "clap outside cli/ and config.rs: {wrong:?}"
    );
}
