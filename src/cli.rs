//! Command-line interface: one binary, several subcommands. Each arm turns settings into a call;
//! the work lives in the library modules.

use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::api::{ApiSettings, AppState};
use crate::commands;
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
    Solve(commands::solve::SolveArgs),
    /// Explained suggestions for one person from a JSON file of beneficiaries and openings.
    Suggest(commands::suggest::SuggestArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Solve(args) => commands::solve::run(&args),
        Command::Suggest(args) => commands::suggest::run(&args),
        Command::Migrate => runtime()?.block_on(async {
            let store = store::connect(&cli.global.database).await?;
            store.migrate().await.context("applying migrations")?;
            tracing::info!(backend = ?store.backend(), "migrations applied");
            Ok(())
        }),
        Command::Serve(serve) => runtime()?.block_on(run_serve(&cli.global, &serve)),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

async fn run_serve(global: &GlobalConfig, serve: &ServeConfig) -> anyhow::Result<()> {
    let store = store::connect(&global.database).await?;
    if !serve.no_migrate {
        store.migrate().await.context("applying migrations")?;
    }
    let settings = ApiSettings {
        database_timeout: global.database.timeout(),
        request_timeout: Duration::from_secs(serve.request_timeout_secs.max(1)),
        max_body_bytes: serve.max_body_bytes,
    };
    let (listener, addr) = crate::server::bind(serve.listen).await?;
    // Printed on stdout (not only logged) so scripts and tests using port 0 learn the address.
    println!("placematch listening on http://{addr}");
    tracing::info!(%addr, backend = ?store.backend(), "listening");
    let state = AppState::new(store.clone(), settings);
    crate::server::serve(listener, state, crate::server::shutdown_signal()).await?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}
