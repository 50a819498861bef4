//! `config.toml`: the subset of Zola's configuration this builder honours.
//! Keys Zola knows but this builder cannot honour (Sass, feeds, Zola's own
//! search index) are refused rather than silently ignored.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{BuildError, line_of};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub base_url: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default = "default_language")]
    pub default_language: String,
    #[serde(default)]
    pub taxonomies: Vec<TaxonomyConfig>,
    #[serde(default = "yes")]
    pub generate_sitemap: bool,
    #[serde(default = "yes")]
    pub generate_robots_txt: bool,
    #[serde(default)]
    pub compile_sass: bool,
    #[serde(default)]
    pub build_search_index: bool,
    #[serde(default)]
    pub generate_feeds: bool,
    #[serde(default)]
    pub minify_html: bool,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    #[serde(default)]
    pub extra: toml::Table,
    /// Zola sets this to `build`, `serve` or `check` for templates.
    #[serde(default = "build_mode", skip_deserializing)]
    pub mode: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MarkdownConfig {
    #[serde(default)]
    pub smart_punctuation: bool,
    #[serde(default)]
    pub external_links_target_blank: bool,
    #[serde(default)]
    pub external_links_no_follow: bool,
    #[serde(default)]
    pub external_links_no_referrer: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyConfig {
    pub name: String,
    #[serde(default)]
    pub paginate_by: Option<usize>,
    #[serde(default)]
    pub paginate_path: Option<String>,
    #[serde(default)]
    pub feed: bool,
    #[serde(default = "yes")]
    pub render: bool,
    #[serde(default)]
    pub lang: Option<String>,
}

impl TaxonomyConfig {
    pub fn slug(&self) -> String {
        slug::slugify(&self.name)
    }

    pub fn paginate_path(&self) -> &str {
        self.paginate_path.as_deref().unwrap_or("page")
    }
}

fn yes() -> bool {
    true
}

fn default_language() -> String {
    "en".into()
}

fn build_mode() -> String {
    "build".into()
}

impl Config {
    pub fn load(file: &Path) -> Result<Self, BuildError> {
        let text = std::fs::read_to_string(file).map_err(|e| BuildError::io(file, e))?;
        Self::parse(&text).map_err(|(line, message)| BuildError::Content {
            file: file.to_owned(),
            line,
            message,
        })
    }

    /// Parses the text of `config.toml`; an error carries its 1-based line.
    pub fn parse(text: &str) -> Result<Self, (usize, String)> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of(text, s.start));
            (line, e.message().to_owned())
        })?;
        let unsupported = [
            (config.compile_sass, "compile_sass"),
            (config.build_search_index, "build_search_index"),
            (config.generate_feeds, "generate_feeds"),
        ];
        if let Some((_, key)) = unsupported.iter().find(|(on, _)| *on) {
            return Err((
                line_of(text, text.find(key).unwrap_or(0)),
                format!(
                    "`{key} = true` is not supported by this builder; search has its own index (search-index/)"
                ),
            ));
        }
        if let Some(t) = config.taxonomies.iter().find(|t| t.feed) {
            return Err((
                line_of(text, text.find(&t.name).unwrap_or(0)),
                format!(
                    "taxonomy `{}`: feeds are not supported by this builder",
                    t.name
                ),
            ));
        }
        Ok(config)
    }

    /// `base_url` joined with a site path, the way Zola's `get_url` does it.
    pub fn permalink(&self, path: &str) -> String {
        let base = self.base_url.trim_end_matches('/');
        let path = path.trim_start_matches('/');
        format!("{base}/{path}")
    }

    pub fn taxonomy(&self, name: &str) -> Option<&TaxonomyConfig> {
        self.taxonomies.iter().find(|t| t.name == name)
    }

    /// Top-level keys of `extra` left out of the page entries that listings
    /// (`section.pages`, `paginator.pages`, `term.pages`) carry, set in
    /// `[extra.builder] listing_omits = […]`. Large per-page data stays out of
    /// listings so that editing it rebuilds one page, not every list.
    pub fn listing_omits(&self) -> Vec<String> {
        self.extra
            .get("builder")
            .and_then(|b| b.get("listing_omits"))
            .and_then(|v| v.as_array())
            .map(|keys| {
                keys.iter()
                    .filter_map(|k| k.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `[extra.builder] term_list_pages = false` leaves the page entries out
    /// of the terms a taxonomy's list page gets (`terms[].page_count` stays):
    /// with tens of thousands of pages, copying every entry into each list
    /// page costs more than the rest of the build.
    pub fn term_list_pages(&self) -> bool {
        self.extra
            .get("builder")
            .and_then(|b| b.get("term_list_pages"))
            .and_then(|v| v.as_bool())
            .unwrap_or(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zola_config_is_read() {
        let config = Config::parse(
            r#"
base_url = "https://dichvucong.example.gov.vn"
title = "Cổng dịch vụ công"
default_language = "vi"
taxonomies = [{ name = "linh-vuc", paginate_by = 50 }]
[extra]
hotline = "1900 0000"
"#,
        )
        .unwrap();
        assert_eq!(config.taxonomies[0].slug(), "linh-vuc");
        assert_eq!(
            config.permalink("/thu-tuc/"),
            "https://dichvucong.example.gov.vn/thu-tuc/"
        );
        assert_eq!(config.mode, "build");
    }

    #[test]
    fn errors_name_the_line() {
        let (line, message) =
            Config::parse("base_url = \"x\"\ntitle = \"a\"\nbogus = 1\n").unwrap_err();
        assert_eq!(line, 3);
        assert!(message.contains("bogus"), "{message}");
        let (line, message) =
            Config::parse("base_url = \"x\"\n\ncompile_sass = true\n").unwrap_err();
        assert_eq!(line, 3);
        assert!(message.contains("not supported"), "{message}");
    }
}
