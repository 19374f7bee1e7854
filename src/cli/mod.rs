//! Command-line interface: one binary, several subcommands. Each arm turns settings into a call;
//! the work lives in the library modules.

pub mod solve;
pub mod suggest;

use crate::i18n::{Language, Msg};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use crate::api::auth::{Role, issue_token};
use crate::api::{ApiSettings, AppState};
use crate::config::{GlobalConfig, ServeConfig};
use crate::store;

/// Places people on a minimum income on public-utility work and article 60 posts.
#[derive(Parser, Debug)]
#[command(name = "placematch", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalConfig,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the HTTP service (applies pending migrations first).
    Serve(ServeConfig),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Solve an assignment instance file (format in shared/tools/README.md) and print one JSON line.
    Solve(solve::SolveArgs),
    /// Explained suggestions for one person from a JSON file of beneficiaries and openings.
    Suggest(suggest::SuggestArgs),
    /// A ready-to-try service: fresh demo database, a territory, a rebalancing, tokens, serve.
    /// With `load`, only add a territory to the configured database.
    Demo(DemoArgs),
    /// Rebalance one office or all: the best global assignment of waiting people to free seats.
    Rebalance(RebalanceArgs),
    /// Expire unanswered proposals and pause stale openings once, then exit (for cron).
    Housekeeping(crate::config::HousekeepingArgs),
    /// Create or revoke API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Create or disable the people who sign in, or set a password.
    #[command(subcommand)]
    User(UserCommand),
    /// Import a CSV file of beneficiaries, openings or organisations: every line, or none with
    /// each bad line named. Lines whose external_ref exists update that row.
    Import(ImportArgs),
    /// Export beneficiaries, openings or organisations as CSV (the import columns), JSON or
    /// GeoJSON, in creation order.
    Export(ExportArgs),
}

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// What the file holds.
    #[arg(value_parser = one_of::<crate::transfer::Kind>(crate::transfer::Kind::NAMES))]
    pub kind: crate::transfer::Kind,
    /// The CSV file (UTF-8 with or without BOM, comma or semicolon separated); `-` reads
    /// standard input.
    pub file: std::path::PathBuf,
    /// The office beneficiaries are imported into (lines may instead name theirs in an
    /// `office_id` column).
    #[arg(long)]
    pub office: Option<uuid::Uuid>,
    /// Check the file and tell what would be created, updated or left unchanged; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// What to export.
    #[arg(value_parser = one_of::<crate::transfer::Kind>(crate::transfer::Kind::NAMES))]
    pub kind: crate::transfer::Kind,
    /// Output format (GeoJSON: openings and organisations only).
    #[arg(
        long = "format",
        id = "export_format",
        value_parser = one_of::<crate::transfer::Format>(crate::transfer::Format::NAMES),
        default_value = "csv"
    )]
    pub format: crate::transfer::Format,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub output: Option<std::path::PathBuf>,
    /// Beneficiaries of this office only.
    #[arg(long)]
    pub office: Option<uuid::Uuid>,
}

#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    #[command(subcommand)]
    pub command: Option<DemoCommand>,
    /// Territory of the ready-to-try service.
    #[arg(
        long,
        value_parser = one_of::<crate::demo::Territory>(crate::demo::Territory::NAMES),
        default_value = "luxembourg"
    )]
    pub territory: crate::demo::Territory,
    #[command(flatten)]
    pub serve: ServeConfig,
}

#[derive(Subcommand, Debug)]
pub enum DemoCommand {
    /// Load a demo territory into the configured database, beside what is there.
    Load {
        #[arg(long, value_parser = one_of::<crate::demo::Territory>(crate::demo::Territory::NAMES))]
        territory: crate::demo::Territory,
        /// Same seed, same territory.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Size factor (1 = the territory's real size; 10 = ten times more people and openings).
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Exact number of people (overrides --scale for people).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        people: Option<u32>,
        /// Exact number of openings (overrides --scale for openings).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=200_000))]
        openings: Option<u32>,
    },
}

