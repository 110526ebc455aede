//! `cckm-sync completions SHELL`: clap's completion script of the program, for each shell.

use clap_complete::Shell;

/// The completion script of `shell` for `command`, installed as `bin`.
pub(crate) fn script(shell: Shell, command: &mut clap::Command, bin: &str) -> Vec<u8> {
    let mut script = Vec::new();
    clap_complete::generate(shell, command, bin, &mut script);
    if shell == Shell::Bash {
        script = fix_bash_state_names(&script, bin);
    }
    script
}

/// clap_complete's bash script of a program whose name holds a hyphen completes nothing past
/// the first word (clap-rs/clap#6421, open in clap_complete 4.6): its loop names the state of
/// `cckm-sync jobs list` `cckm__sync__subcmd__jobs__subcmd__list`, and its `case` arms
/// `cckm__subcmd__sync__subcmd__jobs__subcmd__list`, so that no arm matches and bash offers
/// file names for an endpoint. The arms are spelled as the loop spells them; a script
/// without the fault is left as it is.
fn fix_bash_state_names(script: &[u8], bin: &str) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(script) else {
        return script.to_vec();
    };
    let looped = bin.replace('-', "__");
    let armed = bin.replace('-', "__subcmd__");
    if looped == armed || text.contains(&format!("\n        {looped}__subcmd__")) {
        return script.to_vec();
    }
    text.replace(
        &format!("\n        {armed}__subcmd__"),
        &format!("\n        {looped}__subcmd__"),
    )
    .into_bytes()
}
