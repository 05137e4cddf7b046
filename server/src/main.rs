//! A thin shim: everything lives in the library so tests can build the same router.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    server::run_cli().await
}