#[derive(clap::Args, Debug)]
pub struct RebalanceArgs {
    /// The office to rebalance.
    #[arg(long, required_unless_present = "all", conflicts_with = "all")]
    pub office: Option<uuid::Uuid>,
    /// Every office, one after the other.
    #[arg(long)]
    pub all: bool,
    /// Turn the result into proposals (default: a dry run that only stores the report).
    #[arg(long)]
    pub apply: bool,
    /// One JSON line per office on standard output.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub rebalancing: crate::config::RebalancingArgs,
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create a token and print its secret (shown once; only its hash is stored).
    Create(TokenCreateArgs),
    /// Revoke a token by its id: it stops working at once.
    Revoke {
        /// The token id printed at creation.
        id: uuid::Uuid,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user who signs in with an email and a password (read from standard input).
    Create(UserCreateArgs),
    /// Disable a user: their sessions end at once and they can no longer sign in.
    Disable {
        /// The user's email.
        email: String,
    },
    /// Set a user's password (read from standard input); their sessions end.
    ResetPassword {
        /// The user's email.
        email: String,
        /// Read the password from standard input (one line); required, so that it never
        /// appears in the shell's history or the process list.
        #[arg(long = "password-stdin", required = true)]
        password_stdin: bool,
    },
}

#[derive(clap::Args, Debug)]
pub struct UserCreateArgs {
    /// The email the user signs in with (unique, compared in lower case).
    #[arg(long)]
    pub email: String,
    /// `admin`, `caseworker` (with --office) or `host` (with --organisation).
    #[arg(long)]
    pub role: String,
    /// The office of a caseworker.
    #[arg(long, conflicts_with = "organisation")]
    pub office: Option<uuid::Uuid>,
    /// The organisation of a host.
    #[arg(long)]
    pub organisation: Option<uuid::Uuid>,
    /// The name shown to others.
    #[arg(long, default_value = "")]
    pub name: String,
    /// `fr` (the default), `nl`, `de` or `en`.
    #[arg(long)]
    pub language: Option<String>,
    /// Read the password from standard input (one line). Without it the user has no password
    /// and signs in only through the organisation's OpenID provider (same email).
    #[arg(long = "password-stdin")]
    pub password_stdin: bool,
}

/// The password on standard input: its first line, without the line break.
fn password_from_stdin() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\n', '\r']).to_owned();
    if password.is_empty() {
        bail!("--password-stdin: standard input held no password");
    }
    Ok(password)
}

