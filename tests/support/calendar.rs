//! Calendar expressions to try the `calendar` type with: systemd's shapes with values
//! in and out of range, weekday names right and wrong, repetitions, ranges, and a
//! character changed here and there. Deterministic for a seed.

/// xorshift64*: a failure reproduces exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// A number of the field lo..=hi, sometimes out of it, with or without a leading zero.
fn number(r: &mut Rng, lo: u64, hi: u64, width: usize) -> String {
    let n = if r.chance(90) {
        lo + r.below(hi - lo + 1)
    } else {
        r.below(if width == 4 { 2400 } else { 100 })
    };
    if r.chance(50) {
        format!("{n:0width$}")
    } else {
        n.to_string()
    }
}

/// One field: `*`, a repetition, or a list of values and ranges.
fn field(r: &mut Rng, lo: u64, hi: u64, width: usize) -> String {
    match r.below(20) {
        0..=4 => "*".into(),
        5..=8 => format!("{}/{}", number(r, lo, lo, width), r.below(hi - lo + 4)),
        _ => {
            let items: Vec<String> = (0..1 + r.below(3) * u64::from(r.chance(30)))
                .map(|_| {
                    let mut item = number(r, lo, hi, width);
                    if r.chance(10) {
                        item = format!("{item}..{}", number(r, lo, hi, width));
                    }
                    item
                })
                .collect();
            items.join(",")
        }
    }
}

const DAYS: &[&str] = &[
    "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "mon", "Monday", "Foo",
];

const MUTATIONS: &[&str] = &["", "x", " ", "-", ":", "*", "/", "..", ","];

const NAMED: &[&str] = &[
    "minutely",
    "hourly",
    "daily",
    "weekly",
    "monthly",
    "yearly",
    "annually",
    "quarterly",
    "semiannually",
    "Daily",
    "daily ",
    "fortnightly",
];

pub fn candidates(seed: u64, count: usize) -> Vec<String> {
    let mut r = Rng(seed);
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let mut s = if r.chance(10) {
            r.pick(NAMED).to_string()
        } else {
            let mut parts = Vec::new();
            if r.chance(40) {
                let mut w = r.pick(DAYS).to_string();
                if r.chance(30) {
                    w = format!("{w}..{}", r.pick(DAYS));
                }
                if r.chance(20) {
                    w = format!("{w},{}", r.pick(DAYS));
                }
                parts.push(w);
            }
            if r.chance(70) {
                let mut d = format!("{}-{}", field(&mut r, 1, 12, 2), field(&mut r, 1, 31, 2));
                if r.chance(50) {
                    d = format!("{}-{d}", field(&mut r, 1970, 2199, 4));
                }
                parts.push(d);
            }
            if r.chance(70) {
                let mut t = format!("{}:{}", field(&mut r, 0, 23, 2), field(&mut r, 0, 59, 2));
                if r.chance(50) {
                    t = format!("{t}:{}", field(&mut r, 0, 59, 2));
                }
                parts.push(t);
            }
            parts.join(" ")
        };
        if r.chance(10) && !s.is_empty() {
            let chars: Vec<char> = s.chars().collect();
            let at = r.below(chars.len() as u64) as usize;
            let mut changed: String = chars[..at].iter().collect();
            changed.push_str(r.pick(MUTATIONS));
            changed.extend(&chars[at + 1..]);
            s = changed;
        }
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    }
    out
}
