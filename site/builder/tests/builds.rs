//! Builds of small sites in a temporary directory: what a change re-renders,
//! what a deletion removes, and how errors name their file and line.

use std::path::{Path, PathBuf};

use sitegen::{Options, Report, build};

struct Site {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Site {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let site = Site { _dir: dir, root };
        site.write(
            "config.toml",
            "base_url = \"https://dvc.test\"\ntitle = \"Cổng\"\ndefault_language = \"vi\"\ntaxonomies = [{ name = \"linh-vuc\" }]\n",
        );
        site.write(
            "templates/base.html",
            "<!DOCTYPE html><html lang=\"vi\"><title>{% block title %}{% endblock %}</title>{% block content %}{% endblock %}</html>",
        );
        site.write(
            "templates/index.html",
            "{% extends \"base.html\" %}{% block title %}{{ section.title }}{% endblock %}{% block content %}{% set s = get_section(path=\"thu-tuc/_index.md\") %}{% for p in s.pages %}<a href=\"{{ p.permalink }}\">{{ p.title }}</a>{% endfor %}{% endblock %}",
        );
        site.write(
            "templates/section.html",
            "{% extends \"base.html\" %}{% block title %}{{ section.title }}{% endblock %}{% block content %}{% for p in section.pages %}<li>{{ p.title }}</li>{% endfor %}{% endblock %}",
        );
        site.write(
            "templates/page.html",
            "{% extends \"base.html\" %}{% block title %}{{ page.title }}{% endblock %}{% block content %}{{ page.content | safe }}{% if page.lower %}<a rel=prev>{{ page.lower.title }}</a>{% endif %}{% endblock %}",
        );
        site.write(
            "templates/taxonomy_list.html",
            "{% extends \"base.html\" %}{% block content %}{% for t in terms %}{{ t.name }}:{{ t.page_count }};{% endfor %}{% endblock %}",
        );
        site.write(
            "templates/taxonomy_single.html",
            "{% extends \"base.html\" %}{% block title %}{{ term.name }}{% endblock %}{% block content %}{% for p in term.pages %}<li>{{ p.title }}</li>{% endfor %}{% endblock %}",
        );
        site.write("static/style.css", "body{}");
        site.write("content/_index.md", "+++\ntitle = \"Trang chủ\"\n+++\n");
        site.write(
            "content/thu-tuc/_index.md",
            "+++\ntitle = \"Thủ tục\"\nsort_by = \"title\"\n+++\n",
        );
        for (file, title, field) in [
            ("a.md", "An toàn thực phẩm", "Y tế"),
            ("b.md", "Bảo trợ xã hội", "Xã hội"),
            ("c.md", "Cấp căn cước", "Căn cước"),
        ] {
            site.write(
                &format!("content/thu-tuc/{file}"),
                &format!("+++\ntitle = \"{title}\"\n[taxonomies]\nlinh-vuc = [\"{field}\"]\n+++\nHướng dẫn {title}.\n"),
            );
        }
        site
    }

    fn write(&self, path: &str, text: &str) {
        let file = self.root.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }

    fn build(&self) -> Report {
        build(&Options::new(&self.root))
            .unwrap_or_else(|errors| panic!("{}", sitegen::report(&errors, usize::MAX)))
    }

    fn errors(&self) -> String {
        build(&Options::new(&self.root))
            .map(|_| String::new())
            .unwrap_or_else(|errors| sitegen::report(&errors, usize::MAX))
    }

    fn public(&self, path: &str) -> String {
        std::fs::read_to_string(self.root.join("public").join(path)).unwrap_or_default()
    }

    fn exists(&self, path: &str) -> bool {
        Path::new(&self.root.join("public").join(path)).exists()
    }
}

