//! The lesson library and the caption bar.
//!
//! The library lists the built-in lessons as plain links (`#lesson=SLUG`): opening one is a
//! fragment change, which `url::use_fragment_loading` turns into a load, so a lesson's address is
//! always shareable. The caption bar shows the caption for the current step of any narrated
//! scenario (`view::lesson`), with Back and Next (Next plays on to the next caption's step), and
//! says when the story hands over to free play; for a built-in lesson it adds what the lesson
//! shows and a way to its end. Captions are text nodes: markup in them stays text.

use super::dialog::Modal;
use super::model::{on_click, on_click_unit, PanelProps};
use crate::scenario::lessons;
use crate::view::lesson::{
    caption_text_at, caption_view, edit_caption, editor_markup, end_step, lesson_of, prompt_markup, prompt_view,
    safety_line,
};
use crate::view::{safety, UiAction};
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LibraryProps {
    pub close: Callback<()>,
}

#[function_component(LessonLibrary)]
pub fn lesson_library(props: &LibraryProps) -> Html {
    let all = use_memo((), |_| lessons::all());
    let close = props.close.clone();
    let items = all.iter().map(|l| {
        let href = super::url::here(&crate::scenario::link::lesson_fragment(l.slug));
        let picked = on_click_unit(&close);
        let expect: Vec<String> = l.expect.iter().map(|e| e.describe()).collect();
        html! {
            <li data-lesson={l.slug}>
                <a class="lesson-link" {href} onclick={picked}>{ l.scenario.title.clone() }</a>
                <p class="lesson-desc">{ l.scenario.description.clone() }</p>
                // What the lesson shows gives its ending away: behind a toggle.
                <details class="lesson-spoiler">
                    <summary>{ "Show what it demonstrates" }</summary>
                    <p class="lesson-expect">{ format!("Shows: {}.", expect.join("; ")) }</p>
                </details>
            </li>
        }
    });
    let body = html! {
        <>
            <p>{ "Each lesson is a run with captions: press Next to follow it step by step; at the end the controls are yours." }</p>
            // The titles carry the lessons' numbers (3a and 3b share one): a plain list, so the
            // list does not number them a second time ("5. 4. A proposer crashes halfway").
            <ul id="lesson-list" class="lesson-list">{ for items }</ul>
        </>
    };
    html! { <Modal id="lessons" title="Lessons" close={props.close.clone()} opener="open-lessons" class="share-dialog">{ body }</Modal> }
}

/// What the person did in the caption bar, beyond the run itself. One `RefCell` and a forced
/// redraw rather than a `use_state` per field (each `use_state` type costs the page's wasm).
#[derive(Default)]
struct BarState {
    /// The prompt answered last: its caption's index, and the choice (`None`: Next revealed it).
    answered: Option<(usize, Option<usize>)>,
    /// The caption editor is open for this step.
    editing: Option<u64>,
    /// Why the last edit was refused.
    error: Option<String>,
}

type Bar = std::rc::Rc<std::cell::RefCell<BarState>>;

#[function_component(CaptionBar)]
pub fn caption_bar(props: &PanelProps) -> Html {
    let bar: Bar = use_mut_ref(BarState::default);
    let redraw = use_force_update();
    let p = props.model.playground.borrow();
    let scenario = p.scenario.clone();
    // Recognising a lesson builds the library: once per narrated scenario, not per frame.
    let deps = (p.scenario.title.clone(), p.scenario.captions.clone());
    let lesson = use_memo(deps, move |_| lesson_of(&scenario).map(|l| (end_step(&l), l)));
    let cursor = p.history.cursor();
    let view = caption_view(&p.scenario, cursor);
    let index = view.as_ref().and_then(|v| v.index);
    // One handler for every button of the bar that is not Back, Next or a lesson's (`data-edit`).
    let onclick = on_bar_click(props, &bar, &redraw, cursor, index.unwrap_or_default());
    let b = bar.borrow();
    let here = !caption_text_at(&p.scenario, cursor).is_empty();
    let editor = Html::from_html_unchecked(
        match b.editing {
            Some(step) => editor_markup(step, caption_text_at(&p.scenario, step), b.error.as_deref()),
            None => add_button(here),
        }
        .into(),
    );
    let Some(view) = view else {
        // No captions yet: a teacher can write the first one here.
        return html! { <div class="caption-add-bar" {onclick}>{ editor }</div> };
    };
    // The button sits in the row of Back and Next; the open editor takes a row of its own.
    let (inline, block) = if b.editing.is_some() { (Html::default(), editor) } else { (editor, Html::default()) };
    let d = &props.dispatch;
    let answered = b.answered.filter(|a| Some(a.0) == index).map(|a| a.1);
    let prompt = lesson.as_ref().as_ref().and_then(|(_, l)| prompt_view(l, index, answered));
    let back = view.back.map(|s| on_click(d, UiAction::Seek(s)));
    // Next first reveals the answer to a question not yet answered (`data-edit="reveal"`).
    let reveal = prompt.as_ref().is_some_and(|q| q.reveal.is_none());
    let next = view.next.filter(|_| !reveal).map(|s| on_click(d, UiAction::PlayTo(s)));
    let (verdict, safe) = safety_line(&safety::build(&p));
    let counter = match view.index {
        Some(i) => format!("{} of {}", i + 1, view.total),
        None => format!("0 of {}", view.total),
    };
    html! {
        <section id="caption-bar" class="caption-bar" aria-label="Lesson captions" {onclick}>
            <p id="caption" aria-live="polite">{ view.text.clone() }</p>
            { Html::from_html_unchecked(prompt.map(|q| prompt_markup(&q)).unwrap_or_default().into()) }
            <p id="caption-safety" class={classes!("caption-safety", (!safe).then_some("violated"))}
                data-ok={safe.to_string()}>{ verdict }</p>
            <div class="caption-controls">
                <button id="caption-back" class="btn small" disabled={back.is_none()}
                    onclick={back.unwrap_or_default()}>{ "Back" }</button>
                <span id="caption-counter" class="caption-counter">{ counter }</span>
                <button id="caption-next" class="btn small primary" disabled={next.is_none() && !reveal}
                    data-edit={reveal.then_some("reveal")} onclick={next.unwrap_or_default()}>{ "Next" }</button>
                if view.free_play {
                    <span id="free-play" class="free-play">{ "Free play: the controls are yours." }</span>
                }
                { lesson_extras(&lesson, d) }
                { inline }
            </div>
            { block }
        </section>
    }
}

