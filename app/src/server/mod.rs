//! Server-only code (compiled with `ssr`): state, database access, passwords.

pub mod db;
pub mod password;
pub mod state;
