//! Search for browsers without JavaScript: the site's search forms send
//! their GET here and get the results as a page, from the same static
//! fallback index the browser searches (`search::fallback`), so both rank
//! alike. With JavaScript the site searches in the browser instead.

use std::collections::BTreeSet;
use std::fmt::Write;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use search::FallbackIndex;
use search::fallback::DocInfo;
use serde::Deserialize;

use crate::portal::{escape, site_page};
use crate::state::AppState;

/// Results a page shows.
const PAGE: usize = 20;
/// The longest query read; citizens type a few words.
const MAX_QUERY: usize = 200;

/// The form's fields: the site's taxonomy names for the facets.
#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default, rename = "linh-vuc")]
    field: String,
    #[serde(default, rename = "co-quan")]
    agency: String,
    #[serde(default)]
    cap: String,
    #[serde(default, rename = "doi-tuong")]
    audience: String,
    #[serde(default, rename = "muc-do")]
    online: String,
    #[serde(default)]
    trang: Option<usize>,
}

struct Facet {
    name: &'static str,
    label: &'static str,
    chosen: String,
    values: fn(&DocInfo) -> &[String],
}

impl SearchQuery {
    fn facets(&self) -> [Facet; 5] {
        let f = |name, label, chosen: &String, values| Facet {
            name,
            label,
            chosen: chosen.trim().to_owned(),
            values,
        };
        [
            f("linh-vuc", "Lĩnh vực", &self.field, |d: &DocInfo| {
                d.fields.as_slice()
            }),
            f(
                "co-quan",
                "Cơ quan thực hiện",
                &self.agency,
                |d: &DocInfo| d.agencies.as_slice(),
            ),
            f("cap", "Cấp thực hiện", &self.cap, |d: &DocInfo| {
                d.levels.as_slice()
            }),
            f(
                "doi-tuong",
                "Đối tượng thực hiện",
                &self.audience,
                |d: &DocInfo| d.audiences.as_slice(),
            ),
            f(
                "muc-do",
                "Mức độ dịch vụ trực tuyến",
                &self.online,
                |d: &DocInfo| d.online.as_slice(),
            ),
        ]
    }
}

pub async fn search_page(State(app): State<AppState>, Query(q): Query<SearchQuery>) -> Response {
    let query = q.q.trim();
    let index = app.search.get().await;
    let (status, body) = match index.as_deref() {
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            "<h1>Chưa tìm kiếm được</h1><p>Chức năng tìm kiếm tạm thời chưa sẵn sàng. Bạn vẫn có thể tìm thủ tục <a href=\"/linh-vuc/\">theo lĩnh vực</a> hoặc trong <a href=\"/thu-tuc/\">danh mục thủ tục từ A đến Z</a>.</p>".to_owned(),
        ),
        Some(_) if query.chars().count() > MAX_QUERY => (
            StatusCode::BAD_REQUEST,
            format!(
                "<h1>Từ khóa quá dài</h1><p>Vui lòng nhập tên thủ tục hoặc vài từ chính, không quá {MAX_QUERY} ký tự.</p>{}",
                form(&q, None, "")
            ),
        ),
        Some(index) => (StatusCode::OK, results(index, &q, query)),
    };
    (
        status,
        [
            (header::CACHE_CONTROL, "public, max-age=300"),
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        ],
        Html(site_page("Tìm kiếm thủ tục", &body)),
    )
        .into_response()
}

