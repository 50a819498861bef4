//! The table permissions of each function's role, as IAM would judge a
//! request against them: action, table or index, and the partition key
//! (`dynamodb:LeadingKeys`). Only the shapes the template uses are read;
//! any other shape is an error, never a silent allow.

use std::sync::OnceLock;

use wildmatch::WildMatch;
use yaml_rust2::Yaml;

use crate::Template;

/// Where a statement applies: the table, or indexes whose name matches.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Table,
    Index(String),
}

/// One `Allow` statement of a role that names the table or its indexes.
#[derive(Debug, Clone)]
pub struct TableStatement {
    pub sid: String,
    actions: Vec<String>,
    targets: Vec<Target>,
    /// `ForAllValues:StringLike` patterns of `dynamodb:LeadingKeys`; none
    /// when the statement has no key condition.
    pub leading_keys: Option<Vec<String>>,
}

impl TableStatement {
    /// Whether the statement grants `action` on the table (`index` none)
    /// or an index, for an item of partition `partition`.
    fn allows(&self, action: &str, index: Option<&str>, partition: Option<&str>) -> bool {
        let action_matches = self
            .actions
            .iter()
            .any(|a| WildMatch::new_case_insensitive(a).matches(action));
        let target_matches = self.targets.iter().any(|t| match (t, index) {
            (Target::Table, None) => true,
            (Target::Index(pattern), Some(index)) => WildMatch::new(pattern).matches(index),
            _ => false,
        });
        // ForAllValues over no value holds, as IAM has it: a request
        // without a key (DescribeTable) passes a key condition.
        let keys_match = match (&self.leading_keys, partition) {
            (Some(patterns), Some(key)) => patterns.iter().any(|p| WildMatch::new(p).matches(key)),
            _ => true,
        };
        action_matches && target_matches && keys_match
    }

    pub fn on_table(&self) -> bool {
        self.targets.contains(&Target::Table)
    }
}

/// A function role's statements on the table.
#[derive(Debug, Clone)]
pub struct TablePolicy {
    pub statements: Vec<TableStatement>,
}

impl TablePolicy {
    pub fn allows(&self, action: &str, index: Option<&str>, partition: Option<&str>) -> bool {
        self.statements
            .iter()
            .any(|s| s.allows(action, index, partition))
    }
}

