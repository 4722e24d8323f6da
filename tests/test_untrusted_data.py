"""A data package received from elsewhere is untrusted: what `check` refuses before it reads.

Names and paths that could write or read outside a folder, special files (symbolic links,
FIFOs, sockets), remote profiles and paths (no network request), digits that are not ASCII,
control characters, UTF-16 files, huge fields and files: each is one sentence naming the path,
line and column, from ``validate``, the loader and ``guilin-report check``.
"""
from __future__ import annotations

import json
import os
import re
import socket
import stat

import pytest

import guilin_analysis as ga
import guilin_analysis.data as data
from guilin_analysis.data import MAX_FILE_BYTES, package_files, safe_file_name
from guilin_analysis.paths import DATA_DIR

from conftest import INDICATORS_CSV, rewrite

TOWNSHIPS_CSV = "reference/guilin-township-divisions-2022.csv"
DESCRIPTOR = "datapackage.json"


def _edit_descriptor(data_copy, change):
    path = data_copy / DESCRIPTOR
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=1), encoding="utf-8")


def _index(descriptor, name):
    return next(i for i, r in enumerate(descriptor["resources"]) if r["name"] == name)


def _line(data_copy, needle, csv_path=INDICATORS_CSV):
    text = (data_copy / csv_path).read_text(encoding="utf-8")
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _check(data_copy, capsys) -> tuple[int, str]:
    from guilin_report.cli import main

    code = main(["check", "--data-dir", str(data_copy)])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out


def _refused(data_copy, capsys, file_end: str, words: str, line=None, column=None):
    """validate(), the loader and check refuse with one sentence about ``file_end``."""
    problems = ga.validate(data_copy)
    hits = [p for p in problems if p.file.endswith(file_end) and re.search(words, p.message)
            and (line is None or p.line == line) and (column is None or p.column == column)]
    assert hits, problems
    assert all("\n" not in str(p) for p in problems)
    with pytest.raises(ga.DataValidationError):
        ga.load_indicators(data_copy)
    code, out = _check(data_copy, capsys)
    assert code == 1 and str(hits[0]) in out
    return hits[0]


@pytest.fixture
def no_network(monkeypatch):
    """Any DNS lookup or connection fails the test: validation must make no network request."""
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise AssertionError(f"network request during validation: {args!r}")
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return calls


@pytest.fixture
def no_frictionless(monkeypatch):
    """Frictionless must not run: the refusal comes first."""
    def refuse(root):
        raise AssertionError("Frictionless ran on a package the fast checks should have refused")
    monkeypatch.setattr(data, "_frictionless_problems", refuse)


# ---------------------------------------------------------------- names and paths (item 2)

@pytest.mark.parametrize("name", ["report-indicators", "a.b_c-1", "x"])
def test_safe_file_names(name):
    assert safe_file_name(name)


@pytest.mark.parametrize("name", ["aaa/../../../../tmp/x", "../x", "a..b", ".hidden", "Report", "a b", "a/b",
                                  "a\\b", "", "ｘ", "café", "-x", None, 3])
def test_unsafe_file_names(name):
    assert not safe_file_name(name)


def test_a_resource_name_that_climbs_out_is_refused(data_copy, capsys, no_frictionless):
    bad = "aaa" + "/.." * 4 + "/tmp/x"
    _edit_descriptor(data_copy, lambda d: d["resources"][_index(d, "counties")].update(name=bad))
    problem = _refused(data_copy, capsys, DESCRIPTOR, re.escape(f"name: the resource name {bad!r} must be a plain, "
                                                                "safe file name"))
    assert problem.line is None


