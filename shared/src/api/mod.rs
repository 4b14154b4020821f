//! Request and response bodies of `/api`, defined once and used by the server's
//! handlers and the browser alike (issue 11 moves the older resources here too).

pub mod connections;
pub mod reports;
