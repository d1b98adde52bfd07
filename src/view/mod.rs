//! The view model: everything the page shows, computed from the simulator's state by pure
//! functions (no Yew, no browser), so it is tested natively. The `ui` module only turns this into
//! elements and forwards events back as `UiAction`s.

pub mod inspector;
pub mod log;
pub mod safety;
pub mod spacetime;
pub mod state;

pub use state::{Playground, Selection, UiAction, TICKS_PER_SECOND};