@pytest.mark.parametrize("path,words", [
    ("../outside.csv", r"must be relative and inside the package folder \(no '\.\.'\)"),
    ("reference/../../outside.csv", r"no '\.\.'"),
    ("/etc/passwd", r"must be a relative path with forward slashes"),
    ("reference\\counties.csv", r"must be a relative path with forward slashes"),
    ("http://example.com/counties.csv", r"is a remote path \(URL\); a data package is checked offline"),
    ("https://example.com/counties.csv", r"is a remote path \(URL\)"),
    ("file:///etc/passwd", r"is a remote path \(URL\)"),
    ("reference/Counties 2022.csv", r"'Counties 2022\.csv' is not one"),
])
def test_a_resource_path_outside_the_package_is_refused(data_copy, capsys, no_frictionless, no_network, path, words):
    _edit_descriptor(data_copy, lambda d: d["resources"][_index(d, "counties")].update(path=path))
    _refused(data_copy, capsys, DESCRIPTOR, r"resources\[\d\]\.path: .*" + words)
    assert not no_network


def test_an_unsafe_package_name_is_refused(data_copy, capsys):
    _edit_descriptor(data_copy, lambda d: d.update(name="../../x"))
    _refused(data_copy, capsys, DESCRIPTOR, r"^name: the package name '\.\./\.\./x' must be a plain, safe file name")


# ---------------------------------------------------------------- special files (item 3)

def test_a_symlinked_readme_is_refused(data_copy, tmp_path, capsys):
    private = tmp_path / "private.txt"
    private.write_text("secret", encoding="utf-8")
    (data_copy / "notes").mkdir()
    (data_copy / "notes" / "README.md").symlink_to(private)
    problem = _refused(data_copy, capsys, "notes/README.md", r"^the path is a symbolic link; a data package holds only "
                                                              "regular files and folders")
    assert problem.line is None and problem.column is None
    with pytest.raises(ga.DataValidationError, match="notes/README.md: the path is a symbolic link"):
        package_files(data_copy)


def test_a_symlinked_table_is_refused(data_copy, capsys):
    target = data_copy / "reference" / "guilin-counties-2022.csv"
    moved = data_copy.parent / "counties.csv"
    target.rename(moved)
    target.symlink_to(moved)
    _refused(data_copy, capsys, "guilin-counties-2022.csv", r"^the path is a symbolic link")


def test_a_symlinked_folder_is_refused_without_following_it(data_copy, tmp_path, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "README.md").write_text("x", encoding="utf-8")
    (data_copy / "more").symlink_to(outside, target_is_directory=True)
    _refused(data_copy, capsys, "data/more", r"^the path is a symbolic link")


def test_a_fifo_is_refused_without_being_opened(data_copy, capsys, monkeypatch):
    fifo = data_copy / "source" / "README.md"
    fifo.unlink()
    os.mkfifo(fifo)
    real_open = os.open

    def guarded(path, *args, **kwargs):              # opening a FIFO with no writer would block forever
        assert os.fspath(path) != os.fspath(fifo), "the FIFO was opened"
        return real_open(path, *args, **kwargs)
    monkeypatch.setattr(os, "open", guarded)
    import builtins
    real_builtin_open = builtins.open
    monkeypatch.setattr(builtins, "open", lambda path, *a, **k: (
        guarded(path) if os.fspath(path) == os.fspath(fifo) else real_builtin_open(path, *a, **k)))
    _refused(data_copy, capsys, "source/README.md", r"^the path is a FIFO \(named pipe\)")
    with pytest.raises(ga.DataValidationError, match="a FIFO"):
        package_files(data_copy)


def test_a_socket_is_refused(data_copy, capsys):
    path = data_copy / "s.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
    except OSError as err:                            # a path too long for AF_UNIX on some systems
        pytest.skip(f"cannot bind a unix socket here: {err}")
    try:
        assert stat.S_ISSOCK(path.lstat().st_mode)
        _refused(data_copy, capsys, "s.sock", r"^the path is a socket")
    finally:
        server.close()


def test_a_device_is_refused(data_copy, capsys):
    path = data_copy / "null"
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except (PermissionError, OSError) as err:
        pytest.skip(f"cannot create a device node here: {err}")
    _refused(data_copy, capsys, "data/null", r"^the path is a character device")


