//! Content files: `_index.md` sections and `.md` pages with `+++` TOML front
//! matter, as Zola reads them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::error::{BuildError, line_of};

/// A content file's text cut into front matter and body.
#[derive(Debug)]
pub struct Split<'a> {
    pub front_matter: &'a str,
    /// 1-based line of the front matter's first line.
    pub front_matter_line: usize,
    pub body: &'a str,
    pub body_line: usize,
}

/// Where the line that is exactly `+++` (as Zola requires of the closing
/// delimiter) starts; lines that merely begin with `+++` are content.
pub fn closing_line(text: &str) -> Option<usize> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Some(at);
        }
        at += line.len();
    }
    None
}

pub fn split(text: &str) -> Result<Split<'_>, (usize, String)> {
    let text = text.trim_start_matches('\u{feff}');
    let rest = text
        .strip_prefix("+++")
        .and_then(|r| r.strip_prefix('\n').or_else(|| r.strip_prefix("\r\n")))
        .ok_or((
            1,
            "the file must start with a `+++` line opening its TOML front matter".to_owned(),
        ))?;
    let end = closing_line(rest).ok_or((
        line_of(text, text.len()),
        "the front matter is not closed by a `+++` line".to_owned(),
    ))?;
    let front_matter = &rest[..end];
    let after = rest[end + 3..].trim_start_matches([' ', '\t']);
    let body = after
        .strip_prefix("\r\n")
        .or_else(|| after.strip_prefix('\n'))
        .unwrap_or(after);
    Ok(Split {
        front_matter,
        front_matter_line: 2,
        body,
        body_line: 2 + line_of(front_matter, front_matter.len()),
    })
}

fn parse_toml<T: for<'de> Deserialize<'de>>(
    file: &Path,
    split: &Split<'_>,
) -> Result<T, BuildError> {
    toml::from_str(split.front_matter).map_err(|e| BuildError::Content {
        file: file.to_owned(),
        line: split.front_matter_line - 1
            + e.span().map_or(1, |s| line_of(split.front_matter, s.start)),
        message: format!("front matter: {}", e.message()),
    })
}

/// Zola's page front matter.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageFrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub date: Option<toml::Value>,
    pub updated: Option<toml::Value>,
    pub weight: Option<usize>,
    #[serde(default)]
    pub draft: bool,
    pub slug: Option<String>,
    pub path: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub template: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default = "yes")]
    pub in_search_index: bool,
    #[serde(default = "yes")]
    pub render: bool,
    #[serde(default)]
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// Read straight into JSON, the form templates get it in.
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Zola's section front matter.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionFrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub sort_by: SortBy,
    #[serde(default)]
    pub weight: usize,
    pub template: Option<String>,
    pub page_template: Option<String>,
    pub paginate_by: Option<usize>,
    pub paginate_path: Option<String>,
    #[serde(default)]
    pub paginate_reversed: bool,
    pub insert_anchor_links: Option<String>,
    #[serde(default = "yes")]
    pub in_search_index: bool,
    #[serde(default = "yes")]
    pub render: bool,
    pub redirect_to: Option<String>,
    #[serde(default)]
    pub transparent: bool,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub generate_feeds: bool,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub extra: toml::Table,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    Date,
    UpdateDate,
    Title,
    TitleBytes,
    Weight,
    Slug,
    #[default]
    None,
}

fn yes() -> bool {
    true
}

/// TOML dates read into JSON arrive as `{"$__toml_private_datetime": "…"}`;
/// templates get the text, as in Zola.
fn plain_datetimes(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            if map.len() == 1
                && let Some(Value::String(text)) = map.get("$__toml_private_datetime")
            {
                *value = Value::String(text.clone());
                return;
            }
            map.values_mut().for_each(plain_datetimes);
        }
        Value::Array(items) => items.iter_mut().for_each(plain_datetimes),
        _ => {}
    }
}

