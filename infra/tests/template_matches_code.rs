//! The stack's template against the code: the table the store creates
//! locally, and the Lambda crates of the workspace. Names come from the
//! code (`store::schema`, the crates' manifests), never typed here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use infra::Template;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn template() -> Template {
    Template::read(&root().join("infra/template.yaml")).unwrap()
}

fn strings(node: &yaml_rust2::Yaml, field: &str) -> Vec<String> {
    node.as_vec()
        .unwrap_or(&Vec::new())
        .iter()
        .filter_map(|n| n[field].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn the_table_has_the_keys_indexes_and_expiry_the_store_uses() {
    let template = template();
    let tables = template.resources_of("AWS::DynamoDB::Table");
    assert_eq!(tables.len(), 1, "one table: the single-table design");
    let table = &template.resource(&tables[0])["Properties"];

    let (partition, sort) = store::TABLE_KEYS;
    assert_eq!(
        strings(&table["KeySchema"], "AttributeName"),
        [partition, sort]
    );
    assert_eq!(strings(&table["KeySchema"], "KeyType"), ["HASH", "RANGE"]);

    let indexes = table["GlobalSecondaryIndexes"].as_vec().unwrap();
    let found: Vec<(String, Vec<String>, Option<&str>)> = indexes
        .iter()
        .map(|i| {
            (
                i["IndexName"].as_str().unwrap().to_owned(),
                strings(&i["KeySchema"], "AttributeName"),
                i["Projection"]["ProjectionType"].as_str(),
            )
        })
        .collect();
    let expected: Vec<(String, Vec<String>, Option<&str>)> = store::INDEXES
        .iter()
        .map(|i| {
            (
                i.name.to_owned(),
                vec![i.partition.to_owned(), i.sort.to_owned()],
                Some("ALL"),
            )
        })
        .collect();
    assert_eq!(found, expected);

    let defined: BTreeSet<String> = strings(&table["AttributeDefinitions"], "AttributeName")
        .into_iter()
        .collect();
    let keys: BTreeSet<String> = [partition, sort]
        .into_iter()
        .chain(store::INDEXES.iter().flat_map(|i| [i.partition, i.sort]))
        .map(str::to_owned)
        .collect();
    assert_eq!(defined, keys, "every key attribute defined, no other");

    assert_eq!(
        table["TimeToLiveSpecification"]["AttributeName"].as_str(),
        Some(store::TTL_ATTRIBUTE)
    );
    assert_eq!(
        table["TimeToLiveSpecification"]["Enabled"].as_bool(),
        Some(true)
    );
    assert_eq!(table["BillingMode"].as_str(), Some("PAY_PER_REQUEST"));
    assert_eq!(table["DeletionProtectionEnabled"].as_bool(), Some(true));
    assert_eq!(
        table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"].as_bool(),
        Some(true)
    );
    assert_eq!(table["SSESpecification"]["SSEType"].as_str(), Some("KMS"));
}

/// The workspace crates that run on Lambda: those that depend on a Lambda runtime.
fn lambda_crates() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("functions")).unwrap() {
        let manifest = entry.unwrap().path().join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        let manifest: toml::Table = toml::from_str(&text).unwrap();
        let dependencies = manifest.get("dependencies").and_then(|d| d.as_table());
        if dependencies
            .is_some_and(|d| d.contains_key("lambda_http") || d.contains_key("lambda_runtime"))
        {
            found.insert(manifest["package"]["name"].as_str().unwrap().to_owned());
        }
    }
    found
}

#[test]
fn every_lambda_crate_is_deployed_once_on_arm64_with_its_own_logs() {
    let template = template();
    let functions = template.functions();
    let deployed: Vec<String> = functions.iter().map(|f| f.crate_name.clone()).collect();
    let unique: BTreeSet<String> = deployed.iter().cloned().collect();
    assert_eq!(
        unique.len(),
        deployed.len(),
        "a crate deployed twice: {deployed:?}"
    );
    assert_eq!(unique, lambda_crates());

    let globals = template.function_globals();
    assert_eq!(globals["Runtime"].as_str(), Some("provided.al2023"));
    assert_eq!(globals["Architectures"][0].as_str(), Some("arm64"));
    assert_eq!(globals["Tracing"].as_str(), Some("Active"));
    for f in &functions {
        let properties = &template.resource(&f.logical_id)["Properties"];
        assert_eq!(
            properties["LoggingConfig"]["LogFormat"].as_str(),
            Some("JSON"),
            "{}",
            f.logical_id
        );
        assert!(
            !properties["ReservedConcurrentExecutions"].is_badvalue(),
            "{} has no reserved concurrency",
            f.logical_id
        );
    }
    // One sync worker at a time keeps each dossier's packets in order.
    let sync = functions.iter().find(|f| f.crate_name == "sync").unwrap();
    assert_eq!(sync.reserved_concurrency, Some(1));
}

#[test]
fn every_functions_table_access_names_its_partitions() {
    let template = template();
    for f in template.functions() {
        let policy = template.table_policy(&f.logical_id).unwrap();
        for statement in &policy.statements {
            assert!(
                statement.leading_keys.is_some(),
                "{} {}: table access without a dynamodb:LeadingKeys condition",
                f.logical_id,
                statement.sid
            );
        }
        // Whole-table reads would pass any key condition.
        assert!(
            !policy.allows("dynamodb:Scan", None, None),
            "{} may scan the table",
            f.logical_id
        );
    }
}
