//! What the "Database health" page shows an admin (shared with the browser).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatabaseHealth {
    /// The statements that took the most time in total, or None when `pg_stat_statements` is
    /// not enabled on this server (see the README).
    pub top_queries: Option<Vec<QueryStat>>,
    /// Every table: its size, how it is read (index or sequential scans) and vacuum state.
    pub tables: Vec<TableHealth>,
    /// Indexes never used since the statistics were last reset.
    pub unused_indexes: Vec<UnusedIndex>,
    /// Connections to this database by state (active, idle, idle in transaction, ...).
    pub connections: Vec<ConnectionCount>,
    pub max_connections: i64,
}

/// A normalised statement: constants are `$1`, `$2`…, so it carries no one's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryStat {
    pub query: String,
    pub calls: i64,
    pub total_ms: f64,
    pub mean_ms: f64,
    pub rows: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableHealth {
    pub table: String,
    pub live_rows: i64,
    pub dead_rows: i64,
    pub sequential_scans: i64,
    pub index_scans: i64,
    /// The last vacuum, manual or automatic, as "2026-11-27 08:00 UTC", or None if never.
    pub last_vacuum: Option<String>,
    /// Dead rows past autovacuum's default trigger (50 + 20 % of the live rows).
    pub waiting_for_vacuum: bool,
}

impl TableHealth {
    /// The share of scans that used an index, when the table was scanned at all.
    pub fn index_use_percent(&self) -> Option<i64> {
        let scans = self.sequential_scans + self.index_scans;
        (scans > 0).then(|| self.index_scans * 100 / scans)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnusedIndex {
    pub index: String,
    pub table: String,
    pub size: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionCount {
    pub state: String,
    pub count: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_use_is_a_share_of_scans() {
        let table = |sequential_scans, index_scans| TableHealth {
            table: "t".into(),
            live_rows: 0,
            dead_rows: 0,
            sequential_scans,
            index_scans,
            last_vacuum: None,
            waiting_for_vacuum: false,
        };
        assert_eq!(table(0, 0).index_use_percent(), None);
        assert_eq!(table(1, 3).index_use_percent(), Some(75));
        assert_eq!(table(0, 9).index_use_percent(), Some(100));
    }
}