fn strings(node: &Yaml) -> Vec<String> {
    match node {
        Yaml::String(s) => vec![s.clone()],
        Yaml::Array(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

impl Template {
    fn table_id(&self) -> Result<String, String> {
        match self.resources_of("AWS::DynamoDB::Table").as_slice() {
            [one] => Ok(one.clone()),
            found => Err(format!("expected one table, found {found:?}")),
        }
    }

    /// What names the table in a statement's `Resource`, if anything.
    fn target(&self, resource: &Yaml, table: &str) -> Option<Target> {
        if let Some([id, attribute]) = resource["Fn::GetAtt"].as_vec().map(Vec::as_slice)
            && id.as_str() == Some(table)
            && attribute.as_str() == Some("Arn")
        {
            return Some(Target::Table);
        }
        resource["Fn::Sub"]
            .as_str()
            .and_then(|s| s.strip_prefix(&format!("${{{table}.Arn}}/index/")))
            .map(|pattern| Target::Index(pattern.to_owned()))
    }

    /// The table statements of a function's `Policies`.
    pub fn table_policy(&self, function_id: &str) -> Result<TablePolicy, String> {
        let table = self.table_id()?;
        let policies = &self.resource(function_id)["Properties"]["Policies"];
        let mut statements = Vec::new();
        for policy in policies
            .as_vec()
            .ok_or(format!("{function_id} has no Policies"))?
        {
            let list = policy["Statement"].as_vec().ok_or(format!(
                "{function_id}: a policy that is not a Statement list"
            ))?;
            for statement in list {
                let sid = statement["Sid"].as_str().unwrap_or_default().to_owned();
                let resources = match &statement["Resource"] {
                    Yaml::Array(items) => items.clone(),
                    Yaml::BadValue => Vec::new(),
                    one => vec![one.clone()],
                };
                let targets: Vec<Target> = resources
                    .iter()
                    .filter_map(|r| self.target(r, &table))
                    .collect();
                if targets.is_empty() {
                    continue;
                }
                if statement["Effect"].as_str() != Some("Allow") {
                    return Err(format!("{function_id} {sid}: only Allow is understood"));
                }
                let leading_keys = match statement["Condition"].as_hash() {
                    None => None,
                    Some(conditions) => {
                        let like = &statement["Condition"]["ForAllValues:StringLike"];
                        if conditions.len() != 1 || like.as_hash().is_none_or(|h| h.len() != 1) {
                            return Err(format!(
                                "{function_id} {sid}: only a ForAllValues:StringLike on dynamodb:LeadingKeys is understood"
                            ));
                        }
                        Some(strings(&like["dynamodb:LeadingKeys"]))
                            .filter(|keys| !keys.is_empty())
                            .ok_or(format!("{function_id} {sid}: no dynamodb:LeadingKeys"))
                            .map(Some)?
                    }
                };
                statements.push(TableStatement {
                    sid,
                    actions: strings(&statement["Action"]),
                    targets,
                    leading_keys,
                });
            }
        }
        Ok(TablePolicy { statements })
    }
}

/// Panics, listing them, unless every access in `accesses` is allowed by
/// the role of the function (`actor`, a crate name) the stack deploys.
pub fn assert_allowed(accesses: &[store::KeyAccess]) {
    static TEMPLATE: OnceLock<Template> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        Template::read(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("template.yaml"))
            .expect("infra/template.yaml")
    });
    let policies: Vec<(crate::Function, TablePolicy)> = template
        .functions()
        .into_iter()
        .map(|f| {
            let policy = template
                .table_policy(&f.logical_id)
                .unwrap_or_else(|e| panic!("{e}"));
            (f, policy)
        })
        .collect();
    let mut denied = std::collections::BTreeSet::new();
    for access in accesses {
        let Some((function, policy)) = policies.iter().find(|(f, _)| f.crate_name == access.actor)
        else {
            denied.insert(format!("{}: not a function of the stack", access.actor));
            continue;
        };
        if !policy.allows(
            &access.action,
            access.index.as_deref(),
            access.partition.as_deref(),
        ) {
            denied.insert(format!(
                "{} ({}): {} on {} for {}",
                access.actor,
                function.logical_id,
                access.action,
                access.index.as_deref().unwrap_or("the table"),
                access.partition.as_deref().unwrap_or("no key"),
            ));
        }
    }
    assert!(
        denied.is_empty(),
        "the stack's roles would refuse what the code did:\n{}",
        denied.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = r#"
Resources:
  Table: {Type: AWS::DynamoDB::Table}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ../target/lambda/track/
      Policies:
        - Statement:
            - Sid: Read
              Effect: Allow
              Action: [dynamodb:GetItem, dynamodb:Query]
              Resource: {"Fn::GetAtt": [Table, Arn]}
              Condition:
                ForAllValues:StringLike:
                  dynamodb:LeadingKeys: ["DOSSIER#*", AGENCIES]
            - Sid: Owners
              Effect: Allow
              Action: dynamodb:Query
              Resource: {"Fn::Sub": "${Table.Arn}/index/GSI1"}
              Condition:
                ForAllValues:StringLike:
                  dynamodb:LeadingKeys: ["OWNER#*"]
            - Sid: Files
              Effect: Allow
              Action: s3:GetObject
              Resource: "*"
"#;

    #[test]
    fn a_request_passes_only_a_statement_of_its_action_target_and_key() {
        let template = Template::parse(TEMPLATE).unwrap();
        let policy = template.table_policy("Fn").unwrap();
        assert_eq!(
            policy.statements.len(),
            2,
            "the S3 statement is not the table's"
        );
        assert!(policy.allows("dynamodb:GetItem", None, Some("DOSSIER#X-1")));
        assert!(policy.allows("dynamodb:Query", None, Some("AGENCIES")));
        assert!(!policy.allows("dynamodb:GetItem", None, Some("AGENCIES#X")));
        assert!(!policy.allows("dynamodb:PutItem", None, Some("DOSSIER#X-1")));
        assert!(!policy.allows("dynamodb:GetItem", None, Some("OFFICIAL#ab")));
        assert!(policy.allows("dynamodb:Query", Some("GSI1"), Some("OWNER#ab")));
        assert!(!policy.allows("dynamodb:Query", Some("GSI2"), Some("OWNER#ab")));
        assert!(!policy.allows("dynamodb:Query", Some("GSI1"), Some("DOSSIER#X-1")));
        assert!(!policy.allows("dynamodb:DescribeTable", None, None));
    }

    #[test]
    fn a_condition_it_cannot_read_is_an_error_not_an_allow() {
        let odd = TEMPLATE.replace("ForAllValues:StringLike", "StringEquals");
        assert!(Template::parse(&odd).unwrap().table_policy("Fn").is_err());
    }
}