/// An application error as the command line says it: each bad field on its line.
fn app_error(e: crate::app::AppError, lang: Language) -> anyhow::Error {
    match e {
        crate::app::AppError::Invalid(errors) => anyhow::anyhow!(
            "{}",
            errors
                .iter()
                .map(|e| format!(
                    "--{}: {}",
                    e.field.replace('_', "-"),
                    e.message.render(lang)
                ))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        other => other.into(),
    }
}

async fn run_user(global: &GlobalConfig, cmd: UserCommand) -> anyhow::Result<()> {
    let lang = global.language();
    let store = store::connect(&global.database.settings()).await?;
    store.migrate().await.context("applying migrations")?;
    match cmd {
        UserCommand::Create(args) => {
            let password = if args.password_stdin {
                Some(password_from_stdin()?)
            } else {
                None
            };
            let row = crate::app::accounts::create_user(
                &store,
                &crate::app::accounts::UserInput {
                    email: args.email,
                    display_name: args.name,
                    role: args.role,
                    office_id: args.office,
                    organisation_id: args.organisation,
                    language: args.language,
                    password,
                },
            )
            .await
            .map_err(|e| app_error(e, lang))?;
            println!("{}", row.id);
            eprintln!(
                "{}",
                Msg::new("cli-user-created")
                    .text("email", row.email.clone())
                    .term("role", "role", &row.role)
                    .render(lang)
            );
        }
        UserCommand::Disable { email } => {
            let user = store.find_user_by_email(&email).await?.with_context(|| {
                Msg::new("cli-no-user")
                    .text("email", email.clone())
                    .render(lang)
            })?;
            store.disable_user(user.id, store::now()).await?;
            eprintln!(
                "{}",
                Msg::new("cli-user-disabled")
                    .text("email", user.email.clone())
                    .render(lang)
            );
        }
        UserCommand::ResetPassword { email, .. } => {
            let user = store.find_user_by_email(&email).await?.with_context(|| {
                Msg::new("cli-no-user")
                    .text("email", email.clone())
                    .render(lang)
            })?;
            let password = password_from_stdin()?;
            crate::app::accounts::reset_password(&store, &user, &password)
                .await
                .map_err(|e| app_error(e, lang))?;
            eprintln!(
                "{}",
                Msg::new("cli-password-set")
                    .text("email", user.email.clone())
                    .render(lang)
            );
        }
    }
    store.close().await;
    Ok(())
}

/// One admin, one caseworker of `office` and one host of `organisation`, each with a fresh
/// password: (role, email, password).
async fn demo_users(
    store: &std::sync::Arc<dyn store::Store>,
    office: uuid::Uuid,
    organisation: uuid::Uuid,
) -> anyhow::Result<Vec<(&'static str, String, String)>> {
    let mut users = Vec::new();
    for (role, email, office_id, organisation_id) in [
        ("admin", "admin@demo.placematch.eu", None, None),
        (
            "caseworker",
            "caseworker@demo.placematch.eu",
            Some(office),
            None,
        ),
        ("host", "host@demo.placematch.eu", None, Some(organisation)),
    ] {
        let password = format!("demo-{}", &crate::api::auth::generate_secret()[3..19]);
        let user = crate::app::accounts::create_user(
            store,
            &crate::app::accounts::UserInput {
                email: email.to_owned(),
                display_name: format!("Demo {role}"),
                role: role.to_owned(),
                office_id,
                organisation_id,
                language: None,
                password: Some(password.clone()),
            },
        )
        .await
        .map_err(|e| app_error(e, Language::En))?;
        if role == "caseworker" {
            // A portfolio as caseworkers carry one: the first hundred people of the office
            // (the rest have no référent, for the team lead's caseloads).
            let people = store
                .list_beneficiaries(
                    &store::BeneficiaryFilter {
                        office_id: Some(office),
                        ..Default::default()
                    },
                    None,
                    100,
                )
                .await?;
            for person in people {
                store
                    .set_referent(person.id, Some(user.id), &store::Actor::command_line())
                    .await?;
            }
        }
        users.push((role, email.to_owned(), password));
    }
    Ok(users)
}

/// A value among `names`, listed in `--help` and in the error for any other; parsed by the
/// type's own `FromStr`, so the type needs no clap derive.
fn one_of<T>(names: &'static [&'static str]) -> impl clap::builder::TypedValueParser<Value = T>
where
    T: std::str::FromStr + Clone + Send + Sync + 'static,
{
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(names).map(|name| {
        name.parse::<T>()
            .unwrap_or_else(|_| unreachable!("{name} is one of the listed names"))
    })
}

