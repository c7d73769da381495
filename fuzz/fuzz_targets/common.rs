//! What every target shares.

/// Lets a panic raised inside a dependency (polars, fitparser, zip: its source is under
/// the cargo registry) unwind, so that the reader's own guard catches it and returns an
/// error, as it does in the `runform` binary; any other panic still aborts and is a
/// finding, as is a dependency's panic that no guard catches (it aborts when it reaches
/// the fuzzer). `FUZZ_STRICT=1` makes every panic a finding, to hunt the dependencies'
/// own bugs.
pub fn let_guards_catch_dependency_panics() {
    if std::env::var_os("FUZZ_STRICT").is_some() {
        return;
    }
    // the hook libfuzzer-sys installed: print, then abort
    let abort = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let in_dependency = info
            .location()
            .is_some_and(|l| l.file().contains("/registry/src/"));
        if !in_dependency {
            abort(info);
        }
    }));
}
