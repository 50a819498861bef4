use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use search::{FallbackIndex, Vocabulary};
use search_index::{catalogue, meili, settings};

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
    /// Pushes the catalogue to Meilisearch (only what changed), makes the
    /// browser's search-only key, and writes the site's search config.
    Push {
        /// The catalogue section.
        #[arg(long, default_value = "site/content/thu-tuc")]
        content: PathBuf,
        /// The Meilisearch server.
        #[arg(long, env = "MEILI_URL")]
        url: String,
        /// Its master key; without one (a development server run without a
        /// master key) no search-only key is made and the config's key is null.
        #[arg(long, env = "MEILI_MASTER_KEY", hide_env_values = true)]
        key: Option<String>,
        /// The index.
        #[arg(long, default_value = settings::INDEX)]
        index: String,
        /// Writes `{"url", "index", "key"}` (the search-only key) here for
        /// the site's browser code, e.g. site/static/tim-kiem/meili.json.
        #[arg(long)]
        write_config: Option<PathBuf>,
        /// The server's address as browsers reach it, for the config, when
        /// it is not `--url`.
        #[arg(long)]
        public_url: Option<String>,
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
        Command::Push {
            content,
            url,
            key,
            index,
            write_config,
            public_url,
        } => {
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(push(Push {
                content,
                url,
                key,
                index,
                write_config,
                public_url,
            }))
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

struct Push {
    content: PathBuf,
    url: String,
    key: Option<String>,
    index: String,
    write_config: Option<PathBuf>,
    public_url: Option<String>,
}

async fn push(args: Push) -> anyhow::Result<()> {
    use anyhow::Context;

    let vocabulary = Vocabulary::bundled();
    let (entries, unreadable) = catalogue::read(&args.content)?;
    for page in &unreadable {
        eprintln!("left out {}: {}", page.file, page.reason);
    }
    // An empty catalogue (a wrong --content) would delete every document.
    anyhow::ensure!(
        !entries.is_empty(),
        "no procedure pages in {}: nothing pushed",
        args.content.display()
    );
    let documents = catalogue::documents(&entries, &vocabulary);
    let (safe, _) = catalogue::stop_words(&documents, &vocabulary);
    let index_settings = settings::settings(&vocabulary, &safe, &documents);

    let client = meili::client(&args.url, args.key.as_deref())?;
    // Fails early with the address, not deep inside the first write.
    client
        .health()
        .await
        .with_context(|| format!("Meilisearch at {} does not answer", args.url))?;
    let report = meili::push(&client, &args.index, &documents, &index_settings).await?;
    println!(
        "Meilisearch {} index {}: {} procedures, {report}",
        args.url,
        args.index,
        documents.len()
    );

    let search_key = match &args.key {
        Some(_) => {
            let key = meili::search_key(&client, &args.index).await?;
            println!("search-only key: {:?}", meili::search_key_name(&args.index));
            Some(key)
        }
        None => {
            eprintln!(
                "no master key: no search-only key made (only a server without a master key answers without one)"
            );
            None
        }
    };

    if let Some(path) = &args.write_config {
        let config = serde_json::json!({
            "url": args.public_url.as_deref().unwrap_or(&args.url).trim_end_matches('/'),
            "index": args.index,
            "key": search_key,
        });
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let mut bytes = serde_json::to_vec_pretty(&config)?;
        bytes.push(b'\n');
        std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?;
        println!("search config → {}", path.display());
    }
    Ok(())
}
