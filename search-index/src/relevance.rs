//! The relevance set (`relevance.toml`) and its scoring, shared by the
//! fallback's test and Meilisearch's.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub kind: String,
    pub q: String,
    pub expect: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct File {
    query: Vec<Case>,
}

/// The relevance set, compiled in.
pub fn cases() -> Vec<Case> {
    let file: File =
        toml::from_str(include_str!("../relevance.toml")).expect("relevance.toml reads");
    file.query
}

/// Per kind: queries, found in the top 5, found at rank 1.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub queries: usize,
    pub top5: usize,
    pub first: usize,
}

/// Scores `results` (the codes each case's query returned, best first),
/// and lists the misses (query, expected, what came first).
pub fn score(cases: &[Case], results: &[Vec<String>]) -> (BTreeMap<String, Tally>, Vec<String>) {
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut misses = Vec::new();
    for (case, got) in cases.iter().zip(results) {
        let tally = tallies.entry(case.kind.clone()).or_default();
        tally.queries += 1;
        let hit = |code: &String| case.expect.contains(code);
        let in_top5 = got.iter().take(5).any(hit);
        let at_first = got.first().is_some_and(hit);
        tally.top5 += usize::from(in_top5);
        tally.first += usize::from(at_first);
        if !at_first {
            misses.push(format!(
                "[{}] {:?}: expected {:?}, got {:?}",
                case.kind,
                case.q,
                case.expect,
                got.iter().take(5).collect::<Vec<_>>()
            ));
        }
    }
    (tallies, misses)
}

/// The figures as a Markdown table (docs/benchmarks.md).
pub fn table(tallies: &BTreeMap<String, Tally>) -> String {
    let mut out = String::from("| kind | queries | top 5 | rank 1 |\n|---|---|---|---|\n");
    let mut all = Tally::default();
    for (kind, t) in tallies {
        let pct = |n: usize| 100.0 * n as f64 / t.queries.max(1) as f64;
        out.push_str(&format!(
            "| {kind} | {} | {} ({:.0} %) | {} ({:.0} %) |\n",
            t.queries,
            t.top5,
            pct(t.top5),
            t.first,
            pct(t.first)
        ));
        all.queries += t.queries;
        all.top5 += t.top5;
        all.first += t.first;
    }
    let pct = |n: usize| 100.0 * n as f64 / all.queries.max(1) as f64;
    out.push_str(&format!(
        "| all | {} | {} ({:.0} %) | {} ({:.0} %) |\n",
        all.queries,
        all.top5,
        pct(all.top5),
        all.first,
        pct(all.first)
    ));
    out
}

/// Scores `results` and checks the goals: every query's procedure
/// in the top 5, 90 % at rank 1. Prints the table and the misses.
pub fn check_goals(cases: &[Case], results: &[Vec<String>]) {
    let (tallies, misses) = score(cases, results);
    println!("{}", table(&tallies));
    for miss in &misses {
        println!("not first: {miss}");
    }
    let queries: usize = tallies.values().map(|t| t.queries).sum();
    let top5: usize = tallies.values().map(|t| t.top5).sum();
    let first: usize = tallies.values().map(|t| t.first).sum();
    assert_eq!(
        top5, queries,
        "every query must find its procedure in the top 5: {misses:#?}"
    );
    assert!(
        first * 10 >= queries * 9,
        "rank 1 for {first} of {queries}: {misses:#?}"
    );
}
