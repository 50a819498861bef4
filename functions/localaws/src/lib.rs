//! Local AWS endpoints for development and tests: a `moto_server` process on
//! 127.0.0.1, and SDK configuration pointing at it with dummy credentials.
//!
//! The server runs under a small shell guard that kills it when our end of
//! its stdin closes, so it goes away with the process that started it, even
//! when that process is killed or a test binary simply exits.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};

/// The Python of the venv `scripts/install-local-aws` made: `$DVC_VENV`, else
/// `~/.cache/dvc-portal/venv`.
pub fn venv_python() -> PathBuf {
    let venv = std::env::var_os("DVC_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("/tmp"));
            home.join(".cache/dvc-portal/venv")
        });
    venv.join("bin/python")
}

/// Our launcher of moto_server (see its docstring for why it exists).
const LAUNCHER: &str = include_str!("../moto_server.py");

/// A running moto_server; stopped when dropped.
pub struct Moto {
    endpoint: String,
    child: Child,
    guard: Option<ChildStdin>,
}

impl Moto {
    /// Starts moto_server on a free port of 127.0.0.1 and waits until it answers.
    pub fn start() -> Result<Self, String> {
        Self::start_on(free_port()?)
    }

    pub fn start_on(port: u16) -> Result<Self, String> {
        let python = venv_python();
        if !python.exists() {
            return Err(format!(
                "{} is missing: run scripts/test or scripts/dev, which install moto[server]",
                python.display()
            ));
        }
        let launcher =
            std::env::temp_dir().join(format!("dvc-moto-server-{}.py", std::process::id()));
        std::fs::write(&launcher, LAUNCHER)
            .map_err(|e| format!("writing {}: {e}", launcher.display()))?;
        // The guard: run moto in the background, wait for stdin to close, kill it.
        let script = format!(
            "'{}' '{}' -H 127.0.0.1 -p {port} >/dev/null 2>&1 & pid=$!; cat >/dev/null; kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f '{}'",
            python.display(),
            launcher.display(),
            launcher.display()
        );
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("starting moto_server: {e}"))?;
        let guard = child.stdin.take();
        let moto = Moto {
            endpoint: format!("http://127.0.0.1:{port}"),
            child,
            guard,
        };
        moto.wait_ready(port, Duration::from_secs(60))?;
        Ok(moto)
    }

    fn wait_ready(&self, port: u16, limit: Duration) -> Result<(), String> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
                let request = "GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
                if stream.write_all(request.as_bytes()).is_ok() {
                    return Ok(());
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!(
            "moto_server did not answer on port {port} within {limit:?}"
        ))
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The moto_server process itself (the guard shell's child), for
    /// reading what CPU it used; `None` once it has gone.
    pub fn server_pid(&self) -> Option<u32> {
        let shell = self.child.id();
        std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children"))
            .ok()?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    }

    /// SDK configuration for this server.
    pub async fn sdk_config(&self) -> SdkConfig {
        sdk_config(&self.endpoint).await
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        drop(self.guard.take());
        let _ = self.child.wait();
    }
}

/// SDK configuration for a local endpoint: fixed region, dummy credentials.
pub async fn sdk_config(endpoint: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new("ap-southeast-1"))
        .credentials_provider(aws_sdk_s3::config::Credentials::new(
            "local", "local", None, None, "localaws",
        ))
        .load()
        .await
}

/// A port nobody listens on right now.
pub fn free_port() -> Result<u16, String> {
    let listener =
        TcpListener::bind(("127.0.0.1", 0)).map_err(|e| format!("finding a free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}
