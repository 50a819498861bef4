//! A function's binary started with the environment the stack gives it
//! (the template's `Globals` and the function's own variables, with the
//! staging environment's parameters), as Lambda would start it: its
//! configuration loads and it asks the runtime for its first event, or the
//! template and the code disagree on what it needs.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use yaml_rust2::Yaml;

use crate::Template;

/// Where the artifact is unpacked in Lambda; paths under it are the test's `task_root`.
const LAMBDA_TASK_ROOT: &str = "/var/task";
/// The runtime API's request for the next event: init is over.
const NEXT_EVENT: &str = "/2018-06-01/runtime/invocation/next";
/// Long enough for any init that works; a bound on a hang, not a figure.
const INIT_BOUND: Duration = Duration::from_secs(60);

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// The parameters of an environment file (`KEY=VALUE` lines) over the
/// template's defaults.
fn parameters(template: &Template, environment_file: &Path) -> HashMap<String, String> {
    let mut values: HashMap<String, String> = HashMap::new();
    if let Some(declared) = template.root["Parameters"].as_hash() {
        for (name, declaration) in declared {
            let default = match &declaration["Default"] {
                Yaml::String(s) => Some(s.clone()),
                Yaml::Integer(i) => Some(i.to_string()),
                _ => None,
            };
            if let (Some(name), Some(default)) = (name.as_str(), default) {
                values.insert(name.to_owned(), default);
            }
        }
    }
    // scripts/deploy passes the environment's name from its argument.
    values.insert("EnvironmentName".into(), "staging".into());
    let text = std::fs::read_to_string(environment_file)
        .unwrap_or_else(|e| panic!("{}: {e}", environment_file.display()));
    for line in text.lines().map(str::trim) {
        if let Some((key, value)) = line.split_once('=').filter(|_| !line.starts_with('#')) {
            values.insert(key.trim().to_owned(), value.trim().to_owned());
        }
    }
    values
}

/// A value as CloudFormation would resolve it: parameters by value,
/// resources by a stand-in of their name or ARN.
fn resolve(value: &Yaml, parameters: &HashMap<String, String>) -> Result<String, String> {
    let name = |reference: &str| -> String {
        match reference.split_once('.') {
            None => parameters
                .get(reference)
                .cloned()
                .unwrap_or_else(|| format!("stand-in-{reference}")),
            Some((id, attribute)) => format!("arn:aws:stand-in:{id}:{attribute}"),
        }
    };
    match value {
        Yaml::String(s) => Ok(s.clone()),
        Yaml::Integer(i) => Ok(i.to_string()),
        Yaml::Boolean(b) => Ok(b.to_string()),
        Yaml::Hash(_) if value["Ref"].as_str().is_some() => {
            Ok(name(value["Ref"].as_str().unwrap_or_default()))
        }
        Yaml::Hash(_) if value["Fn::Sub"].as_str().is_some() => {
            let mut text = value["Fn::Sub"].as_str().unwrap_or_default().to_owned();
            while let Some(start) = text.find("${") {
                let end = text[start..]
                    .find('}')
                    .map(|e| start + e)
                    .ok_or(format!("unclosed ${{ in {text}"))?;
                let replacement = name(&text[start + 2..end]);
                text.replace_range(start..=end, &replacement);
            }
            Ok(text)
        }
        other => Err(format!("cannot resolve {other:?}")),
    }
}

/// The environment the stack gives the function of crate `crate_name`.
pub fn function_environment(
    template: &Template,
    crate_name: &str,
    environment_file: &Path,
) -> Result<Vec<(String, String)>, String> {
    let function = template
        .functions()
        .into_iter()
        .find(|f| f.crate_name == crate_name)
        .ok_or(format!("{crate_name} is not a function of the stack"))?;
    let parameters = parameters(template, environment_file);
    let own = &template.resource(&function.logical_id)["Properties"]["Environment"]["Variables"];
    let global = &template.function_globals()["Environment"]["Variables"];
    let mut variables = Vec::new();
    for scope in [global, own] {
        for (name, value) in scope.as_hash().into_iter().flatten() {
            let name = name.as_str().ok_or("a variable name that is not text")?;
            variables.retain(|(n, _): &(String, String)| n != name);
            variables.push((name.to_owned(), resolve(value, &parameters)?));
        }
    }
    Ok(variables)
}

