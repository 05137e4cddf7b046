//! `server audit verify`: walks the audit trail's hash chain (see
//! `app::server::services::audit_chain`) and prints either the head to keep elsewhere or the
//! first broken link. Exit status: 0 intact, 2 broken, 1 could not check.

use std::fmt;

use app::server::services::audit_chain::{self, ChainPoint, Verdict};
use clap::{Args, Subcommand};
use sqlx::PgPool;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the audit trail's hash chain; print its head, or the first broken link.
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A head printed by an earlier run (`<position>:<hash>`), kept outside the database: it
    /// must still be in the chain, unchanged. Catches a tail deleted or rewritten together
    /// with the head, which the chain alone cannot.
    #[arg(long, env = "SYEI_AUDIT_EXPECT_HEAD")]
    pub expect: Option<ChainPoint>,
    /// Links read per query (memory stays bounded whatever the trail's length).
    #[arg(long, default_value_t = 5_000, hide = true)]
    pub batch_size: i64,
}

/// The chain did not verify; what broke was printed. Its own type so the exit status can say
/// "broken" (2) apart from "could not check" (1).
#[derive(Debug)]
pub struct ChainBroken;

impl fmt::Display for ChainBroken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the audit chain is broken")
    }
}

impl std::error::Error for ChainBroken {}

pub async fn run(command: AuditCommand, pool: &PgPool) -> anyhow::Result<()> {
    match command {
        AuditCommand::Verify(args) => verify(pool, args).await,
    }
}

async fn verify(pool: &PgPool, args: VerifyArgs) -> anyhow::Result<()> {
    let verdict = audit_chain::verify(pool, args.batch_size, args.expect)
        .await
        .map_err(|e| anyhow::anyhow!("could not read the audit chain: {e}"))?;
    match verdict {
        Verdict::Intact(intact) => {
            println!("audit chain intact: {} rows, head {}", intact.rows, intact.head);
            if intact.anchor.seq > 0 {
                println!("the chain starts after the anchor {} (older rows were purged)", intact.anchor);
            }
            if let Some(kept) = args.expect {
                println!("the kept head {kept} is in the chain");
            }
            println!("keep the head outside this database; check it later with --expect {}", intact.head);
            Ok(())
        }
        Verdict::Broken(broken) => {
            let row = match (broken.log_id, broken.sequence_no) {
                (Some(log_id), Some(sequence_no)) => format!(" (audit row {log_id}, sequence_no {sequence_no})"),
                (Some(log_id), None) => format!(" (audit row {log_id})"),
                _ => String::new(),
            };
            println!("audit chain BROKEN at position {}{row}: {}", broken.chain_seq, broken.problem);
            println!("last intact link: {}", broken.last_intact);
            Err(ChainBroken.into())
        }
    }
}
