use std::path::{Path, PathBuf};

/// Everything that stops a build; each names the file, and the line where
/// there is one, so that an editor can fix their commit.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{}:{line}: {message}", file.display())]
    Content {
        file: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}: {message}", file.display())]
    Template { file: PathBuf, message: String },
    #[error("rendering {output} (template `{template}`, from {}): {message}", source_file.display())]
    Render {
        output: String,
        template: String,
        source_file: PathBuf,
        message: String,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl BuildError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        BuildError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// Errors one per line, as the command prints them (at most `limit`).
pub fn report(errors: &[BuildError], limit: usize) -> String {
    let mut lines: Vec<String> = errors
        .iter()
        .take(limit)
        .map(|e| format!("error: {e}"))
        .collect();
    if errors.len() > limit {
        lines.push(format!("error: {} more errors", errors.len() - limit));
    }
    lines.join("\n")
}

/// The 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// A Tera error with its causes: Tera puts the useful part (the variable not
/// found, the line and column of a syntax error) in the source chain.
pub fn tera_message(error: &tera::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
