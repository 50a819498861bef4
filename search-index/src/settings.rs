//! The Meilisearch index settings, in the REST API's shape: what is
//! searched and in which order of importance, what can be filtered and
//! sorted (the site's facets), how typos and everyday words are handled.
//! Why each value: `shared/docs/search-notes.md` (measured with Vietnamese).

use search::{SearchDocument, Vocabulary};
use serde_json::{Value, json};

/// The index the site searches.
pub const INDEX: &str = "thu-tuc";

/// The Meilisearch settings for `documents` (their stop words depend on the
/// catalogue: see `catalogue::stop_words`).
pub fn settings(
    vocabulary: &Vocabulary,
    safe_stop_words: &[String],
    documents: &[SearchDocument],
) -> Value {
    let mut synonyms = vocabulary.meilisearch_synonyms(safe_stop_words);
    for (a, b) in spelling_pairs(documents) {
        synonyms.entry(a.clone()).or_default().push(b.clone());
        synonyms.entry(b).or_default().push(a);
    }
    for values in synonyms.values_mut() {
        values.sort();
        values.dedup();
    }
    json!({
        // The order is the order of importance (Meilisearch's `attribute`
        // rule): the name, its Telex-spelt marks (a query typed with marks
        // also carries them, so exact matches rank first), common names,
        // other spellings of its words, field, agency, the facets, the
        // papers, the description.
        "searchableAttributes": [
            "name", "name_marks", "aliases", "spellings", "fields", "agencies",
            "levels", "audiences", "online", "components", "description"
        ],
        "displayedAttributes": ["id", "code", "name", "url", "fields", "agencies", "levels", "online"],
        "filterableAttributes": ["fields", "agencies", "levels", "audiences", "online"],
        "sortableAttributes": ["name", "code"],
        // The default rules; `exactness` last, as in the fallback's order.
        "rankingRules": ["words", "typo", "proximity", "attribute", "sort", "exactness"],
        // Vietnamese syllables are 2–4 letters: the default (5 and 9) misses
        // most typos (38 of 66 at rank 1; 62 of 66 with 3 and 7).
        "typoTolerance": {
            "enabled": true,
            "minWordSizeForTypos": { "oneTypo": 3, "twoTypos": 7 },
            "disableOnAttributes": ["name_marks"]
        },
        "synonyms": synonyms,
        "stopWords": safe_stop_words,
        "faceting": { "maxValuesPerFacet": 200, "sortFacetValuesBy": { "*": "count" } },
        "pagination": { "maxTotalHits": 1000 },
        "localizedAttributes": [{ "attributePatterns": ["*"], "locales": ["vie"] }]
    })
}

/// The title words written with a final y that Vietnamese also writes
/// with i ("ký"/"kí"): both spellings, folded, as Meilisearch folds them
/// (the fallback folds both to one: `search::fold::one_spelling`).
fn spelling_pairs(documents: &[SearchDocument]) -> std::collections::BTreeSet<(String, String)> {
    documents
        .iter()
        .flat_map(|d| {
            std::iter::once(&d.name)
                .chain(&d.aliases)
                .chain(&d.fields)
                .chain(&d.agencies)
        })
        .flat_map(|text| search::words(text))
        .filter_map(|w| {
            let folded = search::fold(&w.exact);
            (w.folded != folded).then_some((folded, w.folded))
        })
        .collect()
}

/// What the browser sends for `query`: the query itself and, when it was
/// typed with marks, the Telex spelling of its marked words, which only
/// documents with the same marks match (`name_marks`).
pub fn browser_query(query: &str) -> String {
    let marks: Vec<String> = search::words(query)
        .iter()
        .filter(|w| w.is_marked())
        .map(search::fold::telex)
        .collect();
    if marks.is_empty() {
        query.trim().to_owned()
    } else {
        format!("{} {}", query.trim(), marks.join(" "))
    }
}

/// Documents as Meilisearch takes them.
pub fn payload(documents: &[SearchDocument]) -> Value {
    serde_json::to_value(documents).expect("documents serialise")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_name_every_attribute_the_documents_have() {
        let v = Vocabulary::bundled();
        let doc = SearchDocument::new(
            &search::Entry {
                name: "Cấp Phiếu lý lịch tư pháp".into(),
                ..search::Entry::default()
            },
            vec![],
            vec![],
        );
        let s = settings(&v, &["tôi".into()], std::slice::from_ref(&doc));
        let doc = serde_json::to_value(SearchDocument::new(
            &search::Entry::default(),
            vec![],
            vec![],
        ))
        .unwrap();
        for list in [
            "searchableAttributes",
            "filterableAttributes",
            "sortableAttributes",
            "displayedAttributes",
        ] {
            for attribute in s[list].as_array().unwrap() {
                let name = attribute.as_str().unwrap();
                assert!(
                    doc.get(name).is_some(),
                    "{list}: {name} is not a document field"
                );
            }
        }
        assert_eq!(s["typoTolerance"]["minWordSizeForTypos"]["oneTypo"], 3);
        assert_eq!(s["stopWords"], json!(["tôi"]));
        assert!(s["synonyms"]["sổ đỏ"].as_array().is_some());
        // "lý" is also written "lí": Meilisearch must take one for the other.
        assert_eq!(s["synonyms"]["ly"], json!(["li"]));
        assert_eq!(s["synonyms"]["li"], json!(["ly"]));
    }

    #[test]
    fn a_query_with_marks_also_asks_for_them() {
        assert_eq!(
            browser_query("đăng ký khai sinh"),
            "đăng ký khai sinh ddawng kys"
        );
        assert_eq!(browser_query(" dang ky khai sinh "), "dang ky khai sinh");
    }
}
