//! The stack (infra/template.yaml) starts this function with an
//! environment its configuration accepts.

#[test]
fn it_starts_with_the_environment_the_stack_gives_it() {
    infra::assert_starts(
        env!("CARGO_BIN_EXE_sync"),
        "sync",
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")),
    );
}
