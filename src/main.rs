//! The `runform` command: parses arguments, calls the library, prints.
//!
//! Exit codes: 0 success, 2 bad input or usage (the message names the file, line and
//! column), 1 anything else, 101 an internal error (a panic). A closed output pipe ends
//! the program quietly.

mod cli;

use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    quiet_dependency_panics();
    // buffered: standard output alone flushes at every line, a system call per line of
    // a JSON report
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        cli::run(args, &mut out)?;
        out.flush()?;
        anyhow::Ok(())
    }));
    let run = match run {
        Ok(run) => run,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            eprintln!("runform: internal error: {what}");
            return ExitCode::from(101);
        }
    };
    match run {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("runform: {e:#}");
            let bad_input = e.chain().any(|c| {
                c.downcast_ref::<runform::Error>()
                    .is_some_and(runform::Error::is_bad_input)
            });
            ExitCode::from(if bad_input { 2 } else { 1 })
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

/// The readers catch a panic raised inside a dependency (polars, fitparser, zip) on a
/// damaged file and report it as one line naming the file; the default hook would first
/// print the dependency's panic message and a backtrace. This hook keeps those quiet
/// (unless `RUNFORM_SHOW_PANICS` is set) and leaves every other panic to the default hook. A
/// dependency's panic that no reader catches ends in `main` as an internal error.
fn quiet_dependency_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let in_dependency = info.location().is_some_and(|l| {
            let f = l.file().replace('\\', "/");
            f.contains("/registry/src/") || f.contains("/vendor/")
        });
        if !in_dependency || std::env::var_os("RUNFORM_SHOW_PANICS").is_some() {
            default(info);
        }
    }));
}
