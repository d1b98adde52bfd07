//! The caption of the Multi-Paxos run at the cursor, a lesson's prediction prompt under it, and
//! the teacher's caption editor (`view::multi::prompt`), as single-decree's caption bar
//! (`ui::lessons`) has them. The prompt and the editor are markup built (and escaped) in `view`,
//! inserted as is, so that one click handler serves their buttons and the editor's text stays
//! as typed while the run redraws. Caption texts are text nodes: markup in them stays text.

use super::Model;
use crate::view::lesson::{editor_markup, prompt_markup};
use crate::view::multi::prompt::{caption_at, caption_text_at, prompt_at};
use crate::view::multi::{MultiAction, MultiLesson};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What the person did here, beyond the run itself: one `RefCell` and a forced redraw.
#[derive(Default)]
struct TeachState {
    /// The prompt answered last: its caption's index, and the choice.
    answered: Option<(usize, Option<usize>)>,
    /// The caption editor is open for this step.
    editing: Option<u64>,
    /// Why the last edit was refused.
    error: Option<String>,
    /// Where the keyboard goes once the part is redrawn (the button clicked is redrawn or gone).
    focus: Option<&'static str>,
}

#[derive(Properties, PartialEq)]
pub struct TeachProps {
    pub model: Model,
    pub dispatch: Callback<MultiAction>,
    /// The lesson whose run is open, if any (its prompts).
    pub lesson: Rc<Option<MultiLesson>>,
}

#[function_component(Teach)]
pub fn teach(props: &TeachProps) -> Html {
    let state = use_mut_ref(TeachState::default);
    let redraw = use_force_update();
    {
        let state = state.clone();
        use_effect(move || {
            let id = state.borrow_mut().focus.take();
            if let Some(id) = id {
                focus(id);
            }
        });
    }
    let p = props.model.playground.borrow();
    let cursor = p.history.cursor();
    let captions = &p.scenario.captions;
    let s = state.borrow();
    let prompt = props.lesson.as_ref().as_ref().and_then(|l| prompt_at(l, cursor, s.answered));
    let caption = caption_at(captions, cursor).map(|c| c.1.to_string());
    let editor = match s.editing {
        Some(step) => editor_markup(step, caption_text_at(captions, step), s.error.as_deref()),
        None => add_button(!caption_text_at(captions, cursor).is_empty()),
    };
    let index = caption_at(captions, cursor).map(|c| c.0);
    let onclick = on_click(props, &state, &redraw, cursor, index.unwrap_or_default());
    html! {
        <section id="mteach" class="m-teach" aria-label="Captions" {onclick}>
            if let Some(text) = caption {
                <p id="mcaption" class="m-caption" role="status">{ text }</p>
            }
            { Html::from_html_unchecked(prompt.map(|q| prompt_markup(&q)).unwrap_or_default().into()) }
            <div class={classes!("m-caption-edit", s.editing.is_some().then_some("open"))}>
                { Html::from_html_unchecked(editor.into()) }
            </div>
        </section>
    }
}

/// The button that opens the editor at the current step.
fn add_button(here: bool) -> String {
    let what = if here { "Edit the" } else { "Add a" };
    format!("<button type=\"button\" id=\"caption-add\" class=\"btn small caption-edit\" data-edit=\"open\">{what} caption at this step</button>")
}

/// The value of the text area with this id.
fn typed(id: &str) -> String {
    let area = gloo::utils::document().get_element_by_id(id);
    area.and_then(|a| a.dyn_into::<web_sys::HtmlTextAreaElement>().ok()).map(|a| a.value()).unwrap_or_default()
}

/// Moves the keyboard to the element with this id.
fn focus(id: &str) {
    let element = gloo::utils::document().get_element_by_id(id);
    if let Some(e) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        e.focus().ok();
    }
}

/// Clicks on `data-edit` buttons: open the editor at `cursor` (pausing the run), save, delete,
/// cancel; or pick choice N of the prompt at caption `index`.
fn on_click(
    props: &TeachProps,
    state: &Rc<RefCell<TeachState>>,
    redraw: &UseForceUpdateHandle,
    cursor: u64,
    index: usize,
) -> Callback<MouseEvent> {
    let (model, dispatch, state, redraw) = (props.model.clone(), props.dispatch.clone(), state.clone(), redraw.clone());
    Callback::from(move |e: MouseEvent| {
        let button = e.target_dyn_into::<web_sys::Element>().and_then(|t| t.closest("[data-edit]").ok().flatten());
        let Some(action) = button.and_then(|b| b.get_attribute("data-edit")) else { return };
        let mut s = state.borrow_mut();
        let step = s.editing.unwrap_or(cursor);
        let edit = |text: String| {
            let result = model.playground.borrow_mut().edit_caption(step, &text);
            (result.is_err().then_some(step), result.err())
        };
        let mut then_focus = "caption-add";
        match action.as_str() {
            "open" => {
                (s.editing, s.error) = (Some(cursor), None);
                dispatch.emit(MultiAction::Pause);
                then_focus = "caption-text";
            }
            "cancel" => (s.editing, s.error) = (None, None),
            "save" => (s.editing, s.error) = edit(typed("caption-text")),
            "delete" => (s.editing, s.error) = edit(String::new()),
            pick => {
                s.answered = pick.parse().ok().map(|c| (index, Some(c)));
                // The status line stops asking for an answer.
                model.playground.borrow_mut().answered(index);
                // The picked button is redrawn disabled: the keyboard goes on from Play.
                then_focus = "mplay";
            }
        }
        if s.editing.is_some() && action != "open" {
            then_focus = "caption-text";
        }
        s.focus = Some(then_focus);
        drop(s);
        // An edit redraws everything that shows captions (this part, the link, the exports).
        let selection = model.playground.borrow().selection;
        dispatch.emit(MultiAction::Select(selection));
        redraw.force_update();
    })
}
