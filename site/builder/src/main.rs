use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

// Rendering allocates and frees many small JSON values from every thread;
// mimalloc does that about twice as fast as glibc's allocator here.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        /// Defaults to `<root>/.sitegen/state`.
        #[arg(long)]
        state: Option<PathBuf>,
        /// Render everything, ignoring the previous build.
        #[arg(long)]
        full: bool,
        /// Replaces config.toml's base_url (local preview).
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Writes a procedure page per procedure of national data (a catalogue
    /// export `.jsonl` or a `LayThuTuc` answer `.json`), keeping editors' text.
    Import {
        /// The national data file.
        from: PathBuf,
        /// The catalogue section.
        #[arg(long, default_value = "site/content/thu-tuc")]
        into: PathBuf,
    },
    /// Writes a copy of the site with a large synthetic catalogue (benchmarks only).
    Synth {
        /// Real procedures to derive from (catalogue export `.jsonl`).
        from: PathBuf,
        #[arg(long, default_value = "site")]
        site: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 10_000)]
        count: usize,
        /// Write the reference input instead: ~600-word pages and minimal
        /// templates, as in the Zola measurement the goals compare with.
        #[arg(long)]
        minimal: bool,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Import { from, into } => {
            let outcome =
                sitegen::import::read_source(&from).and_then(|(procedures, mut report)| {
                    sitegen::import::write_pages(&procedures, &into, &mut report)?;
                    Ok(report)
                });
            match outcome {
                Ok(report) => {
                    println!(
                        "{} pages written, {} unchanged, {} records rejected",
                        report.written,
                        report.unchanged,
                        report.rejected.len()
                    );
                    for (kind, n) in &report.issues {
                        println!("  {n} × {kind} (left out of the page, reported by the importer)");
                    }
                    for (at, why) in &report.rejected {
                        println!("  rejected {at}: {why}");
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Synth {
            from,
            site,
            out,
            count,
            minimal,
        } => {
            let outcome = sitegen::import::read_source(&from).and_then(|(real, _)| {
                if minimal {
                    sitegen::synth::write_minimal_site(&out, &real, count)
                } else {
                    sitegen::synth::write_site(&site, &out, &real, count)
                }
            });
            match outcome {
                Ok(()) => {
                    println!(
                        "{count} synthetic procedures written under {}",
                        out.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
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
                    eprintln!("{}", sitegen::report(&errors, 20));
                    ExitCode::FAILURE
                }
            }
        }
    }
}
