//! Runs of the `placematch` binary in a test.

use std::process::Output;

/// Asserts that a run succeeded, showing its error output otherwise.
#[track_caller]
pub fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