def test_a_folder_that_cannot_be_listed_is_named(data_copy, capsys, monkeypatch):
    real = os.scandir
    locked = data_copy / "reference"

    def scandir(path):
        if os.fspath(path) == os.fspath(locked):
            raise PermissionError(13, "Permission denied")
        return real(path)
    monkeypatch.setattr(os, "scandir", scandir)
    _refused(data_copy, capsys, "data/reference", r"^the folder cannot be listed \(Permission denied\)")


def test_a_resource_path_that_is_a_folder_is_refused(data_copy, capsys):
    (data_copy / "reference" / "guilin-counties-2022.csv").unlink()
    (data_copy / "reference" / "guilin-counties-2022.csv").mkdir()
    problems = ga.validate(data_copy)
    assert any(p.file.endswith("guilin-counties-2022.csv") and p.message == "the path is not a regular file"
               for p in problems), problems
    with pytest.raises(ga.DataValidationError, match="the path is not a regular file"):
        package_files(data_copy)


# ---------------------------------------------------------------- no network (item 4)

def test_validating_the_package_makes_no_network_request(data_copy, no_network):
    assert ga.validate(data_copy, frictionless=True) == []
    assert no_network == []


@pytest.mark.parametrize("where,change", [
    ("profile", lambda d: d.update(profile="https://example.com/profile.json")),
    (r"\$schema", lambda d: d.update({"$schema": "https://example.com/datapackage.json"})),
    (r"resources\[\d\]\.profile", lambda d: d["resources"][_index(d, "counties")].update(profile="http://example.com/r.json")),
    (r"resources\[\d\]\.\$schema", lambda d: d["resources"][_index(d, "counties")].update({"$schema": "http://example.com/r.json"})),
])
def test_a_remote_profile_is_refused_before_frictionless_runs(data_copy, capsys, no_network, no_frictionless, where, change):
    _edit_descriptor(data_copy, change)
    _refused(data_copy, capsys, DESCRIPTOR, rf"^{where}: the profile '.*' is (not one of the profiles known by "
                                            r"name .*|refused); a remote profile would be fetched, and validation "
                                            r"makes no network request")
    assert ga.validate(data_copy, frictionless=True)        # and still no request
    assert no_network == []


def test_the_named_profiles_pass(data_copy):
    _edit_descriptor(data_copy, lambda d: d.update(profile="tabular-data-package"))
    assert ga.validate(data_copy) == []


# ---------------------------------------------------------------- ASCII digits (item 9)

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def test_a_township_code_in_full_width_digits_is_refused(data_copy, capsys):
    line = _line(data_copy, "450302002,", TOWNSHIPS_CSV)
    code = "450302001".translate(FULL_WIDTH)                # a duplicate of line 2 in other digits
    rewrite(data_copy / TOWNSHIPS_CSV, lambda t: t.replace("450302002,丽君街道", f"{code},丽君街道", 1))
    problems = ga.validate(data_copy)
    assert [(p.line, p.column) for p in problems] == [(line, "code")], problems
    assert f"'{code}' does not match the declared pattern ^[0-9]{{9}}$" in problems[0].message


def test_a_pattern_with_backslash_d_reads_ascii_digits_only(data_copy):
    """Even a descriptor that still says \\d refuses full-width digits (the pattern is compiled ASCII)."""
    def change(d):
        field = d["resources"][_index(d, "township-divisions")]["schema"]["fields"][0]
        field["constraints"]["pattern"] = "^\\d{9}$"
    _edit_descriptor(data_copy, change)
    assert ga.validate(data_copy) == []
    rewrite(data_copy / TOWNSHIPS_CSV, lambda t: t.replace("450302002,", "４５０３０２００２,", 1))
    problems = ga.validate(data_copy)
    assert len(problems) == 1 and "does not match the declared pattern" in problems[0].message