#[test]
fn a_first_build_renders_everything_and_a_second_nothing() {
    let site = Site::new();
    let first = site.build();
    assert!(!first.incremental);
    // home, section, 3 pages, taxonomy list, 3 terms, robots, sitemap
    assert_eq!(first.rendered, 11);
    assert!(
        site.public("thu-tuc/b/index.html")
            .contains("<title>Bảo trợ xã hội</title>")
    );
    assert!(
        site.public("sitemap.xml")
            .contains("<loc>https://dvc.test/thu-tuc/c/</loc>")
    );
    assert!(
        site.public("robots.txt")
            .contains("Sitemap: https://dvc.test/sitemap.xml")
    );
    assert!(site.exists("style.css"));
    let second = site.build();
    assert!(second.incremental);
    assert_eq!(second.rendered, 0);
    assert_eq!(second.parsed, 2, "only the two sections are read again");
}

#[test]
fn editing_a_page_body_re_renders_that_page_and_what_lists_it() {
    let site = Site::new();
    site.build();
    site.write(
        "content/thu-tuc/b.md",
        "+++\ntitle = \"Bảo trợ xã hội\"\n[taxonomies]\nlinh-vuc = [\"Xã hội\"]\n+++\nHướng dẫn mới.\n",
    );
    let report = site.build();
    assert!(
        site.public("thu-tuc/b/index.html")
            .contains("Hướng dẫn mới.")
    );
    // The page, and every output whose context holds its listing entry
    // (its word count changed): home (through get_section), the section,
    // the term, the taxonomy list, and its neighbours a and c (`higher`,
    // `lower`). Not the other term pages, robots.txt or the sitemap.
    assert_eq!(report.rendered, 7, "{report:?}");
    assert!(report.parsed <= 3 + 2, "{report:?}");
}

#[test]
fn renaming_a_page_updates_lists_neighbours_and_terms() {
    let site = Site::new();
    site.build();
    site.write(
        "content/thu-tuc/b.md",
        "+++\ntitle = \"Đăng ký thường trú\"\n[taxonomies]\nlinh-vuc = [\"Cư trú\"]\n+++\nHướng dẫn.\n",
    );
    site.build();
    let section = site.public("thu-tuc/index.html");
    let order: Vec<_> = ["An toàn", "Cấp căn cước", "Đăng ký thường trú"]
        .iter()
        .map(|t| section.find(t).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{section}");
    assert!(site.exists("linh-vuc/cu-tru/index.html"));
    assert!(
        !site.exists("linh-vuc/xa-hoi/index.html"),
        "an emptied term's page is removed"
    );
    assert!(site.public("linh-vuc/index.html").contains("Cư trú:1;"));
    assert!(
        site.public("thu-tuc/b/index.html")
            .contains("<a rel=prev>Cấp căn cước</a>")
    );
}

#[test]
fn deleting_a_page_removes_its_output_and_its_entries() {
    let site = Site::new();
    site.build();
    std::fs::remove_file(site.root.join("content/thu-tuc/c.md")).unwrap();
    let report = site.build();
    assert!(report.removed >= 2, "{report:?}");
    assert!(!site.exists("thu-tuc/c/index.html"));
    assert!(!site.public("index.html").contains("Cấp căn cước"));
    assert!(!site.public("sitemap.xml").contains("/thu-tuc/c/"));
}

#[test]
fn changing_a_template_rebuilds_everything() {
    let site = Site::new();
    site.build();
    site.write(
        "templates/base.html",
        "<!DOCTYPE html><html lang=\"vi\"><title>{% block title %}{% endblock %} | Cổng</title>{% block content %}{% endblock %}</html>",
    );
    let report = site.build();
    assert!(!report.incremental);
    assert!(
        site.public("thu-tuc/a/index.html")
            .contains("<title>An toàn thực phẩm | Cổng</title>")
    );
}

#[test]
fn a_changed_static_file_is_copied_and_a_removed_one_deleted() {
    let site = Site::new();
    site.build();
    site.write("static/style.css", "body{color:#111}");
    site.write("static/js/app.js", "1");
    let report = site.build();
    assert_eq!(report.static_copied, 2);
    assert_eq!(site.public("style.css"), "body{color:#111}");
    std::fs::remove_file(site.root.join("static/js/app.js")).unwrap();
    site.build();
    assert!(!site.exists("js/app.js"));
}

#[test]
fn a_full_build_removes_files_it_did_not_write() {
    let site = Site::new();
    site.build();
    site.write("public/stale/index.html", "old");
    let report = build(&Options {
        full: true,
        ..Options::new(&site.root)
    })
    .unwrap();
    assert!(report.removed >= 1);
    assert!(!site.exists("stale"));
    assert!(site.exists("thu-tuc/a/index.html"));
}

#[test]
fn broken_front_matter_fails_with_file_and_line() {
    let site = Site::new();
    site.write(
        "content/thu-tuc/b.md",
        "+++\ntitle = \"Bảo trợ\"\nweight = \"một\"\n+++\n",
    );
    let errors = site.errors();
    assert!(
        errors.contains("content/thu-tuc/b.md:3: front matter"),
        "{errors}"
    );
}

#[test]
fn a_broken_link_fails_with_file_and_line() {
    let site = Site::new();
    site.write(
        "content/thu-tuc/b.md",
        "+++\ntitle = \"Bảo trợ\"\n+++\nDòng một.\n\nXem [thủ tục](@/thu-tuc/khong-co.md).\n",
    );
    let errors = site.errors();
    assert!(
        errors.contains("content/thu-tuc/b.md:6: link to `@/thu-tuc/khong-co.md`"),
        "{errors}"
    );
}

#[test]
fn a_broken_template_fails_with_file_and_line() {
    let site = Site::new();
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ page.title \n{% endblock %}",
    );
    let errors = site.errors();
    assert!(errors.contains("templates/page.html"), "{errors}");
    assert!(errors.contains("4:1") || errors.contains("3:"), "{errors}");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}{{ page.nonexistent.field }}{% endblock %}",
    );
    let errors = site.errors();
    assert!(
        errors.contains("template `page.html`") && errors.contains("content/thu-tuc/a.md"),
        "{errors}"
    );
}

