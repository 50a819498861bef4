//! The static fallback index: what the site searches when Meilisearch
//! cannot be reached, and what the no-JavaScript results page searches on
//! the server. Built once per site build from the same documents.
//!
//! ## Matching and ranking (the browser's `search.js` does the same)
//! A query is cut into words (`fold::words`); stop words go (a word typed
//! exactly as a listed one, or any word whose folded form is a safe one).
//! Each word matches a document through a *candidate* term: its folded
//! form; for the last word, while the citizen is still typing, any longer
//! term it begins; or, among the title words (`vocabulary`), a term one
//! typo away (two for words of 7+ letters; a typo is an insertion,
//! deletion, substitution or swap of neighbours). Documents are ranked, in
//! this order, by: words matched, fewer typos, words matched with their
//! the whole query being the name or a common name (once the last word is
//! complete), exact marks, neighbouring query words found side by side in
//! the name or a common name, the importance of the attributes matched
//! (`WEIGHTS`), and then the shorter name. A last word of one letter is
//! left out until the second comes; a prefix stands for at most the
//! `PREFIX_LIMIT` commonest title words it begins.
//!
//! ## Files (`write`)
//! - `manifest.json`: the format version, the build's directory (`root`,
//!   named after the content), the number of documents and term chunks, the
//!   prefix settings, the safe stop words and the listed ones. Short-cached.
//! - `<root>/vocabulary.json`: `[[folded title word, …], [documents with it,
//!   …]]`, sorted: typo and prefix candidates come from it.
//! - `<root>/t/<n>.json`: term chunk `n`, holding every term whose first
//!   word folds and hashes to `n` (FNV-1a, `chunk_of`): `{"term": [doc
//!   delta, score, …]}`. A term is a folded word; `=` and an exact marked
//!   word; two folded words side by side in a name or common name
//!   (`"dang ky"`); or `~` and a whole name or common name, folded, without
//!   stop words (`"~dang ky khai sinh"`). A score is `weight × 100 + the
//!   document's name length in words` (capped at 99).
//! - `<root>/d/<n>.json`: documents `16n … 16n+15`:
//!   `[code, name, url, field, agency, level, online]`.
//! - `<root>/facets.json`: each facet's values and each document's value
//!   numbers, for filters (loaded only when a filter is used).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::document::SearchDocument;
use crate::fold::{Word, fold, words};

pub const FORMAT: u32 = 1;
/// Documents per display chunk.
pub const DOC_CHUNK: usize = 16;

/// How much a match in each attribute counts (the order of Meilisearch's
/// `searchableAttributes`).
pub const WEIGHTS: Weights = Weights {
    name: 8,
    alias: 6,
    spelling: 5,
    field: 4,
    agency: 3,
    facet: 2,
    component: 1,
    description: 1,
};

#[derive(Debug, Clone, Copy)]
pub struct Weights {
    pub name: u8,
    pub alias: u8,
    pub spelling: u8,
    pub field: u8,
    pub agency: u8,
    pub facet: u8,
    pub component: u8,
    pub description: u8,
}

/// A document as results show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocInfo {
    pub code: String,
    pub name: String,
    pub url: String,
    pub fields: Vec<String>,
    pub agencies: Vec<String>,
    pub levels: Vec<String>,
    pub online: Vec<String>,
    pub audiences: Vec<String>,
}

/// One posting: the document and its score (`weight × 100 + name length`).
pub type Posting = (u32, u16);

#[derive(Debug, Clone, Default)]
pub struct FallbackIndex {
    pub docs: Vec<DocInfo>,
    pub terms: BTreeMap<String, Vec<Posting>>,
    /// Folded title words, with the number of documents that have each:
    /// where typos and prefixes are looked for (the commonest prefixes first).
    pub vocabulary: BTreeMap<String, u32>,
    /// Stop words dropped once folded (no catalogue word folds into them).
    pub safe_stop_words: BTreeSet<String>,
    /// Stop words (with marks) dropped when typed exactly.
    pub listed_stop_words: BTreeSet<String>,
    /// Chunks the terms are spread over (a power of two).
    pub chunks: u32,
}