#[derive(clap::Args, Debug)]
pub struct TokenCreateArgs {
    /// What the token may do.
    #[arg(long, value_parser = one_of::<Role>(Role::NAMES))]
    pub role: Role,
    /// The office a caseworker token is bound to (required for `caseworker`).
    #[arg(long, conflicts_with = "organisation")]
    pub office: Option<uuid::Uuid>,
    /// The organisation a host token is bound to (required for `host`).
    #[arg(long)]
    pub organisation: Option<uuid::Uuid>,
    /// Days until the token expires; never when omitted.
    #[arg(long = "expires-in", value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub expires_in_days: Option<u32>,
    /// A note on who holds the token.
    #[arg(long, default_value = "")]
    pub label: String,
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Solve(args) => solve::run(&args),
        Command::Suggest(args) => suggest::run(&args, cli.global.language()),
        Command::Migrate => runtime()?.block_on(async {
            let store = store::connect(&cli.global.database.settings()).await?;
            store.migrate().await.context("applying migrations")?;
            tracing::info!(backend = ?store.backend(), "migrations applied");
            Ok(())
        }),
        Command::Serve(serve) => runtime()?.block_on(run_serve(&cli.global, &serve)),
        Command::Token(cmd) => runtime()?.block_on(run_token(&cli.global, cmd)),
        Command::User(cmd) => runtime()?.block_on(run_user(&cli.global, cmd)),
        Command::Demo(args) => runtime()?.block_on(run_demo(&cli.global, args)),
        Command::Rebalance(args) => runtime()?.block_on(run_rebalance(&cli.global, &args)),
        Command::Import(args) => runtime()?.block_on(run_import(&cli.global, &args)),
        Command::Export(args) => runtime()?.block_on(run_export(&cli.global, &args)),
        Command::Housekeeping(config) => runtime()?.block_on(async {
            let store = store::connect(&cli.global.database.settings()).await?;
            store.migrate().await.context("applying migrations")?;
            let report = crate::jobs::housekeeping::run(
                &store,
                config.settings(),
                time::OffsetDateTime::now_utc(),
            )
            .await
            .context("housekeeping")?;
            println!("{}", serde_json::to_string(&report)?);
            Ok(())
        }),
    }
}

