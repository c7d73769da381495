//! The `runform` command: parses arguments, calls the library, prints.
//!
//! Exit codes: 0 success, 2 bad input or usage (the message names the file, line and
//! column), 1 anything else. A closed output pipe ends the program quietly.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match cli::run(args, &mut out) {
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
    })
}
