use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use search::{FallbackIndex, Vocabulary};
use search_index::catalogue;

/// Builds procedure search from the site's catalogue.
#[derive(Parser)]
#[command(name = "search-index", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Writes the static fallback index the site searches without Meilisearch.
    Fallback {
        /// The catalogue section.
        #[arg(long, default_value = "site/content/thu-tuc")]
        content: PathBuf,
        /// Where the site serves it from.
        #[arg(long, default_value = "site/public/tim-kiem/chi-muc")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("search-index: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Fallback { content, out } => {
            let vocabulary = Vocabulary::bundled();
            let (entries, unreadable) = catalogue::read(&content)?;
            for page in &unreadable {
                eprintln!("left out {}: {}", page.file, page.reason);
            }
            let documents = catalogue::documents(&entries, &vocabulary);
            let (safe, kept) = catalogue::stop_words(&documents, &vocabulary);
            let index = FallbackIndex::build(&documents, &safe, &vocabulary.listed_stop_words);
            if out.exists() {
                std::fs::remove_dir_all(&out)?;
            }
            let manifest = index.write(&out)?;
            println!(
                "fallback index: {} procedures, {} terms in {} chunks, {} stop words ({} kept as words: {}) → {}",
                manifest.docs,
                index.terms.len(),
                manifest.chunks,
                safe.len(),
                kept.len(),
                kept.join(", "),
                out.display()
            );
            Ok(())
        }
    }
}