@pytest.mark.parametrize("kind,cell", [("integer", "１２"), ("year", "２０２２"), ("number", "３.５"), ("date", "２０２２-10-31")])
def test_numbers_years_and_dates_are_ascii(data_copy, kind, cell):
    def change(d):
        d["resources"][_index(d, "counties")]["schema"]["fields"].append({"name": "extra", "type": kind})
    _edit_descriptor(data_copy, change)
    path = data_copy / "reference" / "guilin-counties-2022.csv"
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    good = {"integer": "12", "year": "2022", "number": "3.5", "date": "2022-10-31"}[kind]
    path.write_text("\n".join([lines[0] + ",extra"] + [l + "," + (cell if i == 3 else good)
                                                      for i, l in enumerate(lines[1:], 2)]) + "\n", encoding="utf-8")
    problems = ga.validate(data_copy)
    assert [(p.line, p.column) for p in problems] == [(3, "extra")], problems
    assert f"{cell!r} is not a" in problems[0].message


def test_a_value_in_full_width_digits_is_refused(data_copy, capsys):
    line = _line(data_copy, "volunteering.teams,")
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace(",6572,支,", ",６５７２,支,", 1))
    _refused(data_copy, capsys, "report-indicators.csv", r"'６５７２' is not a number", line, "value")


def test_full_width_digits_in_a_quote_are_not_a_number():
    assert not ga.data.value_in_quote("6572", "统筹全市６５７２支志愿服务队伍")
    assert ga.data.numbers_in("６５７２支") == []


# ---------------------------------------------------------------- control characters

@pytest.mark.parametrize("char,name", [("\x00", "NUL"), ("\x0c", "form feed"), ("\x1b", "escape"),
                                       ("\u202e", "U+202E"), ("\x85", "U+0085")])
def test_a_control_character_in_a_note_is_refused(data_copy, capsys, char, name):
    line = _line(data_copy, "eldercare.workforce.caregivers_trained,")
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace("Person-times: one worker", f"Person-times:{char} one worker", 1))
    _refused(data_copy, capsys, "report-indicators.csv", rf"the value holds a control character \({re.escape(name)}\)",
             line, "note")


def test_a_control_character_on_a_later_line_of_a_multiline_note(data_copy):
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace("Person-times: one worker", "Person-times:\none\x0c worker", 1))
    line = _line(data_copy, "eldercare.workforce.caregivers_trained,") + 1
    problems = ga.validate(data_copy)
    assert [(p.line, p.column) for p in problems] == [(line, "note")], problems


def test_tabs_and_line_breaks_only_in_free_text(data_copy, capsys):
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace("Person-times: one worker", "Person-times:\tone\nworker", 1))
    assert ga.validate(data_copy) == []                     # a note is free text
    line = _line(data_copy, "volunteering.teams,")
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace(",6572,支,", ',"6572\t",支,', 1))
    _refused(data_copy, capsys, "report-indicators.csv",
             r"control character \(tab\).*only free text may hold tabs and line breaks", line, "value")


def test_a_control_character_in_the_report_text(data_copy, capsys):
    path = data_copy / "source" / "guilin-civil-affairs-report.zh.txt"
    text = path.read_text(encoding="utf-8")
    index = text.index("本报记者")
    path.write_text(text[:index] + "\x00" + text[index:], encoding="utf-8")
    line = text.count("\n", 0, index) + 1
    column = index - text.rfind("\n", 0, index)
    problem = _refused(data_copy, capsys, "guilin-civil-affairs-report.zh.txt", r"control character \(NUL\)",
                       line, str(column))
    with pytest.raises(ga.DataValidationError, match=re.escape(str(problem))):
        ga.load_report_text(data_copy)


def test_a_control_character_in_the_descriptor(data_copy, capsys):
    _edit_descriptor(data_copy, lambda d: d["resources"][_index(d, "counties")].update(title="Counties\u0000"))
    _refused(data_copy, capsys, DESCRIPTOR, r"^resources\[\d\]\.title: the text holds a control character \(NUL\)")


# ---------------------------------------------------------------- encodings, sizes

@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_csv_is_named(data_copy, capsys, encoding):
    path = data_copy / INDICATORS_CSV
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    problem = _refused(data_copy, capsys, "report-indicators.csv", r"^the file is UTF-16 .*iconv -f UTF-16 -t UTF-8", 1)
    assert "\x00" not in str(problem) and "\\x00" not in str(problem)


