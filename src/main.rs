//! The `arsplan` command: a thin wrapper over the library.

fn main() -> std::process::ExitCode {
    arsplan::cli::main()
}
