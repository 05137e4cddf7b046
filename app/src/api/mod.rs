//! Server functions, one module per area. Each one is thin: authenticate, authorize,
//! validate, query, audit, return a DTO. Endpoints are explicit and stable (`area/verb`).

pub mod specialists;