/// The chunk of a term: FNV-1a of its first folded word.
pub fn chunk_of(term: &str, chunks: u32) -> u32 {
    let first = term.trim_start_matches(['=', '~']);
    let first = first.split(' ').next().unwrap_or_default();
    let first = Word::new(first).folded;
    let mut hash: u32 = 0x811c_9dc5;
    for byte in first.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash % chunks.max(1)
}

fn score(weight: u8, name_len: usize) -> u16 {
    u16::from(weight) * 100 + name_len.min(99) as u16
}

/// The weight and name length a posting carries.
pub fn split_score(score: u16) -> (u8, u8) {
    ((score / 100) as u8, (score % 100) as u8)
}

impl FallbackIndex {
    /// Indexes `documents` (in their order; results point into it).
    pub fn build(
        documents: &[SearchDocument],
        safe_stop_words: &[String],
        listed_stop_words: &[String],
    ) -> Self {
        let safe: BTreeSet<String> = safe_stop_words.iter().map(|w| fold(w)).collect();
        // Typed exactly, a marked stop word is one; an unmarked one ("bao")
        // is only when it is safe, since "bảo" typed without marks is too.
        let listed: BTreeSet<String> = listed_stop_words
            .iter()
            .map(|w| Word::new(w))
            .filter(Word::is_marked)
            .map(|w| w.exact)
            .collect();
        let kept = |w: &Word| !listed.contains(&w.exact) && !safe.contains(&w.folded);
        let mut terms: HashMap<String, HashMap<u32, u16>> = HashMap::new();
        let mut vocabulary: BTreeMap<String, u32> = BTreeMap::new();
        let mut docs = Vec::with_capacity(documents.len());
        for (n, doc) in documents.iter().enumerate() {
            let n = n as u32;
            let name_words: Vec<Word> = words(&doc.name).into_iter().filter(|w| kept(w)).collect();
            let name_len = name_words.len();
            let mut add = |term: String, weight: u8| {
                let s = score(weight, name_len);
                let slot = terms.entry(term).or_default().entry(n).or_insert(0);
                *slot = (*slot).max(s);
            };
            let mut texts: Vec<(&str, u8, bool)> = vec![(doc.name.as_str(), WEIGHTS.name, true)];
            texts.extend(
                doc.aliases
                    .iter()
                    .map(|a| (a.as_str(), WEIGHTS.alias, true)),
            );
            // Spellings match as words, but are no name of the procedure:
            // no whole-name phrase, no side-by-side terms.
            texts.extend(
                doc.spellings
                    .iter()
                    .map(|a| (a.as_str(), WEIGHTS.spelling, true)),
            );
            texts.extend(doc.fields.iter().map(|a| (a.as_str(), WEIGHTS.field, true)));
            texts.extend(
                doc.agencies
                    .iter()
                    .map(|a| (a.as_str(), WEIGHTS.agency, true)),
            );
            for facet in [&doc.levels, &doc.audiences, &doc.online] {
                texts.extend(facet.iter().map(|a| (a.as_str(), WEIGHTS.facet, false)));
            }
            texts.extend(
                doc.components
                    .iter()
                    .map(|a| (a.as_str(), WEIGHTS.component, false)),
            );
            texts.push((doc.description.as_str(), WEIGHTS.description, false));
            let mut titled = BTreeSet::new();
            for (text, weight, title) in texts {
                let all = words(text);
                let ws: Vec<Word> = all.iter().filter(|w| kept(w)).cloned().collect();
                if weight >= WEIGHTS.alias {
                    // Whole, and without its stop words: "làm hộ chiếu" and
                    // "thủ tục đăng ký khai sinh" as written, and as
                    // "hộ chiếu" and "đăng ký khai sinh".
                    for phrase in [&all, &ws] {
                        if !phrase.is_empty() {
                            let folded: Vec<&str> =
                                phrase.iter().map(|w| w.folded.as_str()).collect();
                            add(format!("~{}", folded.join(" ")), weight);
                        }
                    }
                }
                for w in &ws {
                    if title {
                        titled.insert(w.folded.clone());
                    }
                    add(w.folded.clone(), weight);
                    if w.is_marked() {
                        add(format!("={}", w.exact), weight);
                    }
                }
                if weight >= WEIGHTS.alias {
                    for pair in ws.windows(2) {
                        add(format!("{} {}", pair[0].folded, pair[1].folded), weight);
                    }
                }
            }
            for w in titled {
                *vocabulary.entry(w).or_default() += 1;
            }
            docs.push(DocInfo {
                code: doc.code.clone(),
                name: doc.name.clone(),
                url: doc.url.clone(),
                fields: doc.fields.clone(),
                agencies: doc.agencies.clone(),
                levels: doc.levels.clone(),
                online: doc.online.clone(),
                audiences: doc.audiences.clone(),
            });
        }
        let terms = terms
            .into_iter()
            .map(|(term, postings)| {
                let mut postings: Vec<Posting> = postings.into_iter().collect();
                postings.sort_unstable();
                (term, postings)
            })
            .collect();
        // About 8 KB of postings a chunk, so a query fetches little.
        let postings: usize = documents.len() * 120;
        let chunks = (postings / 1_000).max(16).next_power_of_two() as u32;
        FallbackIndex {
            docs,
            terms,
            vocabulary,
            safe_stop_words: safe,
            listed_stop_words: listed,
            chunks,
        }
    }

