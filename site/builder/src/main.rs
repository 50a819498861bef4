use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Builds the citizen portal and imports procedure data into it.
#[derive(Parser)]
#[command(name = "sitegen", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Renders the site into its output directory, re-rendering only what changed.
    Build {
        /// The site directory (config.toml, content/, templates/, static/).
        #[arg(long, default_value = "site")]
        root: PathBuf,
        /// Defaults to `<root>/public`.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Defaults to `<root>/.sitegen/state.json`.
        #[arg(long)]
        state: Option<PathBuf>,
        /// Render everything, ignoring the previous build.
        #[arg(long)]
        full: bool,
        /// Replaces config.toml's base_url (local preview).
        #[arg(long)]
        base_url: Option<String>,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Build {
            root,
            output,
            state,
            full,
            base_url,
        } => {
            let mut options = sitegen::Options::new(root);
            if let Some(output) = output {
                options.output = output;
            }
            if let Some(state) = state {
                options.state = state;
            }
            options.full = full;
            options.base_url = base_url;
            match sitegen::build(&options) {
                Ok(report) => {
                    println!(
                        "{} build: {} pages, {} outputs, {} rendered, {} removed, {} static files copied, {} files parsed, in {:.1?}",
                        if report.incremental {
                            "incremental"
                        } else {
                            "full"
                        },
                        report.pages,
                        report.outputs,
                        report.rendered,
                        report.removed,
                        report.static_copied,
                        report.parsed,
                        report.elapsed
                    );
                    ExitCode::SUCCESS
                }
                Err(errors) => {
                    for e in errors.iter().take(20) {
                        eprintln!("error: {e}");
                    }
                    if errors.len() > 20 {
                        eprintln!("error: {} more errors", errors.len() - 20);
                    }
                    ExitCode::FAILURE
                }
            }
        }
    }
}