async fn run_demo(global: &GlobalConfig, args: DemoArgs) -> anyhow::Result<()> {
    let today = time::OffsetDateTime::now_utc().date();
    if let Some(DemoCommand::Load {
        territory,
        seed,
        scale,
        people,
        openings,
    }) = args.command
    {
        if !(scale > 0.0 && scale <= 100.0) {
            bail!("--scale must be more than 0 and at most 100, got {scale}");
        }
        let store = store::connect(&global.database.settings()).await?;
        store.migrate().await.context("applying migrations")?;
        let started = std::time::Instant::now();
        let loaded = match (people, openings) {
            (None, None) => crate::demo::load(&store, territory, seed, scale, today).await,
            (p, o) => {
                let (dp, dop) = crate::demo::sizes(territory, scale);
                crate::demo::load_sized(
                    &store,
                    territory,
                    seed,
                    p.map_or(dp, |p| p as usize),
                    o.map_or(dop, |o| o as usize),
                    today,
                )
                .await
            }
        }
        .context("loading the demo territory")?;
        // Closing the pool checkpoints SQLite's write-ahead log into the file, so that a copy
        // of the file alone holds the whole territory.
        store.close().await;
        eprintln!("loaded in {:.1}s", started.elapsed().as_secs_f64());
        println!("{}", serde_json::to_string(&loaded)?);
        return Ok(());
    }
    // A fresh embedded database of its own, unless one was named explicitly.
    let mut global = global.clone();
    if global.database.url == crate::config::DEFAULT_DATABASE_URL {
        let path = std::path::Path::new("data/demo.db");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        global.database.url = format!("sqlite:{}", path.display());
    }
    let store = store::connect(&global.database.settings()).await?;
    store.migrate().await.context("applying migrations")?;
    let loaded = crate::demo::load(&store, args.territory, 1, 1.0, today)
        .await
        .context("loading the demo territory")?;
    let config = crate::matching::MatchingConfig::default();
    let run = crate::jobs::rebalancing::run_office(&store, loaded.office_id, true, &config, today)
        .await
        .context("rebalancing the demo territory")?;
    let (admin, _) = issue_token(&store, Role::Admin, None, None, None, "demo admin").await?;
    let (caseworker, _) = issue_token(
        &store,
        Role::Caseworker,
        Some(loaded.office_id),
        None,
        None,
        "demo caseworker",
    )
    .await?;
    let person = store
        .list_beneficiaries(
            &crate::store::BeneficiaryFilter {
                office_id: Some(loaded.office_id),
                ..Default::default()
            },
            None,
            1,
        )
        .await?
        .pop()
        .context("the demo territory has people")?;
    let host_org = store
        .list_organisations()
        .await?
        .into_iter()
        .next()
        .context("the demo territory has organisations")?;
    let users = demo_users(&store, loaded.office_id, host_org.id).await?;
    let settings = ApiSettings {
        database_timeout: global.database.timeout(),
        request_timeout: Duration::from_secs(args.serve.request_timeout_secs.max(1)),
        max_body_bytes: args.serve.max_body_bytes,
        candidates: args.serve.candidates.settings()?,
        // The demo is served over plain HTTP on this machine: its cookies must go there too.
        accounts: crate::app::accounts::AccountSettings {
            secure_cookies: false,
            ..args.serve.sessions.settings()
        },
        ..ApiSettings::default()
    };
    let (listener, addr) = crate::server::bind(args.serve.listen).await?;
    let url = format!("http://{addr}");
    let lang = global.language();
    let t = |m: Msg| m.render(lang);
    println!(
        "{}",
        t(Msg::new("cli-demo-loaded")
            .text("office", loaded.office_name.clone())
            .int("people", loaded.beneficiaries as i64)
            .int("openings", loaded.openings as i64)
            .int("organisations", loaded.organisations as i64)
            .int("proposed", run.new as i64)
            .msg(
                "certified",
                Msg::new(if run.certified_optimal {
                    "cli-yes"
                } else {
                    "cli-no"
                })
            ))
    );
    // This line is read by scripts (and tests): the same in every language.
    println!("placematch listening on {url}");
    println!("  {}: {url}/docs", t(Msg::new("cli-demo-api-docs")));
    println!("  {}: {admin}", t(Msg::new("cli-demo-admin-token")));
    println!(
        "  {}: {caseworker}",
        t(Msg::new("cli-demo-caseworker-token"))
    );
    println!(
        "  {}",
        t(Msg::new("cli-demo-sign-in-as").text("url", format!("{url}/sign-in")))
    );
    for (role, email, password) in &users {
        println!(
            "    {:<18} {email}  {}: {password}",
            t(Msg::new("role").term("role", "role", role)),
            t(Msg::new("sign-in-password"))
        );
    }
    println!("{}", t(Msg::new("cli-demo-try")));
    println!("  curl -s -H 'Authorization: Bearer {caseworker}' '{url}/v1/beneficiaries?limit=5'");
    println!(
        "  curl -s -H 'Authorization: Bearer {caseworker}' '{url}/v1/beneficiaries/{}/suggestions?limit=3'",
        person.id
    );
    println!(
        "  curl -s -H 'Authorization: Bearer {admin}' '{url}/v1/rebalancing-runs/{}'",
        run.run_id
    );
    let state = AppState::new(store.clone(), settings);
    let audit = state.audit.clone();
    let limits = args.serve.connections.limits();
    crate::server::serve(listener, state, limits, crate::server::shutdown_signal()).await?;
    audit.flush().await;
    store.close().await;
    Ok(())
}

async fn run_rebalance(global: &GlobalConfig, args: &RebalanceArgs) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    let store = store::connect(&global.database.settings()).await?;
    store.migrate().await.context("applying migrations")?;
    let offices: Vec<uuid::Uuid> = match args.office {
        Some(id) => vec![id],
        None => store
            .list_offices()
            .await?
            .into_iter()
            .map(|o| o.id)
            .collect(),
    };
    let config = args.rebalancing.settings().matching();
    let today = time::OffsetDateTime::now_utc().date();
    let progress = std::io::stderr().is_terminal() && !args.json;
    let mut failed = 0;
    for (k, office) in offices.iter().enumerate() {
        if progress {
            eprint!("\r[{}/{}] office {office}: running…", k + 1, offices.len());
        }
        match crate::jobs::rebalancing::run_office(&store, *office, args.apply, &config, today)
            .await
        {
            Ok(summary) => {
                if args.json {
                    println!("{}", serde_json::to_string(&summary)?);
                } else {
                    if progress {
                        eprint!("\r");
                    }
                    println!(
                        "office {office}: {} ({}) people {}, openings {}: {} new, {} moved, {} withdrawn, {} kept, {} unassigned; objective {} {}; load {:.1}s solve {:.1}s write {:.1}s; run {}",
                        summary.mode,
                        if args.apply {
                            "applied"
                        } else {
                            "nothing changed"
                        },
                        summary.people,
                        summary.openings,
                        summary.new,
                        summary.moved,
                        summary.withdrawn,
                        summary.kept,
                        summary.unassigned,
                        summary.objective,
                        if summary.certified_optimal {
                            "(certified optimal)"
                        } else {
                            "(NOT certified)"
                        },
                        summary.load_seconds,
                        summary.solve_seconds,
                        summary.write_seconds,
                        summary.run_id,
                    );
                }
            }
            Err(err) => {
                failed += 1;
                if args.json {
                    println!(
                        "{}",
                        serde_json::json!({"office_id": office, "error": err.to_string()})
                    );
                } else {
                    eprintln!("office {office}: failed: {err}");
                }
            }
        }
    }
    if failed > 0 {
        bail!("{failed} of {} office runs failed", offices.len());
    }
    Ok(())
}