/// The button that opens the editor at the current step.
fn add_button(here: bool) -> String {
    let what = if here { "Edit the" } else { "Add a" };
    format!("<button type=\"button\" id=\"caption-add\" class=\"btn small caption-edit\" data-edit=\"open\">{what} caption at this step</button>")
}

/// The bar's clicks on `data-edit` buttons: open the editor at `cursor`, save, delete, cancel;
/// reveal the prompt of caption `index`, or pick its choice (a number).
fn on_bar_click(
    props: &PanelProps,
    bar: &Bar,
    redraw: &UseForceUpdateHandle,
    cursor: u64,
    index: usize,
) -> Callback<MouseEvent> {
    let (model, dispatch, bar, redraw) = (props.model.clone(), props.dispatch.clone(), bar.clone(), redraw.clone());
    Callback::from(move |e: MouseEvent| {
        let button = e.target_dyn_into::<web_sys::Element>().and_then(|t| t.closest("[data-edit]").ok().flatten());
        let Some(action) = button.and_then(|b| b.get_attribute("data-edit")) else { return };
        let mut b = bar.borrow_mut();
        let step = b.editing.unwrap_or(cursor);
        let text = |id| {
            let area = gloo::utils::document().get_element_by_id(id).map(wasm_bindgen::JsValue::from);
            area.and_then(|a| js_sys::Reflect::get(&a, &"value".into()).ok())
                .and_then(|v| v.as_string())
                .unwrap_or_default()
        };
        let edit = |text: String| {
            let result = edit_caption(&mut model.playground.borrow_mut().scenario, step, &text);
            (result.is_err().then_some(step), result.err())
        };
        match action.as_str() {
            "open" => (b.editing, b.error) = (Some(cursor), None),
            "cancel" => (b.editing, b.error) = (None, None),
            "save" => (b.editing, b.error) = edit(text("caption-text")),
            "delete" => (b.editing, b.error) = edit(String::new()),
            pick => {
                b.answered = Some((index, pick.parse().ok()));
                // The picked button is redrawn (disabled): the keyboard goes on from Next.
                let next = gloo::utils::document().get_element_by_id("caption-next");
                if let Some(next) = next.and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) {
                    next.focus().ok();
                }
            }
        }
        drop(b);
        // An edit redraws everything that shows captions (the bar, the share dialog).
        let selection = model.playground.borrow().selection;
        dispatch.emit(UiAction::Select(selection));
        redraw.force_update();
    })
}

fn lesson_extras(lesson: &Option<(u64, lessons::Lesson)>, d: &Callback<UiAction>) -> Html {
    let Some((end, lesson)) = lesson else { return html! {} };
    let end = *end;
    let expect: Vec<String> = lesson.expect.iter().map(|e| e.describe()).collect();
    html! {
        <>
            <button id="lesson-end" class="btn small" data-step={end.to_string()}
                onclick={on_click(d, UiAction::Seek(end))}
                title="Go to the end of the lesson's story">{ "Skip to the end" }</button>
            <span id="lesson-expect" class="lesson-expect" data-lesson={lesson.slug}>
                { format!("This lesson shows: {}.", expect.join("; ")) }</span>
        </>
    }
}
