//! The inspector for a slot of the log (a click on a cell or on a slot's number): what each
//! replica holds there now (the frame's inspector lines), then the slot's story
//! (`view::multi::slot`): per replica when it accepted it at which ballot, applied it or
//! compacted it, and when it was chosen, each with a step that seeks there when clicked.

use super::{Model, Part};
use crate::view::multi::slot::{slot_story, Moment};
use crate::view::multi::{MultiAction, MultiSelection};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub part: Part,
    pub model: Model,
    pub slot: u64,
}

fn moment(m: &Moment, dispatch: &Callback<MultiAction>) -> Html {
    let step = m.step;
    html! {
        <li class={classes!(m.future.then_some("future"))}>
            <button class="m-step-link" data-step={step.to_string()} onclick={dispatch.reform(move |_: MouseEvent| MultiAction::Seek(step))}
                aria-label={format!("Go to step {step}")}>{ format!("step {step}") }</button>
            { format!(" t={}: {}{}", m.time, m.text, if m.future { " (still to come)" } else { "" }) }
        </li>
    }
}

#[function_component(SlotInspector)]
pub fn slot_inspector(props: &Props) -> Html {
    let p = props.model.playground.borrow();
    let key = (p.epoch, p.history.frontier(), p.history.cursor(), props.slot);
    drop(p);
    let story = {
        let (playground, slot) = (props.model.playground.clone(), props.slot);
        use_memo(key, move |_| slot_story(&playground.borrow(), slot))
    };
    let dispatch = &props.part.dispatch;
    let (title, lines) = match &props.part.frame.inspector {
        Some(i) => (i.title.clone(), i.lines.clone()),
        None => (format!("Slot #{}", props.slot), Vec::new()),
    };
    html! {
        <div id="minspector" class="panel m-inspector" data-slot={props.slot.to_string()}>
            <h2>{ title }</h2>
            <ul aria-live="polite">{ for lines.iter().map(|l| html! { <li>{ l }</li> }) }</ul>
            <h3 class="m-story-head">{ "This slot's history" }</h3>
            <div id="mslot-story" class="m-story">
                if story.chosen.is_empty() {
                    <p class="hint">{ "Not chosen in the recorded run." }</p>
                } else {
                    <ol class="m-chosen">{ for story.chosen.iter().map(|m| moment(m, dispatch)) }</ol>
                }
                { for story.replicas.iter().map(|r| html! {
                    <div class="m-story-replica" data-replica={r.replica.0.to_string()}>
                        <b>{ &r.label }</b>
                        if r.moments.is_empty() {
                            <span class="hint">{ " nothing recorded for this slot" }</span>
                        } else {
                            <ol>{ for r.moments.iter().map(|m| moment(m, dispatch)) }</ol>
                        }
                    </div>
                }) }
            </div>
            <button class="btn" onclick={dispatch.reform(|_: MouseEvent| MultiAction::Select(MultiSelection::None))}>{ "Clear" }</button>
        </div>
    }
}
