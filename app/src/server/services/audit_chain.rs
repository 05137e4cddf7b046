//! Checking the audit hash chain (migration 20261129000013 seals it; its header documents the
//! design): every link's hash is recomputed here, in Rust, from the audit row's content, so a
//! database function that lies cannot make a broken chain look intact.
//!
//! The walk reads the chain in batches (keyset by position) inside one REPEATABLE READ, READ
//! ONLY transaction: one snapshot, so rows committed meanwhile are neither half seen nor
//! reported as unsealed, and memory stays bounded however long the trail is.

use std::fmt::{self, Write as _};
use std::str::FromStr;

use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

use crate::error::AppError;
use crate::server::db::audit_chain::{self as db, ChainLinkRow};

/// The hash before the first link of a chain that was never purged.
pub const GENESIS: [u8; 32] = [0; 32];

/// A position in the chain and the hash sealed there, written `<position>:<64 hex digits>`:
/// what verify prints as the head and takes back as `--expect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainPoint {
    pub seq: i64,
    pub hash: [u8; 32],
}

impl fmt::Display for ChainPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.seq, hex::encode(self.hash))
    }
}

impl FromStr for ChainPoint {
    type Err = String;

    fn from_str(text: &str) -> Result<ChainPoint, String> {
        let (seq, hash) = text.trim().split_once(':').ok_or("expected <position>:<sha-256 hex>")?;
        let seq: i64 = seq.parse().map_err(|_| format!("{seq:?} is not a chain position"))?;
        let bytes = hex::decode(hash).map_err(|_| "the hash is not hexadecimal".to_string())?;
        let hash: [u8; 32] = bytes.try_into().map_err(|_| "the hash must be 32 bytes (64 hex digits)".to_string())?;
        Ok(ChainPoint { seq, hash })
    }
}

/// A chain that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intact {
    /// Links walked (and audit rows checked).
    pub rows: u64,
    /// Where the walk started: 0 and [`GENESIS`] unless old rows were purged.
    pub anchor: ChainPoint,
    pub head: ChainPoint,
}

/// The first broken link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The chain position where the chain stops being trustworthy.
    pub chain_seq: i64,
    /// The audit row at that position, when there is one.
    pub log_id: Option<Uuid>,
    pub sequence_no: Option<i64>,
    pub problem: Problem,
    /// The last link that verified (the anchor when the first one did not).
    pub last_intact: ChainPoint,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The row's content no longer gives the hash it was sealed with.
    Edited,
    /// Positions `from..=to` have no link: rows were deleted with their links.
    Deleted { from: i64, to: i64 },
    /// The link is there, the audit row it seals is not.
    RowDeleted,
    /// The row is intact but was sealed after a different predecessor.
    Reordered,
    /// The head names positions past the last link: the newest rows were deleted.
    TailDeleted { head: i64 },
    /// The head row does not match the last link (or is missing).
    HeadMismatch,
    /// An audit row that no link seals: written with the sealing trigger switched off.
    Unsealed,
    /// The kept head (`--expect`) is not in the chain as it was.
    KeptHeadDiffers { kept: ChainPoint },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Edited => write!(
                f,
                "edited: the row's content no longer matches the hash sealed at this position \
                 (the row was changed, or another row was put in its place)"
            ),
            Problem::Deleted { from, to } if from == to => write!(f, "deleted: position {from} is missing"),
            Problem::Deleted { from, to } => write!(f, "deleted: positions {from} to {to} are missing"),
            Problem::RowDeleted => write!(f, "deleted: the audit row sealed at this position is gone"),
            Problem::Reordered => write!(
                f,
                "reordered: the row is intact but was sealed after a different row than the one before it now"
            ),
            Problem::TailDeleted { head } => {
                write!(f, "deleted: the chain's head is at position {head}, the newest rows after this one are missing")
            }
            Problem::HeadMismatch => {
                write!(f, "the chain head recorded in the database does not match the last link (the head was altered)")
            }
            Problem::Unsealed => {
                write!(
                    f,
                    "unsealed: this audit row is in no link (it was written with the chain's trigger switched off)"
                )
            }
            Problem::KeptHeadDiffers { kept } => write!(
                f,
                "the kept head {kept} is not in the chain as it was (the chain was rewritten or shortened up to there)"
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Intact(Intact),
    Broken(Broken),
}

