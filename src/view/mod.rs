//! The view model: everything the page shows, computed from the simulator's state by pure
//! functions (no Yew, no browser), so it is tested natively. The `ui` module only turns this into
//! elements and forwards events back as `UiAction`s.

pub mod check;
pub mod client;
pub mod config_draft;
pub mod embed;
pub mod guide;
pub mod inspector;
pub mod labels;
pub mod layout;
pub mod lesson;
pub mod log;
pub mod marks;
pub mod multi;
pub mod nodes;
pub mod routes;
pub mod safety;
pub mod spacetime;
pub mod state;
pub mod status;
pub mod tokens;
pub mod trig;

pub use state::{Playground, Selection, UiAction, TICKS_PER_SECOND};