    /// The query's words once stop words are gone (all of them if nothing
    /// else is left), and whether the last one may be a prefix.
    pub fn analyse(&self, query: &str) -> (Vec<Word>, bool) {
        let all = words(query);
        let kept: Vec<Word> = all
            .iter()
            .filter(|w| {
                !self.listed_stop_words.contains(&w.exact)
                    && !self.safe_stop_words.contains(&w.folded)
            })
            .cloned()
            .collect();
        let mut kept = kept;
        let mut still_typing = !query.ends_with(char::is_whitespace)
            && kept.last().is_some_and(|l| all.last() == Some(l));
        // One letter of a word is too little to guess it from.
        let too_short = |w: &Word| w.folded.chars().count() < MIN_PREFIX;
        if still_typing && kept.len() > 1 && kept.last().is_some_and(too_short) {
            kept.pop();
            still_typing = false;
        }
        if kept.is_empty() {
            (all, false)
        } else {
            (kept, still_typing)
        }
    }

    /// The terms a query word may match, each with its number of typos.
    /// A word being typed (`prefix`) also stands for the words that follow
    /// the `previous` word in some name (its side-by-side terms begin
    /// `"previous prefix"`), and for the commonest title words it begins.
    pub fn candidates(
        &self,
        word: &Word,
        prefix: bool,
        previous: Option<&Word>,
    ) -> Vec<(String, u8)> {
        let f = &word.folded;
        let mut out = vec![(f.clone(), 0)];
        let len = f.chars().count();
        if prefix && let Some(previous) = previous {
            let start = format!("{} {f}", previous.folded);
            for (term, _) in self.terms.range(start.clone()..) {
                if !term.starts_with(&start) {
                    break;
                }
                if let Some((_, next)) = term.split_once(' ')
                    && next != f
                    && !next.contains(' ')
                    && !out.iter().any(|(t, _)| t == next)
                {
                    out.push((next.to_owned(), 0));
                }
            }
        }
        if prefix && len >= MIN_PREFIX {
            let mut longer: Vec<(&String, u32)> = self
                .vocabulary
                .range(f.clone()..)
                .take_while(|(t, _)| t.starts_with(f.as_str()))
                .filter(|(t, _)| *t != f)
                .map(|(t, n)| (t, *n))
                .collect();
            longer.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            longer.truncate(PREFIX_LIMIT);
            out.extend(longer.into_iter().map(|(t, _)| (t.clone(), 0)));
        }
        let allowed = typos_allowed(len);
        if allowed > 0 {
            for t in self.vocabulary.keys() {
                if t == f {
                    continue;
                }
                let d = distance(f, t, allowed);
                if d > 0 && d <= allowed {
                    out.push((t.clone(), d));
                }
            }
        }
        out
    }

