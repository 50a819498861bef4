//! One procedure as search sees it: the same record goes to Meilisearch
//! (as a document) and into the static fallback index.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::fold::{telex, words};

/// What a procedure's page says, for search: the index builder fills it
/// from the catalogue (`search-index`), the engines read only this.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Entry {
    pub code: String,
    pub name: String,
    /// The page's path on the site (`/thu-tuc/1-001193/`).
    pub url: String,
    /// Lĩnh vực, cơ quan thực hiện, cấp thực hiện, đối tượng, mức độ: as the
    /// site's taxonomies name them, so a facet links to its term page.
    pub fields: Vec<String>,
    pub agencies: Vec<String>,
    pub levels: Vec<String>,
    pub audiences: Vec<String>,
    pub online: Vec<String>,
    /// The names of the papers to bring.
    pub components: Vec<String>,
    pub description: String,
}

/// A Meilisearch document. Field names are the index's attributes; the
/// settings (`search-index`) name them in this order of importance: name,
/// common names, field, agency, components, description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchDocument {
    /// The code with `.` spelt `-` (Meilisearch ids allow `a-z A-Z 0-9 - _`).
    pub id: String,
    pub code: String,
    pub name: String,
    /// The name's marked words in Telex (`fold::telex`): a query typed
    /// with marks also asks for these, so exact matches rank first.
    pub name_marks: String,
    /// Everyday names of the procedure (`Vocabulary::aliases`).
    pub aliases: Vec<String>,
    /// Other spellings of the name's words (`Vocabulary::spellings`).
    pub spellings: Vec<String>,
    pub fields: Vec<String>,
    pub agencies: Vec<String>,
    pub levels: Vec<String>,
    pub audiences: Vec<String>,
    pub online: Vec<String>,
    pub components: Vec<String>,
    pub description: String,
    pub url: String,
    /// SHA-256 of everything above: an update sends only documents whose
    /// digest changed.
    pub digest: String,
}

/// The longest description and component list kept: enough to find a
/// procedure by its papers, short enough to keep documents small.
const MAX_DESCRIPTION: usize = 600;
const MAX_COMPONENTS: usize = 30;

impl SearchDocument {
    pub fn new(entry: &Entry, aliases: Vec<String>, spellings: Vec<String>) -> Self {
        let name_marks = words(&entry.name)
            .iter()
            .filter(|w| w.is_marked())
            .map(telex)
            .collect::<Vec<_>>()
            .join(" ");
        let description: String = entry.description.chars().take(MAX_DESCRIPTION).collect();
        let mut doc = SearchDocument {
            id: entry.code.replace('.', "-"),
            code: entry.code.clone(),
            name: entry.name.clone(),
            name_marks,
            aliases,
            spellings,
            fields: entry.fields.clone(),
            agencies: entry.agencies.clone(),
            levels: entry.levels.clone(),
            audiences: entry.audiences.clone(),
            online: entry.online.clone(),
            components: entry
                .components
                .iter()
                .take(MAX_COMPONENTS)
                .cloned()
                .collect(),
            description,
            url: entry.url.clone(),
            digest: String::new(),
        };
        doc.digest = doc.content_digest();
        doc
    }

    fn content_digest(&self) -> String {
        let mut unsigned = self.clone();
        unsigned.digest = String::new();
        let json = serde_json::to_vec(&unsigned).expect("documents serialise");
        hex::encode(Sha256::digest(json))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_spells_its_marks_and_digests_its_content() {
        let entry = Entry {
            code: "1.001193".into(),
            name: "Thủ tục đăng ký khai sinh".into(),
            url: "/thu-tuc/1-001193/".into(),
            ..Entry::default()
        };
        let doc = SearchDocument::new(&entry, vec!["làm giấy khai sinh".into()], vec![]);
        assert_eq!(doc.id, "1-001193");
        assert_eq!(doc.name_marks, "thur tucj ddawng kys");
        let mut changed = entry.clone();
        changed.description = "Đăng ký khai sinh cho trẻ em".into();
        let other = SearchDocument::new(&changed, vec!["làm giấy khai sinh".into()], vec![]);
        assert_ne!(doc.digest, other.digest);
        assert_eq!(
            doc.digest,
            SearchDocument::new(&entry, doc.aliases.clone(), vec![]).digest
        );
    }
}
