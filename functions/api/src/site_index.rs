//! The index the no-JavaScript search page searches. A deployment ships one
//! in the track function's artifact; each content publication puts a newer
//! one on the site (`tim-kiem/chi-muc/` in the site's bucket). The function
//! follows the site's: at most every few minutes a search reads the site's
//! manifest, and when it names another build, that build's files are read
//! and searched from then on. Anything unreadable keeps the index in use.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use search::FallbackIndex;
use search::fallback::Manifest;

/// Where the site's build writes the index (`scripts/publish-content`), and
/// the site's search reads it.
pub const SITE_INDEX_DIR: &str = "tim-kiem/chi-muc";
/// How often the site's manifest is read: a publication shows within this.
pub const CHECK_EVERY: Duration = Duration::from_secs(5 * 60);
/// Files fetched at a time when a new build is read.
const PARALLEL_READS: usize = 16;

/// The index in use, and where newer ones are published.
#[derive(Clone, Default)]
pub struct SearchIndex {
    current: Arc<RwLock<Option<Arc<FallbackIndex>>>>,
    site: Option<Arc<SiteIndex>>,
}

struct SiteIndex {
    s3: aws_sdk_s3::Client,
    bucket: String,
    /// The index's directory in the bucket, ending in `/`.
    prefix: String,
    every: Duration,
    /// When the manifest was last read, and the build in use (its `root`).
    checked: tokio::sync::Mutex<(Option<Instant>, Option<String>)>,
}

impl SearchIndex {
    /// Always this index (tests, the dev server, which rebuilds in place).
    pub fn fixed(index: Option<Arc<FallbackIndex>>) -> Self {
        Self {
            current: Arc::new(RwLock::new(index)),
            site: None,
        }
    }

    /// `shipped` (of build `shipped_root`) until the site's index at
    /// `bucket`/`prefix` names another build, checked at most `every`.
    pub fn following(
        shipped: Option<(Arc<FallbackIndex>, String)>,
        s3: aws_sdk_s3::Client,
        bucket: String,
        prefix: &str,
        every: Duration,
    ) -> Self {
        let (index, root) = shipped.unzip();
        Self {
            current: Arc::new(RwLock::new(index)),
            site: Some(Arc::new(SiteIndex {
                s3,
                bucket,
                prefix: format!("{}/", prefix.trim_matches('/')),
                every,
                checked: tokio::sync::Mutex::new((None, root)),
            })),
        }
    }

    /// The index to search now, after reading the site's manifest if due.
    /// A search that finds another one already reading waits for no one.
    pub async fn get(&self) -> Option<Arc<FallbackIndex>> {
        if let Some(site) = &self.site
            && let Ok(mut checked) = site.checked.try_lock()
            && checked.0.is_none_or(|at| at.elapsed() >= site.every)
        {
            checked.0 = Some(Instant::now());
            match site.newer_than(checked.1.as_deref()).await {
                Ok(None) => {}
                Ok(Some((index, root))) => {
                    tracing::info!(root, "search index of the site taken up");
                    *self.current.write().expect("index lock poisoned") = Some(Arc::new(index));
                    checked.1 = Some(root);
                }
                Err(e) => tracing::warn!(error = %e, "the site's search index could not be read"),
            }
        }
        self.current.read().expect("index lock poisoned").clone()
    }
}

impl SiteIndex {
    async fn read(&self, name: &str) -> Result<Vec<u8>, String> {
        let key = format!("{}{name}", self.prefix);
        let object = self
            .s3
            .get_object()
            .bucket(&self.bucket)
            .key(&key)
            .send()
            .await
            .map_err(|e| format!("{key}: {}", aws_sdk_s3::error::DisplayErrorContext(e)))?;
        let body = object
            .body
            .collect()
            .await
            .map_err(|e| format!("{key}: {e}"))?;
        Ok(body.into_bytes().to_vec())
    }

    /// The site's index and its build, if it is not build `root`.
    async fn newer_than(
        &self,
        root: Option<&str>,
    ) -> Result<Option<(FallbackIndex, String)>, String> {
        let manifest_bytes = self.read("manifest.json").await?;
        let manifest: Manifest =
            serde_json::from_slice(&manifest_bytes).map_err(|e| format!("manifest.json: {e}"))?;
        if root == Some(manifest.root.as_str()) {
            return Ok(None);
        }
        let mut files: HashMap<String, Vec<u8>> = futures::stream::iter(manifest.files())
            .map(|name| async move { self.read(&name).await.map(|bytes| (name, bytes)) })
            .buffer_unordered(PARALLEL_READS)
            .try_collect()
            .await?;
        files.insert("manifest.json".into(), manifest_bytes);
        let index = FallbackIndex::read_with(|name| {
            files
                .get(name)
                .cloned()
                .ok_or_else(|| std::io::ErrorKind::NotFound.into())
        })
        .map_err(|e| format!("the site's index: {e}"))?;
        Ok(Some((index, manifest.root)))
    }
}