    pub fn postings(&self, term: &str) -> &[Posting] {
        self.terms.get(term).map_or(&[], Vec::as_slice)
    }

    /// The best `limit` documents for `query`, best first, among those
    /// `keep` accepts (the facet filters).
    pub fn search(&self, query: &str, limit: usize, keep: impl Fn(&DocInfo) -> bool) -> Vec<Hit> {
        let (query_words, prefix) = self.analyse(query);
        let mut ranked = rank(&words(query), &query_words, prefix, self, |t| {
            self.postings(t)
        });
        ranked.retain(|h| keep(&self.docs[h.doc as usize]));
        ranked.truncate(limit);
        ranked
    }

    /// Writes the index as the site's files under `dir` (see the module's
    /// documentation): `manifest.json`, and the rest under a directory
    /// named after their content, so they can be cached for good and a new
    /// build never mixes with an old one.
    pub fn write(&self, dir: &Path) -> std::io::Result<Manifest> {
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let vocabulary: (Vec<&String>, Vec<u32>) = self.vocabulary.iter().unzip();
        files.push(("vocabulary.json".into(), serde_json::to_vec(&vocabulary)?));
        let mut chunks: Vec<BTreeMap<&str, Vec<u32>>> = vec![BTreeMap::new(); self.chunks as usize];
        for (term, postings) in &self.terms {
            let mut flat = Vec::with_capacity(postings.len() * 2);
            let mut last = 0;
            for &(doc, s) in postings {
                flat.push(doc - last);
                flat.push(u32::from(s));
                last = doc;
            }
            chunks[chunk_of(term, self.chunks) as usize].insert(term, flat);
        }
        for (n, chunk) in chunks.iter().enumerate() {
            files.push((format!("t/{n}.json"), serde_json::to_vec(chunk)?));
        }
        for (n, group) in self.docs.chunks(DOC_CHUNK).enumerate() {
            fn first(v: &[String]) -> &str {
                v.first().map_or("", String::as_str)
            }
            let rows: Vec<[&str; 7]> = group
                .iter()
                .map(|d| {
                    [
                        d.code.as_str(),
                        d.name.as_str(),
                        d.url.as_str(),
                        first(&d.fields),
                        first(&d.agencies),
                        first(&d.levels),
                        first(&d.online),
                    ]
                })
                .collect();
            files.push((format!("d/{n}.json"), serde_json::to_vec(&rows)?));
        }
        files.push((
            "facets.json".into(),
            serde_json::to_vec(&Facets::of(&self.docs))?,
        ));
        let mut digest = Sha256::new();
        for (name, body) in &files {
            digest.update(name.as_bytes());
            digest.update(body);
        }
        let root = hex::encode(digest.finalize())[..16].to_owned();
        std::fs::create_dir_all(dir.join(&root).join("t"))?;
        std::fs::create_dir_all(dir.join(&root).join("d"))?;
        for (name, body) in &files {
            std::fs::write(dir.join(&root).join(name), body)?;
        }
        let manifest = Manifest {
            format: FORMAT,
            root,
            docs: self.docs.len(),
            doc_chunk: DOC_CHUNK,
            chunks: self.chunks,
            prefix_limit: PREFIX_LIMIT,
            min_prefix: MIN_PREFIX,
            safe_stop_words: self.safe_stop_words.iter().cloned().collect(),
            listed_stop_words: self.listed_stop_words.iter().cloned().collect(),
        };
        std::fs::write(dir.join("manifest.json"), serde_json::to_vec(&manifest)?)?;
        Ok(manifest)
    }

