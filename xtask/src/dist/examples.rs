//! The READMEs' code blocks that run as tests of the packages.

use std::path::Path;

use super::files::read_text;
use super::layout::{NPM_PACKAGE, PYTHON_PACKAGE};

/// The code blocks of the READMEs that are tests: the ```python and ```ts blocks of the root
/// README's "From other languages" and of each package's README.
pub(super) struct Examples {
    pub(super) python: Vec<(String, String)>,
    pub(super) typescript: Vec<(String, String)>,
}

pub(super) fn readme_examples(root: &Path) -> Result<Examples, String> {
    let mut examples = Examples {
        python: Vec::new(),
        typescript: Vec::new(),
    };
    let sources = [
        (
            "readme",
            section(&read_text(&root.join("README.md"))?, "From other languages")?,
        ),
        (
            "python_readme",
            read_text(&root.join(PYTHON_PACKAGE).join("README.md"))?,
        ),
        ("npm_readme", read_text(&root.join(NPM_PACKAGE).join("README.md"))?),
    ];
    for (name, text) in &sources {
        for (index, (language, code)) in code_blocks(text).into_iter().enumerate() {
            match language.as_str() {
                "python" => examples.python.push((format!("test_{name}_{index}.py"), code)),
                "ts" | "typescript" => examples.typescript.push((format!("{name}_{index}.test.ts"), code)),
                _ => {}
            }
        }
    }
    if examples.python.len() < 2 || examples.typescript.len() < 2 {
        return Err("the README and the packages' READMEs must show a Python and a TypeScript test each".to_owned());
    }
    Ok(examples)
}

/// The part of a Markdown text under the heading that holds `title`, up to the next heading of
/// its level or above.
pub(super) fn section(text: &str, title: &str) -> Result<String, String> {
    let mut lines = text.lines();
    let level = lines
        .by_ref()
        .find_map(|line| {
            let level = line.chars().take_while(|c| *c == '#').count();
            (level > 0 && line.contains(title)).then_some(level)
        })
        .ok_or_else(|| format!("README.md has no heading {title:?}"))?;
    let mut kept = Vec::new();
    let mut fenced = false;
    for line in lines {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        let heading = line.chars().take_while(|c| *c == '#').count();
        if !fenced && heading > 0 && heading <= level && line[heading..].starts_with(' ') {
            break;
        }
        kept.push(line);
    }
    Ok(kept.join("\n"))
}

/// The fenced code blocks of a Markdown text: their language and text.
pub(super) fn code_blocks(text: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, Vec<&str>)> = None;
    for line in text.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) => current = Some((info.trim().to_owned(), Vec::new())),
            (Some(_), Some(rest)) if rest.trim().is_empty() => {
                if let Some((language, lines)) = current.take() {
                    blocks.push((language, lines.join("\n") + "\n"));
                }
            }
            (Some((_, lines)), _) => lines.push(line),
            (None, None) => {}
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::{code_blocks, section};

    #[test]
    fn readme_sections_end_at_the_next_heading_of_their_level() {
        let text =
            "# A\n## B\nb\n### From other languages\n```sh\n# a comment\n```\nkept\n#### deeper\nkept too\n## C\nc\n";
        assert_eq!(
            section(text, "From other languages").as_deref(),
            Ok("```sh\n# a comment\n```\nkept\n#### deeper\nkept too")
        );
        assert!(section(text, "Nowhere").is_err());
    }

    #[test]
    fn code_blocks_keep_their_language() {
        let text = "a\n```python\nimport x\n```\n```ts\nlet a = 1;\n\nlet b = 2;\n```\n";
        assert_eq!(
            code_blocks(text),
            vec![
                ("python".to_owned(), "import x\n".to_owned()),
                ("ts".to_owned(), "let a = 1;\n\nlet b = 2;\n".to_owned())
            ]
        );
    }
}
