//! Pages outside the editor.

mod admin;
mod calendars;
mod connection_form;
mod connections;
mod environments;
mod fmt;
mod graph_list;
mod graph_status;
mod graph_svg;
mod login;
mod review;
mod review_nodes;
mod review_picture;
mod review_queue;
mod review_rows;
mod review_tables;
mod review_uses;
mod run;
mod run_checks;
mod run_nodes;
mod run_picture;
mod runs;
mod schedule_form;
mod schedule_parts;
mod schedules;

pub use admin::AdminPage;
pub use connections::ConnectionsPage;
pub use graph_list::GraphList;
pub use login::Login;
pub use review::ReviewPage;
pub use review_queue::ReviewQueue;
pub use run::RunPage;
pub use runs::RunsPage;