    /// Reads what `write` wrote.
    pub fn read(dir: &Path) -> std::io::Result<Self> {
        Self::read_with(|name| std::fs::read(dir.join(name)))
    }

    /// Reads what `write` wrote, each file (named by its path under the
    /// index's directory, `manifest.json` first) from `file`.
    pub fn read_with(file: impl Fn(&str) -> std::io::Result<Vec<u8>>) -> std::io::Result<Self> {
        let invalid =
            |e: serde_json::Error| std::io::Error::new(std::io::ErrorKind::InvalidData, e);
        let manifest: Manifest =
            serde_json::from_slice(&file("manifest.json")?).map_err(invalid)?;
        if manifest.format != FORMAT {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "fallback index format {} (this build reads {FORMAT})",
                    manifest.format
                ),
            ));
        }
        let read = |name: &str| file(&format!("{}/{name}", manifest.root));
        let (terms_list, counts): (Vec<String>, Vec<u32>) =
            serde_json::from_slice(&read("vocabulary.json")?).map_err(invalid)?;
        let vocabulary = terms_list.into_iter().zip(counts).collect();
        let mut terms = BTreeMap::new();
        for n in 0..manifest.chunks {
            let chunk: BTreeMap<String, Vec<u32>> =
                serde_json::from_slice(&read(&format!("t/{n}.json"))?).map_err(invalid)?;
            for (term, flat) in chunk {
                let mut doc = 0;
                let postings = flat
                    .chunks(2)
                    .map(|pair| {
                        doc += pair[0];
                        (doc, pair.get(1).copied().unwrap_or(0) as u16)
                    })
                    .collect();
                terms.insert(term, postings);
            }
        }
        let facets: Facets = serde_json::from_slice(&read("facets.json")?).map_err(invalid)?;
        let mut docs = Vec::with_capacity(manifest.docs);
        for n in 0..manifest.docs.div_ceil(manifest.doc_chunk.max(1)) {
            let rows: Vec<[String; 7]> =
                serde_json::from_slice(&read(&format!("d/{n}.json"))?).map_err(invalid)?;
            for [code, name, url, ..] in rows {
                let n = docs.len();
                let values = |kind: usize| facets.values_of(kind, n);
                docs.push(DocInfo {
                    code,
                    name,
                    url,
                    fields: values(0),
                    agencies: values(1),
                    levels: values(2),
                    online: values(3),
                    audiences: values(4),
                });
            }
        }
        Ok(FallbackIndex {
            docs,
            terms,
            vocabulary,
            safe_stop_words: manifest.safe_stop_words.into_iter().collect(),
            listed_stop_words: manifest.listed_stop_words.into_iter().collect(),
            chunks: manifest.chunks,
        })
    }
}

/// Words a prefix stands for: the commonest title words it begins (each
/// may mean one more chunk to fetch in the browser).
pub const PREFIX_LIMIT: usize = 8;
/// Letters a word being typed needs before it is guessed.
pub const MIN_PREFIX: usize = 1;

/// Typos allowed in a folded word of `len` letters (Meilisearch's
/// `minWordSizeForTypos` as `search-index` sets it: 3 and 7).
pub fn typos_allowed(len: usize) -> u8 {
    match len {
        0..=2 => 0,
        3..=6 => 1,
        _ => 2,
    }
}

/// Edit distance with swaps of neighbours (optimal string alignment), or
/// `max + 1` once it is sure to pass `max`.
pub fn distance(a: &str, b: &str, max: u8) -> u8 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let max = usize::from(max);
    if a.len().abs_diff(b.len()) > max {
        return (max + 1) as u8;
    }
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        let mut best = usize::MAX;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
            best = best.min(d);
        }
        if best > max {
            return (max + 1) as u8;
        }
    }
    rows[a.len()][b.len()].min(max + 1) as u8
}

