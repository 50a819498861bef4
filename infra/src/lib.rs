//! The stack's template as the tests read it: its resources by logical id
//! and type, and the parts the code depends on (the table's keys, the
//! functions and their routes). `scripts/check-infra` validates the
//! template itself with cfn-lint and checkov; the tests in `tests/` hold
//! it to the code.

mod lambda_init;
mod policy;

pub use lambda_init::{assert_starts, function_environment};
pub use policy::{TablePolicy, TableStatement, assert_allowed};

use std::path::Path;

use yaml_rust2::{Yaml, YamlLoader};

/// The template, read once.
pub struct Template {
    root: Yaml,
}

/// One route of the HTTP API, as a function's event declares it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ApiRoute {
    pub method: String,
    pub path: String,
    /// The JWT authorizer's name, or none for a route open to everyone.
    pub authorizer: Option<String>,
}

/// A Lambda function of the stack.
#[derive(Debug, Clone)]
pub struct Function {
    pub logical_id: String,
    /// The workspace crate whose `cargo lambda build` output it deploys
    /// (`../target/lambda/<crate>/`).
    pub crate_name: String,
    pub routes: Vec<ApiRoute>,
    pub reserved_concurrency: Option<i64>,
}

impl Function {
    /// The route of this function that serves `method` on `path`: the
    /// same route, or a greedy `{proxy+}` route (or `ANY`) above it.
    pub fn route_for(&self, method: &str, path: &str) -> Option<&ApiRoute> {
        self.routes.iter().find(|r| {
            let method_matches = r.method == method || r.method == "ANY";
            let path_matches = match r.path.strip_suffix("{proxy+}") {
                Some(prefix) => path.starts_with(prefix) && path.len() > prefix.len(),
                None => r.path == path,
            };
            method_matches && path_matches
        })
    }
}

/// The routes of an axum `Router`, read from its `Debug` form (axum has no
/// other way to list them): each path with the methods it answers (`HEAD`
/// left out, axum adds it to `GET`). Errs when the form is not the one
/// this reader knows, so a change of axum fails loudly, never silently.
pub fn router_routes(debug: &str) -> Result<Vec<(String, Vec<String>)>, String> {
    let unknown = || "not the Debug form of an axum 0.8 Router".to_owned();
    let path_router = debug
        .split("fallback_router:")
        .next()
        .filter(|s| s.contains("path_router: PathRouter"))
        .ok_or_else(unknown)?;
    let (routes, node) = path_router
        .split_once("node: Node { paths: {")
        .ok_or_else(unknown)?;
    let mut methods = std::collections::HashMap::new();
    for part in routes.split("RouteId(").skip(1) {
        let (id, rest) = part.split_once(')').ok_or_else(unknown)?;
        if let Some(allowed) = rest
            .split_once("allow_header: Bytes(b\"")
            .and_then(|(_, tail)| tail.split_once('"'))
            .map(|(allowed, _)| allowed)
        {
            let list: Vec<String> = allowed
                .split(',')
                .filter(|m| *m != "HEAD" && !m.is_empty())
                .map(str::to_owned)
                .collect();
            methods.insert(id.to_owned(), list);
        }
    }
    let mut found = Vec::new();
    for part in node.split("RouteId(").skip(1) {
        let (id, rest) = part.split_once(')').ok_or_else(unknown)?;
        let path = rest
            .split_once('"')
            .and_then(|(_, tail)| tail.split_once('"'))
            .map(|(path, _)| path.to_owned())
            .ok_or_else(unknown)?;
        let list = methods.get(id).cloned().ok_or_else(unknown)?;
        found.push((path, list));
    }
    if found.is_empty() {
        return Err(unknown());
    }
    found.sort();
    Ok(found)
}

impl Template {
    pub fn read(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Self::parse(&text)
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let mut documents = YamlLoader::load_from_str(text).map_err(|e| e.to_string())?;
        match documents.len() {
            1 => Ok(Template {
                root: documents.remove(0),
            }),
            n => Err(format!("expected one YAML document, found {n}")),
        }
    }

    /// What `Globals: Function:` gives every function.
    pub fn function_globals(&self) -> &Yaml {
        &self.root["Globals"]["Function"]
    }

