//! The stack's template (`infra/template.yaml`) routes every route of each
//! function's router to that function, and puts the gateway's JWT
//! authorizer exactly on the routes whose handlers refuse every anonymous
//! caller (401 `CHUA_DANG_NHAP`): a route open in the code but behind the authorizer would
//! turn away citizens without an account; the reverse would leave the
//! gateway's check out. The routes come from the routers themselves, the
//! sign-in rule from asking each route anonymously.

use std::path::Path;

use reqwest::{Method, StatusCode};

use crate::helpers::*;

/// A value each path parameter parses as, so that the answer is about
/// sign-in, not about a malformed code.
fn sample(path: &str) -> String {
    let code = if path.starts_with("/api/phan-anh") || path.starts_with("/api/can-bo/phan-anh") {
        "PAKN-260603-ABCDEF"
    } else if path.starts_with("/api/hoi-dap") || path.starts_with("/api/can-bo/hoi-dap") {
        "HD-260603-ABCDEF"
    } else if path.starts_with("/api/procedures") {
        COUNTER_ONLY
    } else {
        "000.00.01.H29-260603-0001"
    };
    path.replace("{code}", code)
        .replace("{file_id}", "00000000-0000-4000-8000-000000000000")
        .replace("{procedure}", COUNTER_ONLY)
        .replace("{queue}", "desk")
        .replace("{form}", "mau-01")
        .replace("{id}", "phong-ho-tich")
        .replace("{subject}", "nguoi-moi")
}

#[tokio::test]
async fn the_stack_template_routes_each_route_to_its_function_with_the_right_sign_in() {
    let app = spawn_app().await;
    let template = infra::Template::read(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../infra/template.yaml"),
    )
    .unwrap();
    let functions = template.functions();
    let routers = [
        ("submit", format!("{:?}", api::submission_router())),
        ("track", format!("{:?}", api::tracking_router())),
        ("backoffice", format!("{:?}", api::backoffice_router())),
    ];
    let mut problems = Vec::new();
    for (crate_name, debug) in &routers {
        let function = functions
            .iter()
            .find(|f| f.crate_name == *crate_name)
            .unwrap_or_else(|| panic!("{crate_name} is not in the template"));
        let routes = infra::router_routes(debug).unwrap();
        let mut served = Vec::new();
        for (path, methods) in &routes {
            for method in methods {
                let response = app
                    .http
                    .request(
                        Method::from_bytes(method.as_bytes()).unwrap(),
                        format!("{}{}", app.base, sample(path)),
                    )
                    .header("content-type", "application/json")
                    .body("{}")
                    .send()
                    .await
                    .unwrap();
                let status = response.status();
                // CHUA_DANG_NHAP is the refusal of a route for accounts only;
                // other 401s ask for sign-in for some requests only (files).
                let signed_in_only = status == StatusCode::UNAUTHORIZED
                    && problem_code(response).await.1 == "CHUA_DANG_NHAP";
                let Some(route) = function.route_for(method, path) else {
                    problems.push(format!("{method} {path}: not routed to {crate_name}"));
                    continue;
                };
                if route.authorizer.is_some() != signed_in_only {
                    problems.push(format!(
                        "{method} {path}: the code answers an anonymous caller {status}, the template {} the authorizer",
                        if route.authorizer.is_some() { "puts" } else { "leaves out" },
                    ));
                }
                served.push(route.clone());
            }
        }
        for route in &function.routes {
            if !served.contains(route) {
                problems.push(format!(
                    "{} {} routes to {crate_name}, whose router has no such route",
                    route.method, route.path
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "the template and the code disagree:\n{}",
        problems.join("\n")
    );
}
