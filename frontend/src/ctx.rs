//! App-wide state given to every page as context. In a module of its own so
//! that pages and the editor depend on it, not on the shell (`app`) that
//! depends on them.

use crate::api::{Role, User};
use leptos::prelude::*;
use sluice_shared::Lang;

/// App-wide state, given to every page as context.
#[derive(Clone, Copy)]
pub struct AppCtx {
    /// `None` until signed in.
    pub user: RwSignal<Option<User>>,
    /// Whether the first `GET /api/session` has answered.
    pub checked: RwSignal<bool>,
    /// The editor has unsaved changes: leaving asks first.
    pub unsaved: RwSignal<bool>,
    /// Where the user asked to go while there were unsaved changes (the
    /// `confirm-leave` dialog is open).
    pub leave_to: RwSignal<Option<String>>,
    /// The language shown (`crate::i18n` looks texts up in it); the shell's
    /// view reads it, so a change re-renders the page.
    pub lang: RwSignal<Lang>,
}

impl AppCtx {
    /// Whether the signed-in user may change graphs (viewers may only look).
    pub fn can_edit(&self) -> bool {
        self.user.with(|u| u.as_ref().is_some_and(|u| u.role.edits()))
    }

    /// Whether the signed-in user reviews submissions and administers Sluice.
    pub fn is_admin(&self) -> bool {
        self.user.with(|u| u.as_ref().is_some_and(|u| u.role == Role::Admin))
    }
}