    /// The resource with this logical id.
    pub fn resource(&self, logical_id: &str) -> &Yaml {
        &self.root["Resources"][logical_id]
    }

    /// The logical ids of the resources of a type, in template order.
    pub fn resources_of(&self, kind: &str) -> Vec<String> {
        self.root["Resources"]
            .as_hash()
            .map(|resources| {
                resources
                    .iter()
                    .filter(|(_, r)| r["Type"].as_str() == Some(kind))
                    .filter_map(|(id, _)| id.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn functions(&self) -> Vec<Function> {
        self.resources_of("AWS::Serverless::Function")
            .into_iter()
            .map(|id| {
                let properties = &self.resource(&id)["Properties"];
                let crate_name = properties["CodeUri"]
                    .as_str()
                    .and_then(|uri| uri.strip_prefix("../target/lambda/"))
                    .map(|rest| rest.trim_end_matches('/').to_owned())
                    .unwrap_or_default();
                let routes = properties["Events"]
                    .as_hash()
                    .map(|events| {
                        events
                            .values()
                            .filter(|e| e["Type"].as_str() == Some("HttpApi"))
                            .map(|e| {
                                let p = &e["Properties"];
                                ApiRoute {
                                    method: p["Method"].as_str().unwrap_or_default().to_owned(),
                                    path: p["Path"].as_str().unwrap_or_default().to_owned(),
                                    authorizer: p["Auth"]["Authorizer"]
                                        .as_str()
                                        .filter(|a| *a != "NONE")
                                        .map(str::to_owned),
                                }
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                Function {
                    crate_name,
                    routes,
                    reserved_concurrency: properties["ReservedConcurrentExecutions"].as_i64(),
                    logical_id: id,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_routers_debug_form_gives_its_paths_and_methods() {
        let debug = r#"Router { path_router: PathRouter { routes: {RouteId(2): MethodRouter(MethodRouter { get: BoxedHandler, allow_header: Bytes(b"GET,HEAD") }), RouteId(1): MethodRouter(MethodRouter { post: BoxedHandler, put: BoxedHandler, allow_header: Bytes(b"POST,PUT") })}, node: Node { paths: {RouteId(2): "/api/a/{code}", RouteId(1): "/api/b"} } }, fallback_router: PathRouter { routes: {RouteId(1): Route(Route)}, node: Node { paths: {RouteId(1): "/"} } }, default_fallback: true }"#;
        assert_eq!(
            router_routes(debug).unwrap(),
            [
                ("/api/a/{code}".to_owned(), vec!["GET".to_owned()]),
                (
                    "/api/b".to_owned(),
                    vec!["POST".to_owned(), "PUT".to_owned()]
                ),
            ]
        );
        assert!(router_routes("Router { something else }").is_err());
    }

    #[test]
    fn a_functions_routes_and_artifact_are_read() {
        let template = Template::parse(
            r#"
Resources:
  A:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ../target/lambda/track/
      ReservedConcurrentExecutions: 1
      Events:
        One: {Type: HttpApi, Properties: {Method: GET, Path: "/api/x/{code}", Auth: {Authorizer: NONE}}}
        Two: {Type: HttpApi, Properties: {Method: POST, Path: /api/y, Auth: {Authorizer: Oidc}}}
        Tick: {Type: ScheduleV2, Properties: {ScheduleExpression: rate(1 minute)}}
  B: {Type: AWS::S3::Bucket}
"#,
        )
        .unwrap();
        let functions = template.functions();
        assert_eq!(functions.len(), 1);
        let f = &functions[0];
        assert_eq!(
            (f.crate_name.as_str(), f.reserved_concurrency),
            ("track", Some(1))
        );
        assert_eq!(
            f.routes,
            [
                ApiRoute {
                    method: "GET".into(),
                    path: "/api/x/{code}".into(),
                    authorizer: None
                },
                ApiRoute {
                    method: "POST".into(),
                    path: "/api/y".into(),
                    authorizer: Some("Oidc".into())
                },
            ]
        );
        assert_eq!(template.resources_of("AWS::S3::Bucket"), ["B"]);
    }
}
