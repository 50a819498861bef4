//! The words of search kept as data (`data/synonyms.toml`,
//! `data/stop_words.txt`): everyday names of procedures, spellings of the
//! same thing, and words that say nothing. Both engines take them from here.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Deserialize;

use crate::fold::{fold, words};

#[derive(Debug, Clone, Deserialize)]
struct File {
    #[serde(default)]
    everyday: Vec<Everyday>,
    #[serde(default)]
    same: Vec<Same>,
}

/// What citizens say for the words of an official name.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Everyday {
    pub means: String,
    pub say: Vec<String>,
}

/// Spellings of one thing.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Same {
    pub words: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Vocabulary {
    pub everyday: Vec<Everyday>,
    pub same: Vec<Same>,
    /// The listed stop words, full diacritics.
    pub listed_stop_words: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum VocabularyError {
    #[error("synonyms: {0}")]
    Synonyms(#[from] toml::de::Error),
    #[error("synonyms: {0}")]
    Invalid(String),
}

/// Whether `phrase` (folded words) occurs in `text` (folded words) as a run.
fn contains_run(text: &[String], phrase: &[String]) -> bool {
    !phrase.is_empty() && text.windows(phrase.len()).any(|w| w == phrase)
}

fn folded_words(text: &str) -> Vec<String> {
    words(text).into_iter().map(|w| w.folded).collect()
}

impl Vocabulary {
    /// The project's own vocabulary, compiled in.
    pub fn bundled() -> Self {
        Self::parse(
            include_str!("../data/synonyms.toml"),
            include_str!("../data/stop_words.txt"),
        )
        .expect("the bundled vocabulary is checked by its tests")
    }

    pub fn parse(synonyms: &str, stop_words: &str) -> Result<Self, VocabularyError> {
        let file: File = toml::from_str(synonyms)?;
        for e in &file.everyday {
            if words(&e.means).is_empty() || e.say.iter().any(|s| words(s).is_empty()) {
                return Err(VocabularyError::Invalid(format!(
                    "an everyday entry has an empty phrase (means `{}`)",
                    e.means
                )));
            }
        }
        for s in &file.same {
            if s.words.len() < 2 || s.words.iter().any(|w| words(w).is_empty()) {
                return Err(VocabularyError::Invalid(format!(
                    "a [[same]] entry needs two or more non-empty spellings: {:?}",
                    s.words
                )));
            }
        }
        let listed_stop_words = stop_words
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect();
        Ok(Vocabulary {
            everyday: file.everyday,
            same: file.same,
            listed_stop_words,
        })
    }

    /// The common names of a procedure called `name`: the everyday phrases
    /// of every entry whose words its name contains.
    pub fn aliases(&self, name: &str) -> Vec<String> {
        let name = folded_words(name);
        let mut found = BTreeSet::new();
        for e in &self.everyday {
            if contains_run(&name, &folded_words(&e.means)) {
                found.extend(e.say.iter().cloned());
            }
        }
        found.into_iter().collect()
    }

    /// Other spellings of what the name of a procedure says: of each
    /// [[same]] entry it uses, the spellings it does not. Words, not
    /// names of the procedure: they match like the name's own words.
    pub fn spellings(&self, name: &str) -> Vec<String> {
        let name = folded_words(name);
        let mut found = BTreeSet::new();
        for s in &self.same {
            let (in_name, others): (Vec<&String>, Vec<&String>) = s
                .words
                .iter()
                .partition(|w| contains_run(&name, &folded_words(w)));
            if !in_name.is_empty() {
                found.extend(others.into_iter().cloned());
            }
        }
        found.into_iter().collect()
    }

    /// The stop words safe to drop once folded: those into whose folded form
    /// no other word of `texts` (the catalogue's names, common names, fields
    /// and agencies) folds. Returns them and the ones left out.
    pub fn stop_words<'a>(
        &self,
        texts: impl IntoIterator<Item = &'a str>,
    ) -> (Vec<String>, Vec<String>) {
        let listed: HashSet<String> = self
            .listed_stop_words
            .iter()
            .map(|w| crate::fold::Word::new(w).exact)
            .collect();
        let used: HashSet<String> = texts
            .into_iter()
            .flat_map(words)
            .filter(|w| !listed.contains(&w.exact))
            .map(|w| w.folded)
            .collect();
        self.listed_stop_words
            .iter()
            .cloned()
            .partition(|w| !used.contains(&fold(w)))
    }

    /// Meilisearch's `synonyms`: each everyday phrase → the official words
    /// (one way), each spelling → the others. Keys and values are the
    /// phrases without their stop words (`stop`, folded), since the engine
    /// drops those from the query before it looks for synonyms.
    pub fn meilisearch_synonyms(&self, stop: &[String]) -> BTreeMap<String, Vec<String>> {
        let stop: HashSet<String> = stop.iter().map(|w| fold(w)).collect();
        let strip = |phrase: &str| -> String {
            words(phrase)
                .into_iter()
                .filter(|w| !stop.contains(&w.folded))
                .map(|w| w.exact)
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for e in &self.everyday {
            let means = strip(&e.means);
            for say in &e.say {
                let say = strip(say);
                if !say.is_empty() && say != means {
                    out.entry(say).or_default().push(means.clone());
                }
            }
        }
        for s in &self.same {
            let all: Vec<String> = s.words.iter().map(|w| strip(w)).collect();
            for w in &all {
                let others = all.iter().filter(|o| *o != w).cloned();
                out.entry(w.clone()).or_default().extend(others);
            }
        }
        for values in out.values_mut() {
            values.sort();
            values.dedup();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_vocabulary_reads() {
        let v = Vocabulary::bundled();
        assert!(v.everyday.len() >= 20);
        assert!(v.listed_stop_words.contains(&"làm".to_owned()));
    }

    #[test]
    fn a_procedure_gets_the_everyday_names_of_the_words_in_its_name() {
        let v = Vocabulary::bundled();
        let aliases = v.aliases("Thủ tục đăng ký khai sinh lưu động");
        assert!(
            aliases.contains(&"làm giấy khai sinh".to_owned()),
            "{aliases:?}"
        );
        assert!(!aliases.contains(&"báo tử".to_owned()));
        // Folded matching: the name's marks need not be the entry's.
        let sodo = v.aliases("Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản");
        assert!(sodo.contains(&"đổi sổ đỏ".to_owned()), "{sodo:?}");
        let cccd = v.spellings("Cấp thẻ căn cước");
        assert!(cccd.contains(&"cccd".to_owned()) && cccd.contains(&"cmnd".to_owned()));
        assert!(
            !cccd.contains(&"căn cước".to_owned()),
            "the name says it already"
        );
    }

    #[test]
    fn a_stop_word_that_folds_into_a_real_word_is_kept() {
        let v = Vocabulary::bundled();
        let names = [
            "Thu hồi chứng nhận đăng ký xe",
            "Cấp thẻ tạm trú",
            "Đăng ký đầu tư",
        ];
        let (safe, kept) = v.stop_words(names);
        for collides in ["thủ", "thế", "đâu"] {
            assert!(kept.contains(&collides.to_owned()), "{collides}");
        }
        assert!(safe.contains(&"làm".to_owned()) && safe.contains(&"tôi".to_owned()));
    }

    #[test]
    fn meilisearch_synonyms_are_one_way_for_everyday_words_and_both_ways_for_spellings() {
        let v = Vocabulary::bundled();
        let stop = vec!["làm".to_owned(), "cho".to_owned()];
        let synonyms = v.meilisearch_synonyms(&stop);
        assert_eq!(synonyms["giấy khai sinh"], ["đăng ký khai sinh"]);
        assert!(synonyms["sổ đỏ"].contains(&"cấp giấy chứng nhận quyền sử dụng đất".to_owned()));
        assert!(!synonyms.contains_key("đăng ký khai sinh"));
        assert!(synonyms["cccd"].contains(&"căn cước".to_owned()));
        assert!(synonyms["căn cước"].contains(&"cccd".to_owned()));
        // "làm hộ chiếu" lost its stop word: the engine never sees it.
        assert!(synonyms.contains_key("hộ chiếu"));
    }

    #[test]
    fn an_empty_phrase_is_refused() {
        let bad = "[[everyday]]\nmeans = \"\"\nsay = [\"x\"]\n";
        assert!(Vocabulary::parse(bad, "").is_err());
        let lonely = "[[same]]\nwords = [\"cccd\"]\n";
        assert!(Vocabulary::parse(lonely, "").is_err());
    }
}