async fn run_import(global: &GlobalConfig, args: &ImportArgs) -> anyhow::Result<()> {
    use std::io::{IsTerminal, Read};
    let name = args.file.display().to_string();
    let bytes = if name == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
        bytes
    } else {
        std::fs::read(&args.file).with_context(|| format!("reading {name}"))?
    };
    let store = store::connect(&global.database.settings()).await?;
    store.migrate().await.context("applying migrations")?;
    let options = crate::transfer::ImportOptions {
        office: args.office,
        dry_run: args.dry_run,
        today: time::OffsetDateTime::now_utc().date(),
        actor: store::Actor::command_line(),
    };
    // A bar only for a person watching: logs and pipes get the summary line alone.
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "writing {bar:40} {pos}/{len} rows, {elapsed} (about {eta} left)",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let started = std::time::Instant::now();
    let result = crate::transfer::import(&*store, args.kind, &bytes, &options, &|done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
    .await;
    bar.finish_and_clear();
    store.close().await;
    match result {
        Ok(s) => {
            println!(
                "{}",
                Msg::new(if s.dry_run {
                    "cli-import-checked"
                } else {
                    "cli-import-done"
                })
                .text("name", name.clone())
                .int("rows", s.rows as i64)
                .text("kind", s.kind.to_string())
                .int("created", s.created as i64)
                .int("updated", s.updated as i64)
                .int("unchanged", s.unchanged as i64)
                .dec("seconds", started.elapsed().as_secs_f64(), 1)
                .render(global.language())
            );
            Ok(())
        }
        Err(crate::transfer::ImportError::Rejected(errors)) => {
            let lang = global.language();
            for e in &errors {
                eprintln!("{}", e.render(lang));
            }
            let mut lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
            lines.dedup();
            bail!(
                "{}",
                Msg::new("import-rejected")
                    .text("name", name.clone())
                    .int("problems", errors.len() as i64)
                    .int("lines", lines.len() as i64)
                    .render(lang)
            )
        }
        Err(other) => Err(other).with_context(|| format!("importing {name}")),
    }
}

async fn run_export(global: &GlobalConfig, args: &ExportArgs) -> anyhow::Result<()> {
    use std::io::Write;
    let store = store::connect(&global.database.settings()).await?;
    store.migrate().await.context("applying migrations")?;
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    let n = crate::transfer::export(&*store, args.kind, args.format, args.office, &mut *out)
        .await
        .with_context(|| format!("exporting {}", args.kind))?;
    out.flush().context("writing the export")?;
    store.close().await;
    eprintln!("exported {n} {}", args.kind);
    Ok(())
}