#[test]
fn two_pages_with_one_url_are_refused() {
    let site = Site::new();
    site.write(
        "content/thu-tuc/d.md",
        "+++\ntitle = \"D\"\nslug = \"a\"\n+++\n",
    );
    let errors = site.errors();
    assert!(
        errors.contains("thu-tuc/d.md") && errors.contains("/thu-tuc/a/"),
        "{errors}"
    );
}

#[test]
fn what_an_output_read_is_remembered_across_many_builds() {
    let site = Site::new();
    site.build();
    // Edits, an addition and a deletion: dependencies are appended and pruned.
    for (i, title) in ["Bảo trợ 1", "Bảo trợ 2", "Bảo trợ 3"].iter().enumerate() {
        site.write(
            "content/thu-tuc/b.md",
            &format!(
                "+++\ntitle = \"{title}\"\n[taxonomies]\nlinh-vuc = [\"Xã hội\"]\n+++\nLần {i}.\n"
            ),
        );
        site.build();
    }
    site.write(
        "content/thu-tuc/d.md",
        "+++\ntitle = \"Đăng ký tạm trú\"\n+++\n",
    );
    site.build();
    std::fs::remove_file(site.root.join("content/thu-tuc/d.md")).unwrap();
    site.build();
    // The home page lists the section's pages through get_section: it still
    // follows a change after all that.
    site.write(
        "content/thu-tuc/a.md",
        "+++\ntitle = \"An sinh xã hội\"\n[taxonomies]\nlinh-vuc = [\"Y tế\"]\n+++\n",
    );
    let report = site.build();
    assert!(report.incremental);
    let home = site.public("index.html");
    assert!(
        home.contains("An sinh xã hội") && home.contains("Bảo trợ 3"),
        "{home}"
    );
    assert!(!home.contains("Đăng ký tạm trú"), "{home}");
}