fn results(index: &FallbackIndex, q: &SearchQuery, query: &str) -> String {
    let facets = q.facets();
    if query.is_empty() {
        return format!(
            "<h1>Tìm kiếm thủ tục</h1>{}<p>Nhập tên thủ tục hoặc việc bạn cần làm, có dấu hoặc không dấu, ví dụ: <em>đăng ký khai sinh</em>, <em>làm hộ chiếu</em>, <em>sổ đỏ</em>.</p>",
            form(q, Some(index), "")
        );
    }
    let keep = |d: &DocInfo| {
        facets
            .iter()
            .all(|f| f.chosen.is_empty() || (f.values)(d).contains(&f.chosen))
    };
    // Every document some word or typo reaches is a match; when some have
    // every word, only those are shown, as the site's own search does.
    let all = index.search(query, usize::MAX, keep);
    let words = index.analyse(query).0.len() as u8;
    let complete = all.iter().filter(|h| h.matched >= words).count();
    let hits: Vec<_> = if complete > 0 {
        all.into_iter().filter(|h| h.matched >= words).collect()
    } else {
        all
    };
    let pages = hits.len().div_ceil(PAGE).max(1);
    let page = q.trang.unwrap_or(1).clamp(1, pages);
    let mut out = format!("<h1>Kết quả tìm kiếm</h1>{}", form(q, Some(index), query));
    if hits.is_empty() {
        let _ = write!(
            out,
            "<p role=\"status\">Không tìm thấy thủ tục nào cho <strong>{}</strong>.</p><p>Thử ít từ hơn, kiểm tra chính tả, hoặc tìm <a href=\"/linh-vuc/\">theo lĩnh vực</a>.</p>",
            escape(query)
        );
        return out;
    }
    let found = if complete > 0 {
        format!(
            "Tìm thấy <strong>{}</strong> thủ tục có đủ các từ <strong>{}</strong>.",
            hits.len(),
            escape(query)
        )
    } else {
        format!(
            "Không có thủ tục nào có đủ các từ <strong>{}</strong>; các thủ tục gần nhất (<strong>{}</strong>):",
            escape(query),
            hits.len()
        )
    };
    let _ = write!(
        out,
        "<p role=\"status\">{found}</p><ol class=\"results\" start=\"{}\">",
        (page - 1) * PAGE + 1
    );
    for hit in hits.iter().skip((page - 1) * PAGE).take(PAGE) {
        let d = &index.docs[hit.doc as usize];
        let facts: Vec<String> = [&d.fields, &d.agencies, &d.levels, &d.online]
            .iter()
            .filter_map(|v| v.first())
            .map(|v| escape(v))
            .collect();
        let _ = write!(
            out,
            "<li><a href=\"{}\">{}</a><p class=\"note\">{}</p></li>",
            escape(&d.url),
            escape(&d.name),
            facts.join(" · ")
        );
    }
    out.push_str("</ol>");
    if pages > 1 {
        out.push_str("<nav class=\"pager\" aria-label=\"Trang kết quả\"><ul>");
        for n in 1..=pages {
            if n == page {
                let _ = write!(out, "<li><span aria-current=\"page\">{n}</span></li>");
            } else {
                let _ = write!(out, "<li><a href=\"{}\">{n}</a></li>", escape(&link(q, n)));
            }
        }
        out.push_str("</ul></nav>");
    }
    out
}

/// The results page `n` of the same search.
fn link(q: &SearchQuery, n: usize) -> String {
    let mut pairs = vec![("q", q.q.trim().to_owned())];
    for f in q.facets() {
        if !f.chosen.is_empty() {
            pairs.push((f.name, f.chosen));
        }
    }
    pairs.push(("trang", n.to_string()));
    let encoded: Vec<String> = pairs
        .into_iter()
        .map(|(k, v)| format!("{k}={}", percent(&v)))
        .collect();
    format!("/api/tim-kiem?{}", encoded.join("&"))
}

fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The search form again, filled in, with the facets of the catalogue.
fn form(q: &SearchQuery, index: Option<&FallbackIndex>, query: &str) -> String {
    let mut out = format!(
        "<form class=\"search-form\" role=\"search\" action=\"/api/tim-kiem\" method=\"get\"><label for=\"q\">Tên thủ tục hoặc việc cần làm</label><div class=\"row\"><input id=\"q\" name=\"q\" type=\"search\" value=\"{}\" maxlength=\"{MAX_QUERY}\" autocomplete=\"off\"><button type=\"submit\">Tìm kiếm</button></div>",
        escape(if query.is_empty() { q.q.trim() } else { query })
    );
    if let Some(index) = index {
        out.push_str("<details class=\"filters\"><summary>Lọc kết quả</summary>");
        for f in q.facets() {
            let values: BTreeSet<&str> = index
                .docs
                .iter()
                .flat_map(|d| (f.values)(d).iter().map(String::as_str))
                .collect();
            let _ = write!(
                out,
                "<label for=\"{0}\">{1}</label><select id=\"{0}\" name=\"{0}\"><option value=\"\">Tất cả</option>",
                f.name, f.label
            );
            for v in values {
                let selected = if v == f.chosen { " selected" } else { "" };
                let _ = write!(out, "<option{selected}>{}</option>", escape(v));
            }
            out.push_str("</select>");
        }
        out.push_str("</details>");
    }
    out.push_str("</form>");
    out
}
