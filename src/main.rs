//! The `arsplan` command: a thin wrapper over the library.

fn main() -> std::process::ExitCode {
    // Output piped into `head` and closed early ends the program quietly, as
    // other command-line tools do, instead of a panic on the next print.
    #[cfg(unix)]
    // SAFETY: restoring the default action of one signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    arsplan::cli::main()
}
