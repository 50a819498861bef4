//! `scripts/dev`: the whole portal in one local process on 127.0.0.1.

mod dev_pages;
mod history;
mod publication;
mod seed;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use api::{AppState, Authenticator};
use axum::Router;
use domain::{AgencyCode, WorkingCalendar};
use localaws::Moto;
use notify::LocalOutbox;
use store::{FileLimits, Store, StoreSettings};
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

struct DevConfig {
    port: u16,
    catalogue_dir: PathBuf,
    site_dir: PathBuf,
    /// The site's sources (`content/`, `static/`, …), which the
    /// publications write into and the rebuild reads.
    site_root: PathBuf,
    agency: AgencyCode,
    /// A local DynamoDB/S3 endpoint already running (a fault-injecting
    /// proxy in the load tests); otherwise moto_server is started.
    aws_endpoint: Option<String>,
    /// A national-portal peer already running; otherwise one is spawned.
    peer_url: Option<String>,
    /// Accept the generated load-test accounts (`tai-cong-dan-<n>`, and
    /// the officials seeded in `seed::LOAD_STAFF`).
    load_accounts: bool,
    /// Write a year of demo dossiers and run the publications with the site's
    /// rebuild on their schedule. `DVC_PUBLICATIONS=0` skips both: the load
    /// tests measure the API, which in AWS never shares a machine with the
    /// site's build (nor moto's scans with a year of history).
    publications: bool,
}

impl DevConfig {
    fn from_env() -> anyhow::Result<Self> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Ok(Self {
            port: var("DVC_PORT")
                .map(|p| p.parse())
                .transpose()
                .context("DVC_PORT")?
                .unwrap_or(8080),
            catalogue_dir: var("DVC_CATALOGUE_DIR")
                .map_or_else(|| PathBuf::from("site/content/thu-tuc"), PathBuf::from),
            site_dir: var("DVC_SITE_DIR")
                .map_or_else(|| PathBuf::from("site/public"), PathBuf::from),
            site_root: var("DVC_SITE_ROOT").map_or_else(|| PathBuf::from("site"), PathBuf::from),
            agency: AgencyCode::parse(
                &var("DVC_AGENCY_CODE").unwrap_or_else(|| "000.00.01.H29".into()),
            )
            .context("DVC_AGENCY_CODE")?,
            aws_endpoint: var("DVC_AWS_ENDPOINT"),
            peer_url: var("DVC_PEER_URL"),
            load_accounts: var("DVC_LOAD_ACCOUNTS").is_some_and(|v| v == "1"),
            publications: var("DVC_PUBLICATIONS").is_none_or(|v| v != "0"),
        })
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,aws_config=warn,aws_smithy_runtime=warn".into()),
        )
        .init();
    let config = DevConfig::from_env()?;
    let public_url = format!("http://127.0.0.1:{}", config.port);

    let (moto, endpoint) = match &config.aws_endpoint {
        Some(endpoint) => (None, endpoint.clone()),
        None => {
            let moto = tokio::task::spawn_blocking(Moto::start)
                .await?
                .map_err(anyhow::Error::msg)
                .context("starting the local DynamoDB/S3")?;
            let endpoint = moto.endpoint().to_owned();
            (Some(moto), endpoint)
        }
    };
    tracing::info!(endpoint, "local DynamoDB and S3 are up");
    let sdk = localaws::sdk_config(&endpoint).await;
    let settings = StoreSettings {
        table: "dvc-dev".into(),
        bucket: "dvc-dev-files".into(),
        s3_path_style: true,
        limits: FileLimits::default(),
        link_ttl: Duration::from_secs(300),
    };
    let store = Store::new(&sdk, settings);
    store
        .create_resources()
        .await
        .context("creating the table and the bucket")?;
    // The API checks submissions against the catalogue the site shows.
    let catalogue = publish::catalogue::read_pages(&config.catalogue_dir)?;
    store.put_procedures(&catalogue).await?;
    tracing::info!(
        procedures = catalogue.len(),
        "catalogue loaded from {}",
        config.catalogue_dir.display()
    );

    let (auth, dev_routes) = sign_in(&public_url, &config.agency, config.load_accounts)?;
    let search = search_index(&config.site_dir);
    let state = AppState {
        store: store.clone(),
        calendar: Arc::new(WorkingCalendar::vietnam()),
        auth: Arc::new(auth),
        agency: config.agency.clone(),
        public_url: public_url.clone(),
        sign_in: Some(api::SignInView {
            authorize_url: format!("{public_url}/dev/oidc/authorize"),
            token_url: format!("{public_url}/dev/oidc/token"),
            client_id: "dvc-portal-dev".into(),
            scope: "openid".into(),
        }),
        clock: AppState::system_clock(),
        calendars: Default::default(),
        search: api::SearchIndex::fixed(search.clone()),
    };
    seed::demo_agency(&store, &config.agency, config.load_accounts).await?;
    seed::demo_dossiers(&state, &catalogue).await?;
    // The public statistics need a past: a year of demo dossiers, written in
    // the background, then the publications and the site's rebuild on their
    // schedule.
    tokio::spawn({
        let publications = config.publications;
        let state = state.clone();
        let site = publication::SiteBuild {
            root: config.site_root.clone(),
            output: config.site_dir.clone(),
            base_url: public_url.clone(),
            search: search.clone(),
        };
        async move {
            if !publications {
                return;
            }
            match history::seed(&state, &catalogue).await {
                Ok(n) => tracing::info!(dossiers = n, "demo history for the statistics written"),
                Err(e) => tracing::warn!(error = format!("{e:#}"), "demo history not written"),
            }
            publication::run(state, site).await
        }
    });

    let outbox = Arc::new(LocalOutbox::default());
    tokio::spawn(dispatch_notifications(
        store.clone(),
        outbox.clone(),
        public_url.clone(),
    ));

    // The national portal: the conformance peer on a free port, holding one
    // dossier submitted there, one question asked and one petition sent there; the intakes and
    // the outbox worker every few seconds, as the sync Lambda's schedule would.
    let peer = match &config.peer_url {
        Some(url) => url.clone(),
        None => dvcqg_peer::spawn("dev", "dev")
            .await
            .context("starting the national-portal conformance peer")?,
    };
    seed::portal_dossier(&peer, &config.agency, AppState::system_clock()())
        .await
        .context("submitting the demo dossier on the national-portal peer")?;
    seed::portal_question_and_petition(&peer, &config.agency)
        .await
        .context(
            "asking the demo question and sending the demo petition on the national-portal peer",
        )?;
    tokio::spawn(sync_national_portal(
        store.clone(),
        peer.clone(),
        public_url.clone(),
        config.agency.clone(),
    ));

    let site: Router = if config.site_dir.join("index.html").exists() {
        Router::new().fallback_service(ServeDir::new(&config.site_dir))
    } else {
        dev_pages::placeholder_home()
    };
    let app = api::citizen_router()
        .merge(api::backoffice_router())
        .with_state(state)
        .merge(dev_routes)
        .merge(dev_pages::outbox_page(outbox))
        .merge(site)
        .layer(TraceLayer::new_for_http());

    let address = SocketAddr::from(([127, 0, 0, 1], config.port));
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("listening on {address}"))?;
    println!("\nCổng dịch vụ công (development) on {public_url}");
    println!("  API description   {public_url}/api/openapi.json");
    println!("  back office       {public_url}/can-bo/");
    println!("  demo sign-in      {public_url}/dev/login");
    println!("  sent notifications {public_url}/dev/outbox");
    println!(
        "  statistics        {public_url}/thong-ke/ (published and rebuilt every few minutes)"
    );
    println!(
        "  national portal   {peer}/_state (what it holds), {peer}/_export (what it received)"
    );
    println!("Ctrl-C stops the portal and the local DynamoDB/S3.\n");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    drop(moto);
    Ok(())
}

