//! What every request got: its latency per operation, and whether the
//! answer was one a person could act on (a result, a conflict to reload, a
//! clear "try again later") or an error (a hang, a dropped connection, a
//! 500, a body that is not problem+json).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{Value, json};

#[derive(Default)]
struct Operation {
    latencies: Vec<Duration>,
    conflicts: u64,
    refusals: u64,
    errors: u64,
}

#[derive(Default)]
pub struct Recorder {
    operations: Mutex<BTreeMap<&'static str, Operation>>,
    /// The first few errors, verbatim, for the report.
    samples: Mutex<Vec<String>>,
}

/// How an answer is counted.
pub enum Kind {
    Success,
    /// 409 problem+json: someone else acted first; reload and retry.
    Conflict,
    /// 503 problem+json (or S3's own `SlowDown`): a clear "try again later".
    Refusal,
    Error(String),
}

impl Recorder {
    pub fn record(&self, operation: &'static str, latency: Duration, kind: Kind) {
        let mut operations = self.operations.lock().expect("recorder poisoned");
        let entry = operations.entry(operation).or_default();
        entry.latencies.push(latency);
        match kind {
            Kind::Success => {}
            Kind::Conflict => entry.conflicts += 1,
            Kind::Refusal => entry.refusals += 1,
            Kind::Error(message) => {
                entry.errors += 1;
                let mut samples = self.samples.lock().expect("recorder poisoned");
                if samples.len() < 20 {
                    samples.push(format!("{operation}: {message}"));
                }
            }
        }
    }

    pub fn errors(&self) -> u64 {
        let operations = self.operations.lock().expect("recorder poisoned");
        operations.values().map(|o| o.errors).sum()
    }

    pub fn refusals(&self) -> u64 {
        let operations = self.operations.lock().expect("recorder poisoned");
        operations.values().map(|o| o.refusals).sum()
    }

    pub fn error_samples(&self) -> Vec<String> {
        self.samples.lock().expect("recorder poisoned").clone()
    }

    /// Per operation: requests, p50/p95/p99/max in milliseconds, conflicts,
    /// refusals, errors.
    pub fn summary(&self) -> Value {
        let operations = self.operations.lock().expect("recorder poisoned");
        operations
            .iter()
            .map(|(name, operation)| {
                let mut sorted = operation.latencies.clone();
                sorted.sort();
                let at = |q: f64| {
                    let index = ((sorted.len() as f64 * q).ceil() as usize).saturating_sub(1);
                    sorted
                        .get(index.min(sorted.len().saturating_sub(1)))
                        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
                };
                let mean = if sorted.is_empty() {
                    0.0
                } else {
                    sorted.iter().map(Duration::as_secs_f64).sum::<f64>() * 1000.0 / sorted.len() as f64
                };
                (
                    (*name).to_owned(),
                    json!({
                        "requests": sorted.len(), "mean_ms": mean,
                        "p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99), "max_ms": at(1.0),
                        "conflicts": operation.conflicts,
                        "refusals": operation.refusals,
                        "errors": operation.errors,
                    }),
                )
            })
            .collect::<serde_json::Map<_, _>>()
            .into()
    }
}

/// The summary as a Markdown table.
pub fn table(summary: &Value) -> String {
    let mut out = String::from(
        "| operation | requests | p50 ms | p95 ms | p99 ms | max ms | 409 | 503 | errors |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    for (name, o) in summary.as_object().into_iter().flatten() {
        out.push_str(&format!(
            "| {name} | {} | {:.0} | {:.0} | {:.0} | {:.0} | {} | {} | {} |\n",
            o["requests"],
            o["p50_ms"].as_f64().unwrap_or_default(),
            o["p95_ms"].as_f64().unwrap_or_default(),
            o["p99_ms"].as_f64().unwrap_or_default(),
            o["max_ms"].as_f64().unwrap_or_default(),
            o["conflicts"],
            o["refusals"],
            o["errors"],
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_read_from_the_sorted_latencies() {
        let recorder = Recorder::default();
        for ms in (1..=100).rev() {
            recorder.record("track", Duration::from_millis(ms), Kind::Success);
        }
        recorder.record(
            "track",
            Duration::from_millis(5),
            Kind::Error("hang".into()),
        );
        let summary = recorder.summary();
        assert_eq!(summary["track"]["requests"], 101);
        assert_eq!(summary["track"]["p50_ms"], 50.0);
        assert_eq!(summary["track"]["p99_ms"], 99.0);
        assert_eq!(summary["track"]["max_ms"], 100.0);
        assert_eq!(recorder.errors(), 1);
        assert_eq!(recorder.error_samples(), ["track: hang"]);
    }
}
