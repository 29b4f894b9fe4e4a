//! A progress bar on standard error while an audit runs; invisible when stderr is not a
//! terminal (indicatif hides itself), so logs and pipes stay clean.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use maturity_checks::facts::Progress;
use std::time::Duration;

pub struct Bar {
    bar: ProgressBar,
    /// A line among others: its template starts with the repository's name.
    named: bool,
}

impl Bar {
    pub fn new(visible: bool) -> Bar {
        let target = if visible { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
        let bar = ProgressBar::with_draw_target(None, target);
        bar.enable_steady_tick(Duration::from_millis(100));
        Bar { bar, named: false }
    }

    /// A line of a multi-repository display, above the overall bar, named after the repository.
    pub fn in_multi(multi: &MultiProgress, overall: &ProgressBar, name: &str) -> Bar {
        let bar = multi.insert_before(overall, ProgressBar::new_spinner());
        bar.set_prefix(maturity_checks::model::clip(&crate::term::safe(name), 40));
        bar.enable_steady_tick(Duration::from_millis(100));
        Bar { bar, named: true }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn stage(&self, name: &str, total: Option<u64>) {
        match total {
            Some(n) => {
                self.bar.set_style(
                    ProgressStyle::with_template(if self.named {
                        "{spinner} {prefix:40} {msg} {wide_bar} {pos}/{len}"
                    } else {
                        "{spinner} {msg} {wide_bar} {pos}/{len}"
                    })
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
                self.bar.set_length(n);
                self.bar.set_position(0);
            }
            None => {
                self.bar.set_style(
                    ProgressStyle::with_template(if self.named {
                        "{spinner} {prefix:40} {msg}…"
                    } else {
                        "{spinner} {msg}…"
                    })
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
            }
        }
        self.bar.set_message(name.to_string());
    }

    fn advance(&self, n: u64) {
        self.bar.inc(n);
    }
}