/// One ranked document, with the keys it was ranked by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub doc: u32,
    pub matched: u8,
    pub typos: u8,
    /// The most query words, side by side, that are a whole name or common
    /// name of the document (0 if fewer than two).
    pub phrase: u8,
    /// The query's words (a phrase of all of them explains the document:
    /// the shorter name, the more general procedure, comes first).
    pub whole: u8,
    pub exact: u8,
    pub proximity: u8,
    pub attribute: u16,
    pub name_len: u8,
}

impl Hit {
    /// Best first: the ranking rules in the module's order.
    #[allow(clippy::type_complexity)]
    fn key(
        &self,
    ) -> (
        std::cmp::Reverse<u8>,
        std::cmp::Reverse<u8>,
        u8,
        u8,
        std::cmp::Reverse<u8>,
        std::cmp::Reverse<u8>,
        std::cmp::Reverse<u16>,
        u8,
        u32,
    ) {
        let explained = self.phrase >= self.whole;
        (
            std::cmp::Reverse(self.phrase),
            std::cmp::Reverse(self.matched),
            self.typos,
            if explained { self.name_len } else { 0 },
            std::cmp::Reverse(self.exact),
            std::cmp::Reverse(self.proximity),
            std::cmp::Reverse(self.attribute),
            self.name_len,
            self.doc,
        )
    }
}

/// Ranks every document some word of `query` (the words of `typed` less
/// the stop words) matches. `postings` gives a term's postings (from
/// memory, or from fetched chunks).
pub fn rank<'a>(
    typed: &[Word],
    query: &[Word],
    prefix: bool,
    index: &FallbackIndex,
    postings: impl Fn(&str) -> &'a [Posting],
) -> Vec<Hit> {
    #[derive(Default, Clone, Copy)]
    struct Best {
        typos: u8,
        weight: u8,
        found: bool,
    }
    let mut per_doc: HashMap<u32, (Vec<Best>, u8, u8)> = HashMap::new();
    for (i, word) in query.iter().enumerate() {
        let last = i + 1 == query.len();
        let previous = i.checked_sub(1).map(|p| &query[p]);
        for (term, typos) in index.candidates(word, prefix && last, previous) {
            for &(doc, s) in postings(&term) {
                let (weight, name_len) = split_score(s);
                let entry = per_doc
                    .entry(doc)
                    .or_insert_with(|| (vec![Best::default(); query.len()], 0, 99));
                entry.2 = name_len;
                let best = &mut entry.0[i];
                let better = !best.found
                    || typos < best.typos
                    || (typos == best.typos && weight > best.weight);
                if better {
                    *best = Best {
                        typos,
                        weight,
                        found: true,
                    };
                }
            }
        }
        if word.is_marked() {
            for &(doc, _) in postings(&format!("={}", word.exact)) {
                if let Some(entry) = per_doc.get_mut(&doc) {
                    entry.1 += 1;
                }
            }
        }
    }
    // The longest run of query words (two or more, stop words and all, or
    // without them) that is a whole name or common name of the document.
    let mut phrase: HashMap<u32, u8> = HashMap::new();
    for sequence in [typed, query] {
        let folded: Vec<&str> = sequence.iter().map(|w| w.folded.as_str()).collect();
        for len in (2..=folded.len()).rev() {
            for run in folded.windows(len) {
                for &(doc, _) in postings(&format!("~{}", run.join(" "))) {
                    let found = phrase.entry(doc).or_insert(0);
                    *found = (*found).max(len as u8);
                }
            }
        }
    }
    let mut side_by_side: HashMap<u32, u8> = HashMap::new();
    for pair in query.windows(2) {
        let seen: HashSet<u32> = postings(&format!("{} {}", pair[0].folded, pair[1].folded))
            .iter()
            .map(|p| p.0)
            .collect();
        for doc in seen {
            *side_by_side.entry(doc).or_default() += 1;
        }
    }
    let mut hits: Vec<Hit> = per_doc
        .into_iter()
        .map(|(doc, (best, exact, name_len))| {
            let found = best.iter().filter(|b| b.found);
            Hit {
                doc,
                matched: found.clone().count() as u8,
                typos: found.clone().map(|b| b.typos).sum(),
                phrase: phrase.get(&doc).copied().unwrap_or(0),
                whole: query.len() as u8,
                exact,
                proximity: side_by_side.get(&doc).copied().unwrap_or(0),
                attribute: found.map(|b| u16::from(b.weight)).sum(),
                name_len,
            }
        })
        .collect();
    hits.sort_by_key(|h| h.key());
    hits
}

