//! The application shell: owns the reducer over `view::Playground` and the animation loop.

use crate::scenario::Scenario;
use crate::view::{Playground, UiAction};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// Yew needs a cheap `Rc<Self>` per action; the history is large, so the playground lives in a
/// `RefCell` and each action bumps `version`, which is what props compare.
#[derive(Clone)]
pub struct Model {
    pub playground: Rc<RefCell<Playground>>,
    pub version: u64,
}

impl PartialEq for Model {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version && Rc::ptr_eq(&self.playground, &other.playground)
    }
}

impl Reducible for Model {
    type Action = UiAction;

    fn reduce(self: Rc<Self>, action: UiAction) -> Rc<Self> {
        self.playground.borrow_mut().reduce(action);
        Rc::new(Model { playground: self.playground.clone(), version: self.version + 1 })
    }
}

/// What every panel component receives: the model (cheap to clone; compare by version) and the
/// callback that sends actions to the reducer.
#[derive(Properties, PartialEq, Clone)]
pub struct PanelProps {
    pub model: Model,
    pub dispatch: Callback<UiAction>,
}

#[function_component(App)]
pub fn app() -> Html {
    let model = use_reducer(|| Model {
        playground: Rc::new(RefCell::new(Playground::new(Scenario::default()))),
        version: 0,
    });
    let p = model.playground.borrow();
    html! {
        <main id="playground">
            <h1>{ "Paxos Playground" }</h1>
            <p>{ format!("step {} of {}", p.history.cursor(), p.history.frontier()) }</p>
        </main>
    }
}