/// Starts `binary` (the function of crate `crate_name`) with the stack's
/// environment for staging and waits until it asks for its first event.
/// Paths under `/var/task` are looked up under `task_root`, the artifact
/// as `scripts/deploy` builds it. The identity provider's keys, fetched at
/// init, and the runtime API are served locally; AWS is out of reach, which
/// a function must survive at init.
pub fn assert_starts(binary: &str, crate_name: &str, task_root: &Path) {
    let template = Template::read(&root().join("infra/template.yaml")).expect("template");
    let local = TcpListener::bind("127.0.0.1:0").expect("a local port");
    let address = local.local_addr().expect("its address");
    let unreachable = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a port");
    let mut environment = function_environment(
        &template,
        crate_name,
        &root().join("infra/environments/staging.env.example"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let jwks = format!("http://{address}/jwks");
    for (name, value) in &mut environment {
        if name == "DVC_OIDC_JWKS_URL" {
            value.clone_from(&jwks);
        }
        if let Some(rest) = value.strip_prefix(LAMBDA_TASK_ROOT) {
            *value = format!("{}{rest}", task_root.display());
        }
    }
    let (seen, requests) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for stream in local.incoming().flatten() {
            let mut stream = stream;
            let mut line = String::new();
            let _ = BufReader::new(&mut stream).read_line(&mut line);
            let path = line
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_owned();
            if path == "/jwks" {
                let body = r#"{"keys":[]}"#;
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
            if seen.send(path).is_err() {
                return;
            }
        }
    });
    let mut child = Command::new(binary)
        .env_clear()
        .envs(environment.iter().map(|(k, v)| (k, v)))
        .env("AWS_LAMBDA_RUNTIME_API", address.to_string())
        .env(
            "AWS_LAMBDA_FUNCTION_NAME",
            format!("dvc-staging-{crate_name}"),
        )
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("LAMBDA_TASK_ROOT", task_root)
        .env("AWS_REGION", "ap-southeast-1")
        .env("AWS_ACCESS_KEY_ID", "stand-in")
        .env("AWS_SECRET_ACCESS_KEY", "stand-in")
        .env("AWS_ENDPOINT_URL", format!("http://{unreachable}"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{binary}: {e}"));
    let started = std::time::Instant::now();
    let outcome = loop {
        if let Ok(path) = requests.recv_timeout(Duration::from_millis(100))
            && path.starts_with(NEXT_EVENT)
        {
            break Ok(());
        }
        if let Ok(Some(status)) = child.try_wait() {
            break Err(format!("exited ({status}) before asking for an event"));
        }
        if started.elapsed() > INIT_BOUND {
            break Err(format!("still in init after {INIT_BOUND:?}"));
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    if let Err(problem) = outcome {
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stderr.take() {
            let _ = pipe.read_to_string(&mut stderr);
        }
        let names: Vec<&str> = environment.iter().map(|(k, _)| k.as_str()).collect();
        panic!(
            "{crate_name}, started with the stack's environment {names:?}, {problem}:\n{stderr}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_substitutions_resolve_to_the_parameters() {
        let parameters = HashMap::from([
            ("SiteDomain".to_owned(), "dvc.example".to_owned()),
            ("EnvironmentName".to_owned(), "staging".to_owned()),
        ]);
        let yaml = |text: &str| {
            yaml_rust2::YamlLoader::load_from_str(text)
                .unwrap()
                .remove(0)
        };
        assert_eq!(
            resolve(
                &yaml(r#"{"Fn::Sub": "https://${SiteDomain}/"}"#),
                &parameters
            )
            .unwrap(),
            "https://dvc.example/"
        );
        assert_eq!(
            resolve(&yaml("{Ref: EnvironmentName}"), &parameters).unwrap(),
            "staging"
        );
        assert_eq!(
            resolve(&yaml("{Ref: Table}"), &parameters).unwrap(),
            "stand-in-Table"
        );
        assert!(resolve(&yaml(r#"{"Fn::If": [A, b, c]}"#), &parameters).is_err());
    }
}
