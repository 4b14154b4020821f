//! Pages outside the editor.

mod graph_list;
mod login;

pub use graph_list::GraphList;
pub use login::Login;
