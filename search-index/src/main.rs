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
    /// Writes what the fallback finds for each query of the relevance set
    /// (`[{"q", "kind", "expect", "got": [codes…]}]`): the browser's own
    /// fallback must find the same (tests/browser).
    Relevance {
        #[arg(long, default_value = "site/content/thu-tuc")]
        content: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Shows how the fallback ranks a query: each result with its ranking keys.
    Explain {
        query: String,
        #[arg(long, default_value = "site/content/thu-tuc")]
        content: PathBuf,
        #[arg(long, default_value_t = 10)]
        limit: usize,
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
            let (index, safe, kept) = fallback(&content)?;
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
        Command::Relevance { content, out } => {
            let (index, _, _) = fallback(&content)?;
            let rows: Vec<serde_json::Value> = search_index::relevance::cases()
                .into_iter()
                .map(|case| {
                    let got: Vec<String> = index
                        .search(&case.q, 5, |_| true)
                        .into_iter()
                        .map(|h| index.docs[h.doc as usize].code.clone())
                        .collect();
                    serde_json::json!({"q": case.q, "kind": case.kind, "expect": case.expect, "got": got})
                })
                .collect();
            std::fs::write(&out, serde_json::to_vec_pretty(&rows)?)?;
            println!("{} queries → {}", rows.len(), out.display());
            Ok(())
        }
        Command::Explain {
            query,
            content,
            limit,
        } => {
            let (index, _, _) = fallback(&content)?;
            let (words, prefix) = index.analyse(&query);
            let words: Vec<&str> = words.iter().map(|w| w.exact.as_str()).collect();
            println!("words {words:?}, last one a prefix: {prefix}");
            println!("phrase matched typos exact side-by-side attribute name-length  code  name");
            for hit in index.search(&query, limit, |_| true) {
                let doc = &index.docs[hit.doc as usize];
                println!(
                    "{:>6} {:>7} {:>5} {:>5} {:>12} {:>9} {:>11}  {}  {}",
                    hit.phrase,
                    hit.matched,
                    hit.typos,
                    hit.exact,
                    hit.proximity,
                    hit.attribute,
                    hit.name_len,
                    doc.code,
                    doc.name
                );
            }
            Ok(())
        }
    }
}

/// The fallback index of the catalogue in `content`, with the stop words
/// it drops and those it keeps as words.
fn fallback(
    content: &std::path::Path,
) -> anyhow::Result<(FallbackIndex, Vec<String>, Vec<String>)> {
    let vocabulary = Vocabulary::bundled();
    let (entries, unreadable) = catalogue::read(content)?;
    for page in &unreadable {
        eprintln!("left out {}: {}", page.file, page.reason);
    }
    let documents = catalogue::documents(&entries, &vocabulary);
    let (safe, kept) = catalogue::stop_words(&documents, &vocabulary);
    let index = FallbackIndex::build(&documents, &safe, &vocabulary.listed_stop_words);
    Ok((index, safe, kept))
}
