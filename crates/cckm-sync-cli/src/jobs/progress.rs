//! What `--wait` and `jobs wait` show while a job runs: a progress bar per scope item on a
//! terminal, a line per change otherwise (whole, for logs). Both on standard error, so that
//! standard output holds only the results.

use std::collections::HashMap;
use std::time::Duration;

use cckm_sync::SyncJob;
use cckm_sync::endpoints::Endpoint;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::view::{self, ItemState};

/// The display of a job being waited for.
pub(crate) enum Progress {
    Bars(Bars),
    Lines(Lines),
}

pub(crate) struct Bars {
    multi: MultiProgress,
    header: ProgressBar,
    items: Vec<(String, ProgressBar)>,
}

pub(crate) struct Lines {
    endpoint: &'static str,
    status: Option<String>,
    items: HashMap<String, String>,
}

/// How wide an item's name is shown next to its bar.
const ITEM_WIDTH: usize = 36;

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}

fn item_style(state: ItemState) -> ProgressStyle {
    let mark = match state {
        ItemState::Running => "{spinner}",
        ItemState::Done => "✔",
        ItemState::Failed => "✘",
    };
    style(&format!("  {mark} {{prefix:{ITEM_WIDTH}!}} [{{bar:10}}] {{wide_msg}}"))
        .progress_chars("=> ")
        .tick_strings(&["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏", " "])
}

impl Progress {
    /// Bars when standard error is a terminal, lines otherwise.
    pub(crate) fn new(endpoint: &'static Endpoint, terminal: bool) -> Self {
        if terminal {
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
            let header = multi.add(ProgressBar::new_spinner());
            header.set_style(style("{spinner} {prefix} {wide_msg} [{elapsed}]"));
            header.enable_steady_tick(Duration::from_millis(120));
            Self::Bars(Bars {
                multi,
                header,
                items: Vec::new(),
            })
        } else {
            Self::Lines(Lines {
                endpoint: endpoint.name,
                status: None,
                items: HashMap::new(),
            })
        }
    }

    /// Shows the job as just read.
    pub(crate) fn update<S>(&mut self, job: &SyncJob<S>) {
        match self {
            Self::Bars(bars) => bars.update(job),
            Self::Lines(lines) => lines.update(job),
        }
    }

    /// Ends the display: the bars stay on screen as they last were, the job's marked `✔` if
    /// `ok`, `✘` if not, `…` if the wait ended before it did.
    pub(crate) fn finish(self, ok: Option<bool>) {
        if let Self::Bars(bars) = self {
            let mark = match ok {
                Some(true) => "✔",
                Some(false) => "✘",
                None => "…",
            };
            bars.header
                .set_style(style(&format!("{mark} {{prefix}} {{wide_msg}} [{{elapsed}}]")));
            bars.header.finish();
            for (_, bar) in &bars.items {
                if !bar.is_finished() {
                    bar.abandon();
                }
            }
            drop(bars.multi);
            // The bars stay as they were drawn, and the cursor at the end of the last one.
            eprintln!();
        }
    }
}

impl Bars {
    fn update<S>(&mut self, job: &SyncJob<S>) {
        let counts = view::counts(job);
        self.header.set_prefix(format!("job {}", job.id));
        self.header.set_message(format!(
            "{}, {} of {} items done",
            view::status_text(job),
            counts.done + counts.failed,
            counts.total
        ));
        for (item, text) in job.detailed_status.iter().flat_map(|status| status.iter()) {
            let bar = match self.items.iter().find(|(name, _)| name == item) {
                Some((_, bar)) => bar.clone(),
                None => {
                    let bar = self.multi.add(ProgressBar::new(1));
                    bar.set_style(item_style(ItemState::Running));
                    bar.set_prefix(view::fit(item, ITEM_WIDTH));
                    bar.enable_steady_tick(Duration::from_millis(120));
                    self.items.push((item.to_owned(), bar.clone()));
                    bar
                }
            };
            if bar.is_finished() {
                continue;
            }
            let state = ItemState::of(text);
            bar.set_message(text.trim().to_owned());
            if state != ItemState::Running {
                bar.set_style(item_style(state));
                bar.set_position(1);
                bar.finish();
            }
        }
    }
}

impl Lines {
    fn update<S>(&mut self, job: &SyncJob<S>) {
        // Items first: a status line then sums them up.
        for (item, text) in job.detailed_status.iter().flat_map(|status| status.iter()) {
            let known = self.items.get(item);
            let first_and_running = known.is_none() && ItemState::of(text) == ItemState::Running;
            if known.map(String::as_str) != Some(text) && !first_and_running {
                eprintln!("  {item}: {}", text.trim());
            }
            self.items.insert(item.to_owned(), text.to_owned());
        }
        let status = view::status_text(job);
        if self.status.as_deref() != Some(status.as_str()) {
            let counts = view::counts(job);
            let line = format!(
                "job {} of {}: {status}, {} of {} items done",
                job.id,
                self.endpoint,
                counts.done + counts.failed,
                counts.total
            );
            eprintln!("{line}");
            self.status = Some(status);
        }
    }
}
