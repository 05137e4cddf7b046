//! What the feeds server functions send and receive (shared with the browser).

use serde::{Deserialize, Serialize};

/// Where feeds are served: `/calendar/feed/<token>.ics`.
pub const FEED_PATH_PREFIX: &str = "/calendar/feed/";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedLink {
    /// When the live link was made ("3 Dec 2026"), if there is one. The link itself is shown
    /// only once, when it is made: the server keeps only its hash.
    pub active_since: Option<String>,
}
