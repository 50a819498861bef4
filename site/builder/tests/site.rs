//! The shipped site, built: what a citizen and a search engine meet on every
//! page. Every internal link resolves (anchors too), every page has a title,
//! a description, its canonical URL and `lang="vi"`, every procedure page
//! carries its schema.org `GovernmentService`, and every procedure is at most
//! three clicks from the home page (TT 22/2019 Appendix V).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use scraper::{Html, Selector};

const BASE: &str = "https://dvc.test";

struct Built {
    _dir: tempfile::TempDir,
    public: PathBuf,
    /// Site path (`/thu-tuc/1-001193/`) → the page's HTML.
    texts: BTreeMap<String, String>,
}

impl Built {
    /// Every page, parsed (scraper's documents cannot be shared between threads).
    fn pages(&self) -> BTreeMap<String, Html> {
        self.texts
            .iter()
            .map(|(path, text)| (path.clone(), Html::parse_document(text)))
            .collect()
    }
}

static SITE: LazyLock<Built> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let public = dir.path().join("public");
    let options = sitegen::Options {
        output: public.clone(),
        state: dir.path().join("state"),
        full: true,
        base_url: Some(BASE.into()),
        ..sitegen::Options::new(&root)
    };
    if let Err(errors) = sitegen::build(&options) {
        panic!("{}", sitegen::report(&errors, usize::MAX));
    }
    let mut texts = BTreeMap::new();
    for item in walkdir::WalkDir::new(&public) {
        let item = item.unwrap();
        if item.path().extension().is_some_and(|e| e == "html") {
            let rel = item
                .path()
                .strip_prefix(&public)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let path = match rel.strip_suffix("index.html") {
                Some(dir) => format!("/{dir}"),
                None => format!("/{rel}"),
            };
            texts.insert(path, std::fs::read_to_string(item.path()).unwrap());
        }
    }
    Built {
        _dir: dir,
        public,
        texts,
    }
});

