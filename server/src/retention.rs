//! `server retention run [--dry-run]`: removes (or, dry, lists) what outlived its retention
//! period, as the daily job inside the server does (`app::server::services::retention`).
//! Exit status: 0 done, 3 skipped because another run holds the lock, 1 failed.

use std::fmt;

use app::model::retention::RetentionReport;
use app::server::services::retention::{self, Outcome, StartedBy};
use clap::{Args, Subcommand};
use sqlx::PgPool;

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Remove what expired now (or, with --dry-run, only say what would go).
    Run(RunArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Count what would go, name the patients whose clinical data would be erased, and change
    /// nothing (but the run log).
    #[arg(long)]
    pub dry_run: bool,
}

/// Another run held the lock; nothing was done. Its own type so the exit status can say so.
#[derive(Debug)]
pub struct RunSkipped;

impl fmt::Display for RunSkipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "another retention run is in progress (its advisory lock is held); nothing was done")
    }
}

impl std::error::Error for RunSkipped {}

pub async fn run(command: RetentionCommand, pool: &PgPool) -> anyhow::Result<()> {
    match command {
        RetentionCommand::Run(args) if args.dry_run => {
            let report = retention::dry_run(pool, StartedBy::Command)
                .await
                .map_err(|e| anyhow::anyhow!("the dry run failed: {e}"))?;
            print_report(&report);
            Ok(())
        }
        RetentionCommand::Run(_) => match retention::run(pool, StartedBy::Command)
            .await
            .map_err(|e| anyhow::anyhow!("the retention run failed: {e}"))?
        {
            Outcome::Done(report) => {
                print_report(&report);
                Ok(())
            }
            Outcome::Skipped => Err(RunSkipped.into()),
        },
    }
}

fn print_report(report: &RetentionReport) {
    let (verb, patients_verb) =
        if report.dry_run { ("would remove", "would be erased") } else { ("removed", "erased") };
    let counts = &report.counts;
    println!("{} {verb}:", if report.dry_run { "dry run: retention" } else { "retention" });
    println!("  audit entries:           {}", counts.audit_entries);
    println!("  notifications:           {}", counts.notifications);
    println!("  ended sessions:          {}", counts.sessions);
    println!("  sign-in attempts:        {}", counts.sign_in_attempts);
    println!("  cancelled appointments:  {}", counts.cancelled_appointments);
    println!("  patients' clinical data: {}", counts.erased_patients);
    if !report.patients.is_empty() {
        println!("patients whose clinical data {patients_verb} (last activity):");
        for patient in &report.patients {
            println!(
                "  {} {} <{}> {}",
                patient.patient_id,
                patient.name,
                patient.email,
                patient.last_activity.format("%Y-%m-%d")
            );
        }
    }
}
