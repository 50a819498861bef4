//! The stack's template as the tests read it: its resources by logical id
//! and type, and the parts the code depends on (the table's keys, the
//! functions and their routes). `scripts/check-infra` validates the
//! template itself with cfn-lint and checkov; the tests in `tests/` hold
//! it to the code.

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
