//! Pages outside the editor.

mod admin;
mod calendars;
mod connection_form;
mod connections;
mod environments;
mod explore;
mod fmt;
mod graph_list;
mod graph_svg;
mod login;
mod reports;
mod review;
mod review_picture;
mod review_queue;
mod review_tables;
mod review_uses;
mod run;
mod run_checks;
mod run_picture;
mod runs;
mod schedules;

pub use admin::AdminPage;
pub use connections::ConnectionsPage;
pub use graph_list::GraphList;
pub use login::Login;
pub use reports::{ReportPage, ReportsPage};
pub use review::ReviewPage;
pub use review_queue::ReviewQueue;
pub use run::RunPage;
pub use runs::RunsPage;