async fn run_token(global: &GlobalConfig, cmd: TokenCommand) -> anyhow::Result<()> {
    let store = store::connect(&global.database.settings()).await?;
    store.migrate().await.context("applying migrations")?;
    match cmd {
        TokenCommand::Create(args) => {
            match (args.role, args.office, args.organisation) {
                (Role::Caseworker, None, _) => bail!("--office is required for a caseworker token"),
                (Role::Host, _, None) => bail!("--organisation is required for a host token"),
                (Role::Caseworker, Some(_), _) | (Role::Host, _, Some(_)) => {}
                (role, Some(_), _) | (role, _, Some(_)) => bail!(
                    "a {} token is not bound to an office or organisation: drop --office/--organisation",
                    role.as_str()
                ),
                _ => {}
            }
            if let Some(office) = args.office {
                store
                    .get_office(office)
                    .await?
                    .with_context(|| format!("--office: no office with id {office}"))?;
            }
            if let Some(org) = args.organisation {
                store
                    .get_organisation(org)
                    .await?
                    .with_context(|| format!("--organisation: no organisation with id {org}"))?;
            }
            let expires_at = args
                .expires_in_days
                .map(|d| store::now() + time::Duration::days(i64::from(d)));
            let (secret, row) = issue_token(
                &store,
                args.role,
                args.office,
                args.organisation,
                expires_at,
                &args.label,
            )
            .await?;
            println!("{secret}");
            eprintln!(
                "token {} ({}) created{}; the secret above is shown only once",
                row.id,
                args.role.as_str(),
                expires_at
                    .map(|t| format!(", expires {}", t.date()))
                    .unwrap_or_default()
            );
        }
        TokenCommand::Revoke { id } => {
            if !store.revoke_token(id, store::now()).await? {
                bail!("no live token with id {id}");
            }
            eprintln!("token {id} revoked");
        }
    }
    Ok(())
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

async fn run_serve(global: &GlobalConfig, serve: &ServeConfig) -> anyhow::Result<()> {
    // A bad schedule stops start-up before anything else, with the setting named.
    let schedule = serve.schedule.parse()?;
    let store = store::connect(&global.database.settings()).await?;
    if !serve.no_migrate {
        store.migrate().await.context("applying migrations")?;
    }
    let settings = ApiSettings {
        database_timeout: global.database.timeout(),
        request_timeout: Duration::from_secs(serve.request_timeout_secs.max(1)),
        max_body_bytes: serve.max_body_bytes,
        matching: serve.rebalancing.settings().matching(),
        candidates: serve.candidates.settings()?,
        accounts: serve.sessions.settings(),
        oidc: serve.oidc.settings()?,
        ..ApiSettings::default()
    };
    let (listener, addr) = crate::server::bind(serve.listen).await?;
    // Printed on stdout (not only logged) so scripts and tests using port 0 learn the address.
    println!("placematch listening on http://{addr}");
    tracing::info!(%addr, backend = ?store.backend(), "listening");
    let state = AppState::new(store.clone(), settings);
    if let Some(oidc) = state.oidc.clone() {
        // Discovered now so that an unreachable provider shows in the log at start-up; sign-in
        // through it tries again on first use, and the service serves meanwhile.
        tokio::spawn(async move {
            if oidc.client().await.is_ok() {
                tracing::info!("OpenID provider discovered");
            }
        });
    }
    let housekeeping = (serve.housekeeping_every_minutes > 0).then(|| {
        tokio::spawn(crate::jobs::housekeeping::every(
            store.clone(),
            serve.housekeeping.settings(),
            Duration::from_secs(serve.housekeeping_every_minutes * 60),
        ))
    });
    let scheduled = schedule.map(|schedule| {
        tracing::info!(apply = schedule.apply, "rebalancing schedule on");
        tokio::spawn(crate::jobs::schedule::every(
            store.clone(),
            schedule,
            serve.rebalancing.settings(),
        ))
    });
    let audit = state.audit.clone();
    let limits = serve.connections.limits();
    crate::server::serve(listener, state, limits, crate::server::shutdown_signal()).await?;
    for task in [housekeeping, scheduled].into_iter().flatten() {
        task.abort();
    }
    // Every answered request's event is stored already; this stores those of requests that
    // were cut short after queuing theirs.
    audit.flush().await;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}