/// The exact text that was hashed for a row (v1; the migration documents the format), with
/// the jsonb and inet values as PostgreSQL renders them as text.
pub fn canonical(link: &ChainLinkRow) -> String {
    fn field(out: &mut String, name: &str, value: Option<&str>) {
        // Writing to a String cannot fail.
        let _ = match value {
            Some(value) => writeln!(out, "{name} {}:{value}", value.len()),
            None => writeln!(out, "{name} -"),
        };
    }
    let mut out = String::from("syei-audit-chain v1\n");
    field(&mut out, "log_id", Some(&link.log_id.to_string()));
    field(&mut out, "sequence_no", link.sequence_no.map(|n| n.to_string()).as_deref());
    field(&mut out, "table_name", link.table_name.as_deref());
    field(&mut out, "record_id", link.record_id.map(|id| id.to_string()).as_deref());
    field(&mut out, "action", link.action.as_deref());
    field(&mut out, "old_values", link.old_values.as_deref());
    field(&mut out, "new_values", link.new_values.as_deref());
    field(&mut out, "user_id", link.user_id.map(|id| id.to_string()).as_deref());
    field(&mut out, "ip_address", link.ip_address.as_deref());
    let created_at = link.created_at.map(|at| at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string());
    field(&mut out, "created_at", created_at.as_deref());
    out
}

/// sha256(previous hash || canonical content).
pub fn link_hash(prev_hash: &[u8], link: &ChainLinkRow) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash);
    hasher.update(canonical(link).as_bytes());
    hasher.finalize().into()
}

fn point(seq: i64, hash: &[u8]) -> ChainPoint {
    // A stored hash of the wrong size (the column check dropped) can never match a computed
    // one; zeros stand in for it in reports.
    ChainPoint { seq, hash: hash.try_into().unwrap_or([0; 32]) }
}

