//! A large synthetic catalogue for benchmarks: a copy of the site whose
//! `content/thu-tuc/` holds `count` procedures made from the real ones (new
//! codes `9.xxxxxx`, names marked "bản thử nghiệm", bodies of about 600 words
//! of real guidance text). Never shipped: it only measures the builder.

use std::path::Path;

use domain::{Procedure, ProcedureCode, ProcedureName, ProcedurePage};

use crate::import;

/// Words of Markdown body per page, as in the reference measurement.
const BODY_WORDS: usize = 600;

pub fn write_site(site: &Path, out: &Path, real: &[Procedure], count: usize) -> anyhow::Result<()> {
    anyhow::ensure!(!real.is_empty(), "no procedures to derive from");
    if out.exists() {
        std::fs::remove_dir_all(out)?;
    }
    copy_tree(site, out)?;
    let dir = out.join("content").join("thu-tuc");
    for item in std::fs::read_dir(&dir)? {
        let path = item?.path();
        if path.file_name().is_some_and(|n| n != "_index.md") {
            std::fs::remove_file(path)?;
        }
    }
    let texts: Vec<String> = real.iter().map(guidance_text).collect();
    for i in 0..count {
        let base = &real[i % real.len()];
        let mut p = base.clone();
        p.code = ProcedureCode::parse(&format!("9.{:06}", i + 1))?;
        p.name = ProcedureName::parse(&format!(
            "{} (bản thử nghiệm số {})",
            shorten_name(base.name.as_str()),
            i + 1
        ))?;
        let body = body_of_words(&texts, i);
        let page = ProcedurePage {
            description: Some(import::description(&p)),
            updated: None,
            taxonomies: import::taxonomies(&p),
            body,
            procedure: p,
        };
        std::fs::write(
            dir.join(import::file_name(&page.procedure)),
            page.to_markdown(),
        )?;
    }
    Ok(())
}

/// The reference input for comparing with Zola: `count` pages of about 600
/// words of Vietnamese (real procedure text) with a title, a description and
/// one taxonomy, rendered by minimal templates.
pub fn write_minimal_site(out: &Path, real: &[Procedure], count: usize) -> anyhow::Result<()> {
    anyhow::ensure!(!real.is_empty(), "no procedures to derive from");
    if out.exists() {
        std::fs::remove_dir_all(out)?;
    }
    let content = out.join("content").join("bai-viet");
    std::fs::create_dir_all(&content)?;
    std::fs::create_dir_all(out.join("templates"))?;
    std::fs::write(
        out.join("config.toml"),
        "base_url = \"https://example.gov.vn\"\ntitle = \"Thử nghiệm\"\ndefault_language = \"vi\"\ntaxonomies = [{ name = \"linh-vuc\", paginate_by = 100 }]\n",
    )?;
    let base = "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{% block title %}{{ config.title }}{% endblock %}</title></head><body>{% block content %}{% endblock %}</body></html>\n";
    let templates = [
        ("base.html", base),
        (
            "index.html",
            "{% extends \"base.html\" %}{% block content %}<h1>{{ section.title }}</h1>{% endblock %}",
        ),
        (
            "section.html",
            "{% extends \"base.html\" %}{% block content %}<h1>{{ section.title }}</h1><ul>{% for p in paginator.pages %}<li><a href=\"{{ p.permalink }}\">{{ p.title }}</a></li>{% endfor %}</ul>{% endblock %}",
        ),
        (
            "page.html",
            "{% extends \"base.html\" %}{% block title %}{{ page.title }}{% endblock %}{% block content %}<h1>{{ page.title }}</h1>{{ page.content | safe }}{% endblock %}",
        ),
        (
            "taxonomy_list.html",
            "{% extends \"base.html\" %}{% block content %}<ul>{% for t in terms %}<li><a href=\"{{ t.permalink }}\">{{ t.name }}</a></li>{% endfor %}</ul>{% endblock %}",
        ),
        (
            "taxonomy_single.html",
            "{% extends \"base.html\" %}{% block content %}<h1>{{ term.name }}</h1><ul>{% for p in paginator.pages %}<li><a href=\"{{ p.permalink }}\">{{ p.title }}</a></li>{% endfor %}</ul>{% endblock %}",
        ),
    ];
    for (name, text) in templates {
        std::fs::write(out.join("templates").join(name), text)?;
    }
    std::fs::write(
        out.join("content").join("_index.md"),
        "+++\ntitle = \"Trang chủ\"\n+++\n",
    )?;
    std::fs::write(
        content.join("_index.md"),
        "+++\ntitle = \"Bài viết\"\nsort_by = \"title\"\npaginate_by = 100\n+++\n",
    )?;
    let texts: Vec<String> = real.iter().map(guidance_text).collect();
    for i in 0..count {
        let p = &real[i % real.len()];
        let body = body_of_words(&texts, i);
        let field = p.fields.first().map_or("Khác", |f| f.name.as_str());
        let page = format!(
            "+++\ntitle = {}\ndescription = {}\n[taxonomies]\nlinh-vuc = [{}]\n+++\n{body}",
            toml_string(&format!("{} ({})", shorten_name(p.name.as_str()), i + 1)),
            toml_string(&crate::import::description(p)),
            toml_string(field),
        );
        std::fs::write(content.join(format!("bai-{:05}.md", i + 1)), page)?;
    }
    Ok(())
}

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// About `BODY_WORDS` words of real guidance text, starting at procedure `i`.
fn body_of_words(texts: &[String], i: usize) -> String {
    let mut body = String::from("## Hướng dẫn chi tiết\n\n");
    let mut words = 0;
    let mut k = i;
    while words < BODY_WORDS {
        let text = &texts[k % texts.len()];
        for paragraph in text.split("\n\n") {
            let room = BODY_WORDS - words;
            if room == 0 {
                break;
            }
            let taken: Vec<&str> = paragraph.split_whitespace().take(room).collect();
            words += taken.len();
            body.push_str(&taken.join(" "));
            body.push_str("\n\n");
        }
        k += 7;
    }
    body
}

fn shorten_name(name: &str) -> String {
    name.chars().take(200).collect::<String>().trim().to_owned()
}

/// Real prose of a procedure (steps and conditions), as paragraphs.
fn guidance_text(p: &Procedure) -> String {
    let mut parts: Vec<String> = p
        .steps
        .iter()
        .flat_map(|g| g.steps.iter().cloned())
        .collect();
    parts.extend(p.conditions.clone());
    parts.extend(p.components.iter().map(|c| format!("- {}", c.name)));
    if parts.is_empty() {
        parts.push(p.name.to_string());
    }
    parts.join("\n\n")
}

fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    for item in walkdir::WalkDir::new(from) {
        let item = item?;
        let rel = item.path().strip_prefix(from)?;
        let first = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        if matches!(first.as_deref(), Some("public" | ".sitegen" | "builder")) {
            continue;
        }
        let target = to.join(rel);
        if item.file_type().is_dir() {
            std::fs::create_dir_all(&target)?;
        } else {
            std::fs::copy(item.path(), &target)?;
        }
    }
    Ok(())
}