def test_a_utf16_descriptor_is_named(data_copy, capsys):
    path = data_copy / DESCRIPTOR
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    _refused(data_copy, capsys, DESCRIPTOR, r"^the descriptor is UTF-16", 1)


@pytest.mark.parametrize("process_limit", [None, 2 ** 31 - 1])
def test_a_huge_field_names_its_line_and_column(data_copy, capsys, process_limit):
    """Whatever the csv module's process-wide limit (Frictionless raises it), the same sentence."""
    import csv

    if process_limit:
        previous = csv.field_size_limit(process_limit)
    line = _line(data_copy, "eldercare.workforce.caregivers_trained,")
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace("Person-times: one worker", "x" * 5_000_000, 1))
    problem = _refused(data_copy, capsys, "report-indicators.csv",
                       r"^the field is longer than 131,072 characters, the most a CSV field may hold", line, "note")
    assert "field larger than field limit" not in str(problem)
    if process_limit:
        csv.field_size_limit(previous)


def test_an_unclosed_quote_is_named_where_its_record_starts(data_copy, capsys):
    """An opening quote with no closing one swallows the rest of the file into one field."""
    path = data_copy / INDICATORS_CSV
    text = path.read_text(encoding="utf-8")
    line = text.count("\n") + 1
    row = 'general.x,general,名,name,1,次,,,unstated,exact,先后10次,"unclosed ' + "y\n" * 70_000
    path.write_text(text + row, encoding="utf-8")
    _refused(data_copy, capsys, "report-indicators.csv", r"field is longer than .*a closing double quote may be missing",
             line, "note")


def test_a_file_too_large_is_not_read(data_copy, capsys, monkeypatch):
    path = data_copy / INDICATORS_CSV
    with open(path, "r+b") as f:                          # sparse: no real disk space is used
        f.truncate(MAX_FILE_BYTES + 1)
    real = type(path).read_bytes
    monkeypatch.setattr(type(path), "read_bytes", lambda self: pytest.fail(f"read {self}") if self == path else real(self))
    _refused(data_copy, capsys, "report-indicators.csv", r"^the file is 64 MB, above the 64 MB .* so it is not read")


# ---------------------------------------------------------------- the files a build may hash and ship

def test_package_files_are_the_declared_and_shipped_ones():
    files = package_files()
    names = [p.relative_to(DATA_DIR).as_posix() for p in files]
    descriptor = json.loads((DATA_DIR / DESCRIPTOR).read_text(encoding="utf-8"))
    assert set(names) == {DESCRIPTOR, "README.md", "source/README.md", *(r["path"] for r in descriptor["resources"])}
    assert names == sorted(names) and len(names) == len(set(names))
    assert all(stat.S_ISREG(p.lstat().st_mode) and p.is_absolute() for p in files)


def test_package_files_leave_stray_files_out(data_copy):
    (data_copy / "reference" / "stray.bin").write_bytes(b"\0" * 1000)
    (data_copy / "notes").mkdir()
    (data_copy / "notes" / "README.md").write_text("notes", encoding="utf-8")
    names = [p.relative_to(data_copy).as_posix() for p in package_files(data_copy)]
    assert "reference/stray.bin" not in names and "notes/README.md" in names


def test_package_files_refuse_a_missing_declared_file(data_copy):
    (data_copy / "source" / "text-gaps.csv").unlink()
    with pytest.raises(ga.DataValidationError, match=r"text-gaps\.csv: the file is missing"):
        package_files(data_copy)


def test_nul_bytes_that_are_not_utf16_are_control_characters(data_copy, capsys):
    """A file with stray NUL bytes (not every other byte) is not called UTF-16: the NUL is located."""
    line = _line(data_copy, "eldercare.workforce.caregivers_trained,")
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace("Person-times: one worker", "Person-times:\0\0\0 one worker", 1))
    _refused(data_copy, capsys, "report-indicators.csv", r"control character \(NUL\)", line, "note")