/// Walks the whole chain from its anchor and returns the verdict: intact with the head, or the
/// first broken link. `expect` is a head printed by an earlier run, to be found unchanged.
pub async fn verify(pool: &PgPool, batch_size: i64, expect: Option<ChainPoint>) -> Result<Verdict, AppError> {
    let mut tx = pool.begin_with("begin isolation level repeatable read, read only").await?;
    let Some(head) = db::head(&mut tx).await? else {
        return Ok(Verdict::Broken(Broken {
            chain_seq: 0,
            log_id: None,
            sequence_no: None,
            problem: Problem::HeadMismatch,
            last_intact: point(0, &GENESIS),
        }));
    };
    let anchor = point(head.anchor_seq, &head.anchor_hash);
    let broken = |link: Option<&ChainLinkRow>, chain_seq: i64, problem: Problem, last: ChainPoint| {
        Ok(Verdict::Broken(Broken {
            chain_seq,
            log_id: link.map(|l| l.log_id),
            sequence_no: link.and_then(|l| l.sequence_no),
            problem,
            last_intact: last,
        }))
    };
    if let Some(kept) = expect.filter(|kept| kept.seq <= anchor.seq && *kept != anchor) {
        // Purged past the kept head (or the anchor was moved): it cannot be found any more.
        return broken(None, kept.seq, Problem::KeptHeadDiffers { kept }, anchor);
    }

    let mut last = anchor;
    let mut rows: u64 = 0;
    loop {
        let links = db::links_after(&mut tx, last.seq, batch_size.max(1)).await?;
        let fetched = links.len();
        for link in &links {
            if link.chain_seq != last.seq + 1 {
                let problem = Problem::Deleted { from: last.seq + 1, to: link.chain_seq - 1 };
                return broken(None, last.seq + 1, problem, last);
            }
            if !link.found {
                return broken(Some(link), link.chain_seq, Problem::RowDeleted, last);
            }
            // Edited is checked before the link to the predecessor: a changed row is "edited"
            // wherever it sits; an unchanged row behind the wrong predecessor was moved.
            let computed = link_hash(&link.prev_hash, link);
            if computed[..] != link.row_hash[..] {
                return broken(Some(link), link.chain_seq, Problem::Edited, last);
            }
            if link.prev_hash[..] != last.hash[..] {
                return broken(Some(link), link.chain_seq, Problem::Reordered, last);
            }
            last = ChainPoint { seq: link.chain_seq, hash: computed };
            rows += 1;
            if let Some(kept) = expect.filter(|kept| kept.seq == last.seq && *kept != last) {
                return broken(Some(link), link.chain_seq, Problem::KeptHeadDiffers { kept }, last);
            }
        }
        if i64::try_from(fetched).unwrap_or(i64::MAX) < batch_size.max(1) {
            break;
        }
    }

    if head.last_seq > last.seq {
        return broken(None, last.seq + 1, Problem::TailDeleted { head: head.last_seq }, last);
    }
    if head.last_seq != last.seq || head.last_hash[..] != last.hash[..] {
        return broken(None, head.last_seq, Problem::HeadMismatch, last);
    }
    if let Some(kept) = expect.filter(|kept| kept.seq > last.seq) {
        return broken(None, kept.seq, Problem::KeptHeadDiffers { kept }, last);
    }
    if let Some(unsealed) = db::first_unchained(&mut tx).await? {
        return Ok(Verdict::Broken(Broken {
            chain_seq: last.seq + 1,
            log_id: Some(unsealed.log_id),
            sequence_no: Some(unsealed.sequence_no),
            problem: Problem::Unsealed,
            last_intact: last,
        }));
    }
    Ok(Verdict::Intact(Intact { rows, anchor, head: last }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn row() -> ChainLinkRow {
        ChainLinkRow {
            chain_seq: 7,
            log_id: Uuid::parse_str("2750caf4-a8a3-43f7-8e94-aee8196cd085").unwrap(),
            prev_hash: GENESIS.to_vec(),
            row_hash: Vec::new(),
            found: true,
            sequence_no: Some(11),
            table_name: Some("users".into()),
            record_id: None,
            action: Some("LOGIN".into()),
            old_values: None,
            new_values: Some(r#"{"note": "ñ"}"#.into()),
            user_id: None,
            ip_address: Some("10.1.2.3/32".into()),
            created_at: Some(chrono::Utc.with_ymd_and_hms(2026, 11, 27, 6, 33, 20).unwrap()),
        }
    }

    #[test]
    fn the_canonical_text_is_length_prefixed_in_bytes_and_names_nulls() {
        assert_eq!(
            canonical(&row()),
            "syei-audit-chain v1\nlog_id 36:2750caf4-a8a3-43f7-8e94-aee8196cd085\nsequence_no 2:11\n\
             table_name 5:users\nrecord_id -\naction 5:LOGIN\nold_values -\nnew_values 14:{\"note\": \"ñ\"}\n\
             user_id -\nip_address 11:10.1.2.3/32\ncreated_at 27:2026-11-27T06:33:20.000000Z\n"
        );
    }

    #[test]
    fn the_hash_depends_on_the_previous_hash_and_every_field() {
        let base = link_hash(&GENESIS, &row());
        assert_ne!(base, link_hash(&[1; 32], &row()));
        let mut edited = row();
        edited.new_values = Some(r#"{"note": "n"}"#.into());
        assert_ne!(base, link_hash(&GENESIS, &edited));
        // A value moved between fields changes the text, thanks to the names and lengths.
        let mut moved = row();
        moved.action = None;
        moved.table_name = Some("usersLOGIN".into());
        assert_ne!(base, link_hash(&GENESIS, &moved));
    }

    #[test]
    fn a_kept_head_reads_back_what_it_prints() {
        let head = ChainPoint { seq: 42, hash: [0xab; 32] };
        assert_eq!(head.to_string().parse::<ChainPoint>(), Ok(head));
        assert!("42".parse::<ChainPoint>().is_err());
        assert!("42:abcd".parse::<ChainPoint>().is_err());
        assert!("x:00".parse::<ChainPoint>().is_err());
    }
}
