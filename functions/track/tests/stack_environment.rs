//! The stack (infra/template.yaml) starts this function with an
//! environment its configuration accepts, the artifact holding the
//! fallback search index as scripts/deploy packs it.

#[test]
fn it_starts_with_the_environment_the_stack_gives_it() {
    let task_root = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("track-artifact");
    search::FallbackIndex::build(&[], &[], &[])
        .write(&task_root.join("chi-muc"))
        .unwrap();
    infra::assert_starts(env!("CARGO_BIN_EXE_track"), "track", &task_root);
}