/// A date as Zola hands it to templates: `2026-07-01` or an RFC 3339 time.
pub fn date_string(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::Datetime(d) => Some(d.to_string()),
        toml::Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// One `.md` page, parsed.
#[derive(Debug, Clone)]
pub struct Page {
    /// Relative to `content/`, with `/` separators: `thu-tuc/1-000001.md`.
    pub relative_path: String,
    pub file: PathBuf,
    pub meta: PageFrontMatter,
    pub slug: String,
    /// Site path with slashes on both ends: `/thu-tuc/1-000001/`.
    pub path: String,
    pub permalink: String,
    /// The `_index.md` of the section the page belongs to.
    pub section: String,
    pub body: String,
    pub body_line: usize,
}

/// One `_index.md` section, parsed.
#[derive(Debug, Clone)]
pub struct Section {
    pub relative_path: String,
    pub file: PathBuf,
    pub meta: SectionFrontMatter,
    pub path: String,
    pub permalink: String,
    pub body: String,
    pub body_line: usize,
}

impl Section {
    /// The `_index.md` of the enclosing section; `None` for the home page.
    pub fn parent(&self) -> Option<String> {
        parent_section(&self.relative_path)
    }

    pub fn components(&self) -> Vec<String> {
        components(&self.path)
    }

    pub fn paginate_path(&self) -> &str {
        self.meta.paginate_path.as_deref().unwrap_or("page")
    }
}

/// The `_index.md` of the directory above `relative_path`'s directory.
pub fn parent_section(relative_path: &str) -> Option<String> {
    let dir = relative_path.rsplit_once('/').map(|(d, _)| d)?;
    Some(match dir.rsplit_once('/') {
        Some((up, _)) => format!("{up}/_index.md"),
        None => "_index.md".to_owned(),
    })
}

pub fn components(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

fn directory_of(relative_path: &str) -> &str {
    relative_path.rsplit_once('/').map_or("", |(d, _)| d)
}

pub fn is_section(relative_path: &str) -> bool {
    relative_path == "_index.md" || relative_path.ends_with("/_index.md")
}

pub fn parse_section(
    config: &Config,
    relative_path: &str,
    file: &Path,
    text: &str,
) -> Result<Section, BuildError> {
    let split = split(text).map_err(|(line, message)| BuildError::Content {
        file: file.to_owned(),
        line,
        message,
    })?;
    let meta: SectionFrontMatter = parse_toml(file, &split)?;
    let dir = directory_of(relative_path);
    let path = if dir.is_empty() {
        "/".to_owned()
    } else {
        format!("/{dir}/")
    };
    Ok(Section {
        relative_path: relative_path.to_owned(),
        file: file.to_owned(),
        permalink: config.permalink(&path),
        path,
        meta,
        body: split.body.to_owned(),
        body_line: split.body_line,
    })
}

pub fn parse_page(
    config: &Config,
    relative_path: &str,
    file: &Path,
    text: &str,
) -> Result<Page, BuildError> {
    let split = split(text).map_err(|(line, message)| BuildError::Content {
        file: file.to_owned(),
        line,
        message,
    })?;
    let mut meta: PageFrontMatter = parse_toml(file, &split)?;
    for value in meta.extra.values_mut() {
        plain_datetimes(value);
    }
    let fail = |message: String| BuildError::Content {
        file: file.to_owned(),
        line: split.front_matter_line,
        message,
    };
    for name in meta.taxonomies.keys() {
        if config.taxonomy(name).is_none() {
            return Err(fail(format!(
                "taxonomy `{name}` is not declared in config.toml"
            )));
        }
    }
    // A colocated page (`x/index.md`) takes its directory's name.
    let (dir, stem) = match relative_path.strip_suffix("/index.md") {
        Some(colocated) => (
            directory_of(colocated),
            colocated.rsplit('/').next().unwrap(),
        ),
        None => (
            directory_of(relative_path),
            relative_path
                .rsplit('/')
                .next()
                .unwrap()
                .trim_end_matches(".md"),
        ),
    };
    let slug = slug::slugify(meta.slug.as_deref().unwrap_or(stem));
    if slug.is_empty() {
        return Err(fail(format!("`{stem}` gives an empty URL slug")));
    }
    let path = match &meta.path {
        Some(p) => format!("/{}/", p.trim_matches('/')),
        None if dir.is_empty() => format!("/{slug}/"),
        None => format!("/{dir}/{slug}/"),
    };
    let section = if dir.is_empty() {
        "_index.md".to_owned()
    } else {
        format!("{dir}/_index.md")
    };
    Ok(Page {
        relative_path: relative_path.to_owned(),
        file: file.to_owned(),
        permalink: config.permalink(&path),
        path,
        slug,
        section,
        meta,
        body: split.body.to_owned(),
        body_line: split.body_line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse(
            "base_url = \"https://dvc.example.vn\"\ntaxonomies = [{name = \"linh-vuc\"}]\n",
        )
        .unwrap()
    }

    #[test]
    fn a_page_gets_its_url_from_its_file() {
        let page = parse_page(
            &config(),
            "thu-tuc/1-001193-dang-ky-khai-sinh.md",
            Path::new("content/thu-tuc/1-001193-dang-ky-khai-sinh.md"),
            "+++\ntitle = \"Đăng ký khai sinh\"\n[taxonomies]\nlinh-vuc = [\"Hộ tịch\"]\n+++\nNội dung",
        )
        .unwrap();
        assert_eq!(page.path, "/thu-tuc/1-001193-dang-ky-khai-sinh/");
        assert_eq!(
            page.permalink,
            "https://dvc.example.vn/thu-tuc/1-001193-dang-ky-khai-sinh/"
        );
        assert_eq!(page.section, "thu-tuc/_index.md");
        assert_eq!(page.body, "Nội dung");
        assert_eq!(page.body_line, 6);
    }

    #[test]
    fn slugs_and_paths_in_front_matter_win() {
        let page = parse_page(
            &config(),
            "huong-dan/Nộp hồ sơ.md",
            Path::new("x"),
            "+++\ntitle = \"x\"\n+++\n",
        )
        .unwrap();
        assert_eq!(page.path, "/huong-dan/nop-ho-so/");
        let page = parse_page(
            &config(),
            "a.md",
            Path::new("x"),
            "+++\npath = \"gioi-thieu\"\n+++\n",
        )
        .unwrap();
        assert_eq!(page.path, "/gioi-thieu/");
        assert_eq!(page.section, "_index.md");
    }

    #[test]
    fn broken_front_matter_names_the_line() {
        let err = parse_page(
            &config(),
            "a.md",
            Path::new("content/a.md"),
            "+++\ntitle = \"x\"\ndescription = \"unclosed\n+++\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("content/a.md:3: front matter"), "{err}");
        let err = parse_page(
            &config(),
            "a.md",
            Path::new("content/a.md"),
            "+++\ntitle = \"x\"\n\n[taxonomies]\ncap = [\"Cấp xã\"]\n+++\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("taxonomy `cap` is not declared"), "{err}");
        let err = parse_page(&config(), "a.md", Path::new("content/a.md"), "# no")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("content/a.md:1:"), "{err}");
        let err = parse_page(
            &config(),
            "a.md",
            Path::new("content/a.md"),
            "+++\ntitel = \"x\"\n+++\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("content/a.md:2:") && err.contains("titel"),
            "{err}"
        );
    }

    #[test]
    fn only_a_line_of_its_own_closes_the_front_matter() {
        let text =
            "+++\ntitle = \"x\"\n[extra]\nnote = \"\"\"\n+++ Vốn điều lệ\n\"\"\"\n+++  \nBody\n";
        let split = split(text).unwrap();
        assert!(split.front_matter.contains("+++ Vốn điều lệ"));
        assert_eq!(split.body, "Body\n");
        assert_eq!(split.body_line, 8);
    }

    #[test]
    fn dates_in_extra_reach_templates_as_text() {
        let page = parse_page(
            &config(),
            "a.md",
            Path::new("x"),
            "+++\n[extra]\nopens = 2026-07-01\nlist = [{ at = 2026-07-01T08:00:00+07:00 }]\n+++\n",
        )
        .unwrap();
        assert_eq!(page.meta.extra["opens"], "2026-07-01");
        assert_eq!(
            page.meta.extra["list"][0]["at"],
            "2026-07-01T08:00:00+07:00"
        );
    }

    #[test]
    fn sections_know_their_parent() {
        let s = parse_section(
            &config(),
            "thu-tuc/ho-tich/_index.md",
            Path::new("x"),
            "+++\ntitle = \"Hộ tịch\"\nsort_by = \"title\"\npaginate_by = 20\n+++\n",
        )
        .unwrap();
        assert_eq!(s.path, "/thu-tuc/ho-tich/");
        assert_eq!(s.parent().as_deref(), Some("thu-tuc/_index.md"));
        assert_eq!(s.meta.sort_by, SortBy::Title);
        assert_eq!(
            parent_section("thu-tuc/_index.md").as_deref(),
            Some("_index.md")
        );
        assert_eq!(parent_section("_index.md"), None);
    }
}