/// The development issuer in debug builds; a real issuer from the
/// environment otherwise (release builds have no development issuer).
fn sign_in(
    public_url: &str,
    agency: &AgencyCode,
    load_accounts: bool,
) -> anyhow::Result<(Authenticator, Router)> {
    #[cfg(debug_assertions)]
    {
        let issuer = Arc::new(api::dev_issuer::DevIssuer::new(
            &format!("{public_url}/dev"),
            "dvc-portal",
        ));
        let auth = Authenticator::with_keys(issuer.settings.clone(), issuer.jwks().clone());
        Ok((
            auth,
            dev_pages::sign_in_routes(issuer, agency.clone(), load_accounts),
        ))
    }
    #[cfg(not(debug_assertions))]
    {
        let _ = (public_url, agency, load_accounts);
        let settings = api::AuthSettings::from_env().map_err(anyhow::Error::msg)?;
        let auth = tokio::task::block_in_place(|| {
            tokio::runtime::Handle::current().block_on(Authenticator::connect(settings))
        })
        .map_err(anyhow::Error::msg)?;
        Ok((auth, Router::new()))
    }
}

async fn dispatch_notifications(store: Store, outbox: Arc<LocalOutbox>, public_url: String) {
    loop {
        if let Err(e) = notify::dispatch(&store, outbox.as_ref(), &public_url, 50).await {
            tracing::warn!(error = %e, "notification round failed");
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn sync_national_portal(store: Store, peer: String, public_url: String, agency: AgencyCode) {
    let connections = dvcqg::connections::Connections::single(dvcqg::client::ClientSettings::at(
        &peer,
        "dev",
        "dev",
        Duration::from_secs(5),
    ));
    let worker = dvcqg::worker::Worker::new(
        store,
        Arc::new(connections),
        dvcqg::worker::WorkerSettings {
            public_url,
            ..Default::default()
        },
    );
    let clock = AppState::system_clock();
    loop {
        if let Err(e) = worker.take_in(&agency, clock()).await {
            tracing::warn!(error = %e, "national-portal intake round failed");
        }
        if let Err(e) = worker.take_in_questions(&agency, clock()).await {
            tracing::warn!(error = %e, "national-portal question intake round failed");
        }
        if let Err(e) = worker.take_in_petitions(&agency, clock()).await {
            tracing::warn!(error = %e, "national-portal petition intake round failed");
        }
        if let Err(e) = worker.run_once(clock()).await {
            tracing::warn!(error = %e, "national-portal sync round failed");
        }
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
}

/// The fallback search index `scripts/dev` writes into the built site.
fn search_index(site_dir: &std::path::Path) -> Option<Arc<search::FallbackIndex>> {
    let dir = site_dir.join("tim-kiem/chi-muc");
    match search::FallbackIndex::read(&dir) {
        Ok(index) => Some(Arc::new(index)),
        Err(e) => {
            tracing::warn!(dir = %dir.display(), error = %e, "no search index: the no-JavaScript search page will say so");
            None
        }
    }
}
