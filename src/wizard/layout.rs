//! Where the panes are, as plain numbers from the terminal size: shared by the
//! drawing and by the update (which scrolls long content so the cursor stays visible)
//! and the mouse mapping, so all three agree.
//!
//! ```text
//! row 0        title bar
//! rows 1..H-2  steps | main (| help, when wide)      help below main when narrow
//! row H-2      message line
//! row H-1      key hints
//! ```
use super::questions::StepKind;

/// A rectangle in cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Area {
    pub x: u16,
    pub y: u16,
    pub width: u16,
    pub height: u16,
}

impl Area {
    pub fn contains(&self, x: u16, y: u16) -> bool {
        x >= self.x && x < self.x + self.width && y >= self.y && y < self.y + self.height
    }
    /// The inside of a one-cell border.
    pub fn inner(&self) -> Area {
        Area {
            x: self.x + 1,
            y: self.y + 1,
            width: self.width.saturating_sub(2),
            height: self.height.saturating_sub(2),
        }
    }
}

/// The panes of one screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Panes {
    pub title: Area,
    pub steps: Area,
    pub main: Area,
    /// The help pane, when there is room for one (else `?` shows the help).
    pub help: Option<Area>,
    pub message: Area,
    pub hints: Area,
}

/// Wide enough for the help pane to sit right of the main pane.
pub const WIDE: u16 = 118;
/// The height of the help pane below the main pane (with its border).
pub const HELP_BELOW: u16 = 8;

/// The panes for a terminal of `size` (columns, rows) showing `step`.
pub fn panes(size: (u16, u16), step: &StepKind) -> Panes {
    let (w, h) = (size.0.max(20), size.1.max(8));
    let body_h = h - 3;
    let steps_w = if w >= WIDE {
        28
    } else if w >= 80 {
        26
    } else {
        (w / 3).max(16)
    };
    let has_help = !matches!(step, StepKind::Review | StepKind::Write | StepKind::Done);
    let rest_w = w - steps_w;
    let (main, help) = if has_help && w >= WIDE {
        let help_w = ((w - steps_w) * 2 / 5).clamp(36, 64);
        (
            Area {
                x: steps_w,
                y: 1,
                width: rest_w - help_w,
                height: body_h,
            },
            Some(Area {
                x: w - help_w,
                y: 1,
                width: help_w,
                height: body_h,
            }),
        )
    } else if has_help && body_h >= HELP_BELOW + 6 {
        (
            Area {
                x: steps_w,
                y: 1,
                width: rest_w,
                height: body_h - HELP_BELOW,
            },
            Some(Area {
                x: steps_w,
                y: 1 + body_h - HELP_BELOW,
                width: rest_w,
                height: HELP_BELOW,
            }),
        )
    } else {
        (
            Area {
                x: steps_w,
                y: 1,
                width: rest_w,
                height: body_h,
            },
            None,
        )
    };
    Panes {
        title: Area {
            x: 0,
            y: 0,
            width: w,
            height: 1,
        },
        steps: Area {
            x: 0,
            y: 1,
            width: steps_w,
            height: body_h,
        },
        main,
        help,
        message: Area {
            x: 0,
            y: h - 2,
            width: w,
            height: 1,
        },
        hints: Area {
            x: 0,
            y: h - 1,
            width: w,
            height: 1,
        },
    }
}

/// The first entry to show so that `focus` is visible, when entry `i` takes
/// `heights[i]` rows of a list `height` rows high: 0 while the focus fits from the top,
/// else the latest start that still shows it with everything before it scrolled away.
pub fn list_start(heights: &[usize], focus: usize, height: usize) -> usize {
    let focus = focus.min(heights.len().saturating_sub(1));
    let mut start = 0;
    let mut used: usize = heights.iter().take(focus + 1).sum();
    while used > height && start < focus {
        used -= heights[start];
        start += 1;
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panes_tile_the_screen() {
        let p = panes((80, 24), &StepKind::Host);
        assert_eq!(p.steps.width + p.main.width, 80);
        assert_eq!(p.main.height + p.help.unwrap().height, 21);
        let p = panes((120, 40), &StepKind::Host);
        assert_eq!(p.steps.width + p.main.width + p.help.unwrap().width, 120);
        let p = panes((120, 40), &StepKind::Review);
        assert!(p.help.is_none());
    }

    #[test]
    fn lists_scroll_to_keep_the_focus_visible() {
        assert_eq!(list_start(&[1, 1, 1, 1], 2, 3), 0);
        assert_eq!(list_start(&[1, 1, 1, 1], 3, 3), 1);
        assert_eq!(list_start(&[2, 2, 2], 2, 3), 2);
    }
}