fn select(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn attr(html: &Html, selector: &str, name: &str) -> Option<String> {
    html.select(&select(selector))
        .next()
        .and_then(|e| e.value().attr(name))
        .map(str::to_owned)
}

/// The site path an internal URL points to, without query and fragment.
fn internal(href: &str) -> Option<(String, Option<String>)> {
    let rest = href
        .strip_prefix(BASE)
        .or_else(|| href.starts_with('/').then_some(href))?;
    let (path, fragment) = match rest.split_once('#') {
        Some((p, f)) => (p, Some(f.to_owned())),
        None => (rest, None),
    };
    let path = path.split('?').next().unwrap();
    Some((
        if path.is_empty() {
            "/".into()
        } else {
            path.into()
        },
        fragment,
    ))
}

/// The sections `publish` writes from the store before every deployment's
/// build (`functions/publish`): a checkout has them only once it has
/// published. They are the content folders `.gitignore` keeps out of git,
/// which is where each publication declares the folder it owns.
fn published_sections() -> Vec<String> {
    let gitignore =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.gitignore"))
            .expect(".gitignore");
    gitignore
        .lines()
        .filter_map(|line| line.trim().strip_prefix("/site/content/"))
        .map(|section| format!("/{}/", section.trim_end_matches('/')))
        .collect()
}

static PUBLISHED_SECTIONS: LazyLock<Vec<String>> = LazyLock::new(published_sections);

fn published(target: &str) -> bool {
    PUBLISHED_SECTIONS
        .iter()
        .any(|s| target.starts_with(s.as_str()))
}

fn is_procedure(path: &str) -> bool {
    path.starts_with("/thu-tuc/") && path != "/thu-tuc/" && !path.starts_with("/thu-tuc/page/")
}

fn links(html: &Html) -> Vec<String> {
    html.select(&select("a[href], link[href], script[src]"))
        .filter_map(|e| e.value().attr("href").or(e.value().attr("src")))
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_page_has_a_title_description_canonical_url_and_language() {
    let site = &*SITE;
    let pages = site.pages();
    assert!(pages.len() > 1000, "{} pages", pages.len());
    for (path, html) in &pages {
        let lang = attr(html, "html", "lang");
        assert_eq!(lang.as_deref(), Some("vi"), "{path}");
        let title = html.select(&select("title")).next().map(|t| t.inner_html());
        assert!(
            title.is_some_and(|t| t.trim().len() > 3),
            "{path}: no title"
        );
        // Pages kept out of search engines (the officials' back office)
        // need no description, canonical address or static heading.
        let robots = attr(html, "meta[name=robots]", "content").unwrap_or_default();
        if robots.contains("noindex") && path != "/404.html" {
            continue;
        }
        let description = attr(html, "meta[name=description]", "content").unwrap_or_default();
        assert!(
            description.trim().len() > 20,
            "{path}: description `{description}`"
        );
        if path == "/404.html" {
            continue;
        }
        let canonical = attr(html, "link[rel=canonical]", "href");
        assert_eq!(canonical, Some(format!("{BASE}{path}")), "{path}");
        assert_eq!(
            html.select(&select("h1")).count(),
            1,
            "{path}: one main heading"
        );
    }
}

#[test]
fn every_internal_link_resolves_anchors_included() {
    let site = &*SITE;
    let pages = site.pages();
    let mut ids: HashMap<&str, HashSet<String>> = HashMap::new();
    for (path, html) in &pages {
        ids.insert(
            path,
            html.select(&select("[id]"))
                .filter_map(|e| e.value().attr("id").map(str::to_owned))
                .collect(),
        );
    }
    let mut broken = Vec::new();
    let mut checked = 0;
    for (path, html) in &pages {
        for href in links(html) {
            checked += 1;
            if let Some(fragment) = href.strip_prefix('#') {
                if !fragment.is_empty() && !ids[path.as_str()].contains(fragment) {
                    broken.push(format!("{path} → {href}"));
                }
                continue;
            }
            let Some((target, fragment)) = internal(&href) else {
                continue;
            };
            let resolved = if target.ends_with('/') {
                site.public
                    .join(target.trim_start_matches('/'))
                    .join("index.html")
            } else {
                site.public.join(target.trim_start_matches('/'))
            };
            if !resolved.is_file() && !published(&target) {
                broken.push(format!("{path} → {href}"));
            } else if let Some(f) = fragment
                && ids
                    .get(target.as_str())
                    .is_some_and(|known| !known.contains(&f))
            {
                broken.push(format!("{path} → {href} (no #{f})"));
            }
        }
    }
    assert!(checked > 20 * pages.len(), "only {checked} links seen");
    assert!(
        broken.is_empty(),
        "{} broken links:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

#[test]
fn every_procedure_page_describes_its_government_service() {
    let site = &*SITE;
    let pages = site.pages();
    let procedures: Vec<_> = pages.iter().filter(|(p, _)| is_procedure(p)).collect();
    let shipped =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/thu-tuc"))
            .unwrap()
            .count()
            - 1;
    assert_eq!(procedures.len(), shipped);
    for (path, html) in procedures {
        let script = html
            .select(&select("script[type='application/ld+json']"))
            .next()
            .unwrap_or_else(|| panic!("{path}: no JSON-LD"))
            .inner_html();
        let data: serde_json::Value = serde_json::from_str(&script)
            .unwrap_or_else(|e| panic!("{path}: JSON-LD does not parse: {e}\n{script}"));
        let service = data["@graph"]
            .as_array()
            .and_then(|g| g.iter().find(|n| n["@type"] == "GovernmentService"))
            .unwrap_or_else(|| panic!("{path}: no GovernmentService"));
        let h1: String = html.select(&select("h1")).next().unwrap().text().collect();
        assert_eq!(service["name"].as_str(), Some(h1.trim()), "{path}");
        assert_eq!(
            service["url"].as_str(),
            Some(format!("{BASE}{path}").as_str())
        );
        let code = service["identifier"].as_str().unwrap();
        assert!(path.contains(&code.replace('.', "-")), "{path}: {code}");
    }
}

#[test]
fn every_procedure_is_within_three_clicks_of_the_home_page() {
    let site = &*SITE;
    let pages = site.pages();
    let mut depth: HashMap<String, usize> = HashMap::from([("/".to_owned(), 0)]);
    let mut queue = VecDeque::from(["/".to_owned()]);
    while let Some(path) = queue.pop_front() {
        let d = depth[&path];
        if d == 3 {
            continue;
        }
        let Some(html) = pages.get(&path) else {
            continue;
        };
        for href in links(html) {
            if let Some((target, _)) = internal(&href)
                && pages.contains_key(&target)
                && !depth.contains_key(&target)
            {
                depth.insert(target.clone(), d + 1);
                queue.push_back(target);
            }
        }
    }
    let far: Vec<_> = pages
        .keys()
        .filter(|p| is_procedure(p) && !depth.contains_key(*p))
        .collect();
    assert!(
        far.is_empty(),
        "{} procedures more than 3 clicks away: {far:?}",
        far.len()
    );
}

#[test]
fn the_sitemap_lists_every_page_and_robots_points_to_it() {
    let site = &*SITE;
    let sitemap = std::fs::read_to_string(site.public.join("sitemap.xml")).unwrap();
    for (path, text) in site.texts.iter().filter(|(p, _)| p.ends_with('/')) {
        let listed = sitemap.contains(&format!("<loc>{BASE}{path}</loc>"));
        // Pages kept out of search engines stay out of the sitemap too.
        let indexed = !text.contains(r#"name="robots" content="noindex"#);
        assert_eq!(
            listed, indexed,
            "{path}: in sitemap {listed}, indexed {indexed}"
        );
    }
    assert!(
        !sitemap.contains("/can-bo/"),
        "the back office is not for search engines"
    );
    let robots = std::fs::read_to_string(site.public.join("robots.txt")).unwrap();
    assert!(robots.contains(&format!("Sitemap: {BASE}/sitemap.xml")));
}
