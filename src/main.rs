//! The `placematch` binary: parse the command line, set up telemetry, dispatch. Nothing else.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = placematch::cli::Cli::parse();
    if let Err(err) = placematch::telemetry::init(&cli.global.log) {
        eprintln!("error: {err:#}");
        return ExitCode::from(2);
    }
    match placematch::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // One line, the whole context chain, no backtrace: an operator reads this.
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