/// The facet values, and each document's value numbers per facet
/// (fields, agencies, levels, online, audiences).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Facets {
    pub values: [Vec<String>; 5],
    pub docs: Vec<[Vec<u32>; 5]>,
}

impl Facets {
    pub fn of(docs: &[DocInfo]) -> Self {
        let lists = |d: &DocInfo| -> [Vec<String>; 5] {
            [
                d.fields.clone(),
                d.agencies.clone(),
                d.levels.clone(),
                d.online.clone(),
                d.audiences.clone(),
            ]
        };
        let mut sets: [BTreeSet<String>; 5] = Default::default();
        for d in docs {
            for (set, values) in sets.iter_mut().zip(lists(d)) {
                set.extend(values);
            }
        }
        let values: [Vec<String>; 5] = sets.map(|s| s.into_iter().collect());
        let number = |kind: usize, v: &String| values[kind].binary_search(v).unwrap_or(0) as u32;
        let per_doc = docs
            .iter()
            .map(|d| {
                let mut out: [Vec<u32>; 5] = Default::default();
                for (kind, vals) in lists(d).iter().enumerate() {
                    out[kind] = vals.iter().map(|v| number(kind, v)).collect();
                }
                out
            })
            .collect();
        Facets {
            values,
            docs: per_doc,
        }
    }

