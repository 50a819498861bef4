//! The inbound import end to end: real procedures from `shared/data` go
//! through the conformance peer's share endpoint into a local table and the
//! catalogue export that `sitegen import` reads.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use domain::{LayThuTuc, Procedure, ProcedureCode};
use dvcqg::client::{Client, ClientSettings};
use dvcqg::inbound::{InboundError, InboundSettings, RejectReason, import};
use dvcqg_peer::Catalogue;
use serde_json::{Value, json};
use store::{Store, StoreSettings};

const UNIT: &str = "000.00.01.H29";
/// How many real procedures go through the peer.
const HANDFUL: usize = 6;

fn shared_data() -> PathBuf {
    std::env::var_os("DVC_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

/// A handful of the real procedures, and one the conversion rejects (a
/// channel code off the list), with the real dictionaries.
fn catalogue() -> Catalogue {
    let mut catalogue = Catalogue::from_shared_data(&shared_data()).unwrap();
    catalogue.procedures.truncate(HANDFUL);
    catalogue.procedures.push(json!({
        "MATTHC": "1.999001", "TENTTHC": "Thủ tục có kênh lạ",
        "CACHTHUCTHUCHIEN": [{"KENH": "9", "THOIGIAN": []}]
    }));
    catalogue
}

struct Setup {
    peer: String,
    store: Store,
    client: Arc<Client>,
    settings: InboundSettings,
    _dir: tempfile::TempDir,
}

async fn setup(timeout_ms: u64) -> Setup {
    let moto = Box::leak(Box::new(localaws::Moto::start().unwrap()));
    let store = Store::new(
        &moto.sdk_config().await,
        StoreSettings {
            table: "inbound".into(),
            bucket: "inbound".into(),
            s3_path_style: true,
            limits: Default::default(),
            link_ttl: Duration::from_secs(60),
        },
    );
    store.create_resources().await.unwrap();
    let peer = dvcqg_peer::spawn("donvi", "mat-khau").await.unwrap();
    load(&peer, &catalogue()).await;
    let client = Arc::new(Client::new(ClientSettings::at(
        &peer,
        "donvi",
        "mat-khau",
        Duration::from_millis(timeout_ms),
    )));
    let dir = tempfile::tempdir().unwrap();
    let settings = InboundSettings {
        madonvi: UNIT.into(),
        export: dir.path().join("quoc-gia").join("thu-tuc.json"),
        concurrency: 3,
    };
    Setup {
        peer,
        store,
        client,
        settings,
        _dir: dir,
    }
}

async fn load(peer: &str, catalogue: &Catalogue) {
    let loaded = reqwest::Client::new()
        .post(format!("{peer}/_catalogue"))
        .json(catalogue)
        .send()
        .await
        .unwrap();
    assert_eq!(loaded.status(), 204);
}

/// The export read as `sitegen import` reads a `.json` file: each record of
/// `result` as `LayThuTuc`, converted by the domain.
fn read_export(path: &Path) -> Vec<Procedure> {
    let answer: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    answer["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            Procedure::try_from(serde_json::from_value::<LayThuTuc>(r.clone()).unwrap()).unwrap()
        })
        .collect()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn real_procedures_reach_the_store_and_the_export_and_a_rejected_one_is_reported() {
    let s = setup(5_000).await;
    let report = import(s.client.clone(), &s.store, &s.settings)
        .await
        .unwrap();
    assert_eq!(report.listed, HANDFUL + 1);
    assert_eq!(
        (
            report.new.len(),
            report.changed.len(),
            report.unchanged.len()
        ),
        (HANDFUL, 0, 0)
    );
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].code, "1.999001");
    assert!(
        matches!(&report.rejected[0].reason, RejectReason::Record(e) if e.to_string().contains("channel `9`")),
        "{:?}",
        report.rejected[0]
    );

    // The store and the export hold the same procedures, in the listed order.
    let exported = read_export(&s.settings.export);
    assert_eq!(
        exported.iter().map(|p| &p.code).collect::<Vec<_>>(),
        report.new.iter().collect::<Vec<_>>()
    );
    for p in &exported {
        assert_eq!(
            s.store.get_procedure(&p.code).await.unwrap().as_ref(),
            Some(p)
        );
    }

    // The dictionaries, typed and beside the export.
    let dir = s.settings.export.parent().unwrap();
    assert_eq!(
        files_in(dir),
        [
            "LayDanhMucCoQuan.jsonl",
            "LayDanhMucLinhVuc.jsonl",
            "LayDanhMucPhuongXa.jsonl",
            "LayDanhMucQuanHuyen.jsonl",
            "LayDanhMucTinhThanh.jsonl",
            "thu-tuc.json",
        ]
    );
    assert_eq!(report.dictionaries.provinces.len(), 34);
    let communes = std::fs::read_to_string(dir.join("LayDanhMucPhuongXa.jsonl")).unwrap();
    assert_eq!(communes.lines().count(), report.dictionaries.communes.len());
    assert!(
        report
            .dictionaries
            .fields
            .iter()
            .any(|f| f.TENLINHVUC == "Hộ tịch")
    );

    // Again: nothing changed. Then the portal renames one procedure.
    let again = import(s.client.clone(), &s.store, &s.settings)
        .await
        .unwrap();
    assert_eq!(
        (again.new.len(), again.changed.len(), again.unchanged.len()),
        (0, 0, HANDFUL)
    );
    let mut renamed = catalogue();
    renamed.procedures[0]["TENTTHC"] = json!("Tên thủ tục đã được sửa đổi");
    load(&s.peer, &renamed).await;
    let changed = import(s.client.clone(), &s.store, &s.settings)
        .await
        .unwrap();
    assert_eq!(
        (changed.changed.len(), changed.unchanged.len()),
        (1, HANDFUL - 1)
    );
    let code = &changed.changed[0];
    assert_eq!(
        s.store
            .get_procedure(code)
            .await
            .unwrap()
            .unwrap()
            .name
            .as_str(),
        "Tên thủ tục đã được sửa đổi"
    );
}

#[tokio::test]
async fn a_peer_that_stalls_mid_import_leaves_the_store_and_the_previous_export_alone() {
    let s = setup(500).await;
    import(s.client.clone(), &s.store, &s.settings)
        .await
        .unwrap();
    let before = std::fs::read_to_string(&s.settings.export).unwrap();
    let dir = s.settings.export.parent().unwrap().to_owned();
    let files_before = files_in(&dir);

    // The portal renames a procedure, then stalls after three answers.
    let mut renamed = catalogue();
    renamed.procedures[0]["TENTTHC"] = json!("Tên thủ tục đã được sửa đổi");
    let code = ProcedureCode::parse(renamed.procedures[0]["MATTHC"].as_str().unwrap()).unwrap();
    load(&s.peer, &renamed).await;
    reqwest::Client::new()
        .post(format!("{}/_share_faults", s.peer))
        .json(&json!({"slow_after": 3, "slow_ms": 2_000}))
        .send()
        .await
        .unwrap();
    let error = import(s.client.clone(), &s.store, &s.settings)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, InboundError::Portal { error, .. } if error.is_retryable()),
        "{error}"
    );
    assert_eq!(std::fs::read_to_string(&s.settings.export).unwrap(), before);
    assert_eq!(files_in(&dir), files_before, "no partial file is left");
    assert_ne!(
        s.store
            .get_procedure(&code)
            .await
            .unwrap()
            .unwrap()
            .name
            .as_str(),
        "Tên thủ tục đã được sửa đổi"
    );
}
