//! What `--wait` and `jobs wait` show while a job runs, on standard error (standard output
//! holds only the results).
//!
//! On a terminal: a header (the job, its status and its count), a spinner per running item,
//! and a line per ended item, `✔` or `✘` (`–` for one the job ended without), printed above them
//! as the item ends and left in the scrollback, whole (name and text, wrapped by the terminal rather than cut). Only as many
//! spinners as the terminal has rows for are drawn, the header counting the others, so that
//! no item is lost to a redraw however many a job has. Elsewhere: a line per change, whole,
//! for logs.

use std::collections::{HashMap, HashSet};
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
    /// The spinners of running items, in the order the job lists them.
    running: Vec<(String, ProgressBar)>,
    /// The items whose end has been printed.
    ended: HashSet<String>,
    /// The most spinners drawn at once.
    max_spinners: usize,
    /// The terminal's width, for the names of running items.
    columns: usize,
}

pub(crate) struct Lines {
    endpoint: &'static str,
    status: Option<String>,
    items: HashMap<String, String>,
}

/// How often the spinners turn.
pub(crate) const TICK: Duration = Duration::from_millis(120);

/// Rows kept free of spinners: the header, the line the cursor ends on, and one for the
/// shell's prompt.
const RESERVED_ROWS: usize = 3;

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}

fn spinner_style() -> ProgressStyle {
    style("  {spinner} {prefix} {msg}").tick_strings(&["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏", " "])
}

/// The line left for an ended item: its mark, its whole name and its whole text.
pub(crate) fn ended_line(item: &str, text: &str) -> String {
    let mark = match ItemState::of(text) {
        ItemState::Failed => '✘',
        ItemState::Running | ItemState::Succeeded => '✔',
    };
    format!("  {mark} {item}: {}", text.trim())
}

impl Progress {
    /// Bars when standard error is a terminal, lines otherwise.
    pub(crate) fn new(endpoint: &'static Endpoint, terminal: bool) -> Self {
        if terminal {
            let (rows, columns) = console::Term::stderr().size();
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
            let header = multi.add(ProgressBar::new_spinner());
            header.set_style(style("{spinner} {prefix} {wide_msg} [{elapsed}]"));
            Self::Bars(Bars {
                multi,
                header,
                running: Vec::new(),
                ended: HashSet::new(),
                max_spinners: usize::from(rows).saturating_sub(RESERVED_ROWS).max(1),
                columns: usize::from(columns),
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

    /// Turns the spinners one step. They are turned by the wait itself, every
    /// [`TICK`], not by threads of their own: nothing is drawn but when the wait says so, and
    /// so nothing after an interrupt (see [`interrupt`](Self::interrupt)).
    pub(crate) fn tick(&self) {
        if let Self::Bars(bars) = self {
            bars.header.tick();
            for (_, bar) in &bars.running {
                bar.tick();
            }
        }
    }

    /// Ends the display on Ctrl-C without drawing it again. The terminal has echoed `^C`
    /// where the cursor stood, at the end of the last line drawn (where the bars leave it), so
    /// on a line of its own: a redraw, which moves up as many lines as it drew, would start
    /// one line short and leave a second header. The bars stay as last drawn, and what is
    /// printed next starts on a line of its own.
    pub(crate) fn interrupt(self) {
        if let Self::Bars(bars) = self {
            bars.multi.set_draw_target(ProgressDrawTarget::hidden());
            bars.header.abandon();
            for (_, bar) in &bars.running {
                bar.abandon();
            }
            drop(bars.multi);
            eprintln!();
        }
    }

    /// Ends the display: the header marked `✔` if `ok`, `✘` if not, `…` if the wait ended
    /// before the job did. Items the server still calls running when the job ended (a cancel
    /// leaves the items it did not reach so) are left as lines marked `–`, not as spinners
    /// that would seem to turn on; when the wait ended first, the spinners stay as they were.
    pub(crate) fn finish(self, ok: Option<bool>) {
        if let Self::Bars(mut bars) = self {
            let mark = match ok {
                Some(true) => "✔",
                Some(false) => "✘",
                None => "…",
            };
            if ok.is_some() {
                for (item, bar) in bars.running.drain(..) {
                    bar.finish_and_clear();
                    bars.multi.remove(&bar);
                    let _ = bars.multi.println(format!(
                        "  – {item}: {} (not ended when the job did)",
                        bar.message().trim()
                    ));
                }
            }
            bars.header
                .set_style(style(&format!("{mark} {{prefix}} {{wide_msg}} [{{elapsed}}]")));
            bars.header.finish();
            for (_, bar) in &bars.running {
                bar.abandon();
            }
            drop(bars.multi);
            // The bars stay as they were drawn, and the cursor at the end of the last one.
            eprintln!();
        }
    }
}

impl Bars {
    fn update<S>(&mut self, job: &SyncJob<S>) {
        let mut running = 0usize;
        for (item, text) in job.detailed_status.iter().flat_map(|status| status.iter()) {
            if self.ended.contains(item) {
                continue;
            }
            if ItemState::of(text) == ItemState::Running {
                running += 1;
                if self.running.len() < self.max_spinners && !self.running.iter().any(|(name, _)| name == item) {
                    let bar = self.multi.add(ProgressBar::new_spinner());
                    bar.set_style(spinner_style());
                    // The end of a name tells items apart (`…/keyRings/eu-ring`), so a name
                    // too long for the row loses its start.
                    let width = self.columns.saturating_sub(6 + text.trim().chars().count()).max(8);
                    bar.set_prefix(view::fit_end(item, width));
                    bar.set_message(text.trim().to_owned());
                    self.running.push((item.to_owned(), bar));
                }
                continue;
            }
            if let Some(index) = self.running.iter().position(|(name, _)| name == item) {
                let (_, bar) = self.running.remove(index);
                bar.finish_and_clear();
                self.multi.remove(&bar);
            }
            // A hidden draw target (a terminal that went away) prints nothing: nothing to do.
            let _ = self.multi.println(ended_line(item, text));
            self.ended.insert(item.to_owned());
        }
        let counts = view::counts(job);
        let hidden = running.saturating_sub(self.running.len());
        let more = if hidden > 0 {
            format!(" ({hidden} more running)")
        } else {
            String::new()
        };
        self.header.set_prefix(format!("job {}", job.id));
        self.header.set_message(format!(
            "{}, {} of {} items done{more}",
            view::status_text(job),
            counts.done + counts.failed,
            counts.total
        ));
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
