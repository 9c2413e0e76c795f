"""mkdocs hook: the catalogue pages and the changelog are generated from the shipped releases."""

from __future__ import annotations

from pathlib import Path


def on_pre_build(config, **kwargs) -> None:
    from csc_outcomes.catalogue.pages import pages
    from csc_outcomes.releases import available_versions, load_release

    docs = Path(config["docs_dir"])
    versions = available_versions()
    newest = load_release(versions[-1])
    from csc_outcomes.compare.pages import published_figures

    figures = published_figures(newest)
    for name, text in pages(newest.catalogue).items():
        ident = Path(name).stem
        if name.startswith("indicators/") and ident in figures:
            text = text.rstrip("\n") + "\n\n" + figures[ident]
        target = docs / "catalogue" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    entries = [(load_release(v).folder / "CHANGELOG.md").read_text(encoding="utf-8") for v in reversed(versions)]
    (docs / "changelog.md").write_text("# Changelog\n\n" + "\n".join(entries), encoding="utf-8")