    fn values_of(&self, kind: usize, doc: usize) -> Vec<String> {
        self.docs
            .get(doc)
            .map(|d| {
                d[kind]
                    .iter()
                    .filter_map(|&i| self.values[kind].get(i as usize).cloned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// The directory (beside the manifest) holding this build's files.
    pub root: String,
    pub docs: usize,
    pub doc_chunk: usize,
    pub chunks: u32,
    pub prefix_limit: usize,
    pub min_prefix: usize,
    pub safe_stop_words: Vec<String>,
    pub listed_stop_words: Vec<String>,
}

impl Manifest {
    /// The files of the index besides `manifest.json`, by their path under
    /// its directory: what a reader fetches.
    pub fn files(&self) -> Vec<String> {
        let in_root = |name: String| format!("{}/{name}", self.root);
        let mut files = vec![
            in_root("vocabulary.json".into()),
            in_root("facets.json".into()),
        ];
        files.extend((0..self.chunks).map(|n| in_root(format!("t/{n}.json"))));
        files.extend(
            (0..self.docs.div_ceil(self.doc_chunk.max(1))).map(|n| in_root(format!("d/{n}.json"))),
        );
        files
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Entry, SearchDocument};

    fn doc(code: &str, name: &str, aliases: &[&str]) -> SearchDocument {
        SearchDocument::new(
            &Entry {
                code: code.into(),
                name: name.into(),
                url: format!("/thu-tuc/{}/", code.replace('.', "-")),
                fields: vec!["Hộ tịch".into()],
                ..Entry::default()
            },
            aliases.iter().map(|a| a.to_string()).collect(),
            vec![],
        )
    }

    fn index() -> FallbackIndex {
        FallbackIndex::build(
            &[
                doc(
                    "1.000001",
                    "Thủ tục đăng ký khai sinh có yếu tố nước ngoài",
                    &["làm giấy khai sinh"],
                ),
                doc(
                    "1.000002",
                    "Thủ tục đăng ký khai sinh",
                    &["làm giấy khai sinh"],
                ),
                doc("1.000003", "Thủ tục đăng ký kết hôn", &[]),
                doc("1.000004", "Cấp mã số thuế", &[]),
                doc("1.000005", "Cấp mà số thuế", &[]),
            ],
            &["tôi".into()],
            &["thủ".into(), "tục".into(), "làm".into(), "tôi".into()],
        )
    }

    fn top(index: &FallbackIndex, q: &str) -> Vec<String> {
        index
            .search(q, 3, |_| true)
            .into_iter()
            .map(|h| index.docs[h.doc as usize].code.clone())
            .collect()
    }

    #[test]
    fn exact_and_folded_queries_find_the_same_and_the_shorter_name_first() {
        let i = index();
        assert_eq!(top(&i, "Đăng ký khai sinh")[0], "1.000002");
        assert_eq!(top(&i, "dang ky khai sinh")[0], "1.000002");
        assert_eq!(
            top(&i, "đăng ký kết")[0],
            "1.000003",
            "a prefix while typing"
        );
        assert_eq!(
            top(&i, "dang ky khia sinh")[0],
            "1.000002",
            "one swap is one typo"
        );
        assert_eq!(top(&i, "tôi làm giấy khai sinh")[0], "1.000002");
    }

    #[test]
    fn an_exact_marks_match_ranks_above_a_folded_one() {
        let i = index();
        assert_eq!(top(&i, "mã số thuế")[0], "1.000004");
        assert_eq!(top(&i, "mà số thuế")[0], "1.000005");
    }

    #[test]
    fn distances_count_a_swap_as_one_edit() {
        assert_eq!(distance("khai", "khia", 1), 1);
        assert_eq!(distance("khai", "khai", 1), 0);
        assert_eq!(distance("sinh", "sing", 1), 1);
        assert_eq!(distance("ab", "abcd", 1), 2);
        assert_eq!(typos_allowed(2), 0);
        assert_eq!(typos_allowed(4), 1);
        assert_eq!(typos_allowed(8), 2);
    }

    #[test]
    fn the_written_files_read_back_as_the_same_index() {
        let i = index();
        let dir = std::env::temp_dir().join(format!("fallback-{}", std::process::id()));
        let manifest = i.write(&dir).unwrap();
        assert_eq!(manifest.docs, 5);
        let back = FallbackIndex::read(&dir).unwrap();
        assert_eq!(back.docs, i.docs);
        assert_eq!(back.terms, i.terms);
        assert_eq!(back.vocabulary, i.vocabulary);
        assert_eq!(
            top(&back, "dang ky khai sinh"),
            top(&i, "dang ky khai sinh")
        );
        // The manifest names every file written, and a reader of only
        // those (as from a bucket) gets the same index.
        let mut written = Vec::new();
        for sub in ["", "/t", "/d"] {
            for entry in std::fs::read_dir(dir.join(format!("{}{sub}", manifest.root))).unwrap() {
                let path = entry.unwrap().path();
                if path.is_file() {
                    let name = path.strip_prefix(&dir).unwrap();
                    written.push(name.to_string_lossy().into_owned());
                }
            }
        }
        let mut listed = manifest.files();
        listed.sort();
        written.sort();
        assert_eq!(listed, written);
        let from_list = FallbackIndex::read_with(|name| {
            if name == "manifest.json" || listed.iter().any(|l| l == name) {
                std::fs::read(dir.join(name))
            } else {
                Err(std::io::ErrorKind::NotFound.into())
            }
        })
        .unwrap();
        assert_eq!(from_list.terms, i.terms);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
