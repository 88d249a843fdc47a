//! The typesetter's world: one main file (the template), the pack's data and charts as
//! in-memory files, the fonts typst ships, and a fixed day (a pack is the same bytes for the
//! same inputs).

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The fonts, read once.
static FONTS: LazyLock<(LazyHash<FontBook>, Vec<Font>)> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    let book = FontBook::from_fonts(&fonts);
    (LazyHash::new(book), fonts)
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// A file's id from its path in the project (`/main.typ`, `/charts/gantt.svg`).
pub fn id(path: &str) -> Option<FileId> {
    let vpath = VirtualPath::new(path).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// The world of one pack.
pub struct Pack {
    main: Source,
    files: Vec<(FileId, String, Bytes)>,
    today: Option<Datetime>,
}

impl Pack {
    /// A world whose main file is `template`, with `files` (path, bytes) beside it, on `today`;
    /// `None` if a path is not a path (the pack's own paths all are).
    pub fn new(
        template: &str,
        files: Vec<(String, Vec<u8>)>,
        today: (i32, u8, u8),
    ) -> Option<Pack> {
        let main_id = id("/main.typ")?;
        Some(Pack {
            main: Source::new(main_id, template.to_string()),
            files: files
                .into_iter()
                .filter_map(|(p, b)| Some((id(&p)?, p, Bytes::new(b))))
                .collect(),
            today: Datetime::from_ymd(today.0, today.1, today.2),
        })
    }
}

impl World for Pack {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.0
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            let bytes = self.file(id)?;
            let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
            Ok(Source::new(id, text.to_string()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        self.files
            .iter()
            .find(|(f, _, _)| *f == id)
            .map(|(_, _, b)| b.clone())
            .ok_or_else(|| FileError::NotFound(std::path::PathBuf::from("(not in the pack)")))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.1.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}
