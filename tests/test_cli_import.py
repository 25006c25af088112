"""`kg import` converts the real exports; its output is what the bundled data holds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
RESEARCH = ROOT.parent / "shared" / "research" / "data"
KG = [sys.executable, "-m", "kg.cli"]


def kg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KG, *args], cwd=ROOT, capture_output=True, text=True)


def test_import_upr_reproduces_the_bundled_upr_file(tmp_path: Path) -> None:
    export = RESEARCH / "upr-info_recommendations_KZ_KG_TJ_sessions7-20.csv"
    assert export.is_file(), f"missing {export}"
    out = tmp_path / "upr.ttl"
    result = kg("import", "upr", str(export), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "652 read, 652 selected, 652 imported, 0 rejected" in result.stderr
    bundled = ROOT / "data" / "turtle" / "upr" / "upr-info.ttl"
    assert out.read_text(encoding="utf-8") == bundled.read_text(encoding="utf-8")


def test_import_upr_lists_rejected_rows_and_goes_on() -> None:
    fixture = ROOT / "tests" / "data" / "importers" / "upr-mixed-bad-rows.csv"
    result = kg("import", "upr", str(fixture), "-o", "-")
    assert result.returncode == 0, result.stderr
    assert "rejected: row 3: Session is 'seven'" in result.stderr
    assert "9 read, 9 selected, 2 imported, 7 rejected" in result.stderr
    assert result.stdout.count("a tp:Recommendation") == 2


def test_import_osce_lists_rejected_rows_and_goes_on() -> None:
    fixture = ROOT / "tests" / "data" / "importers" / "osce-bad-rows.csv"
    result = kg("import", "osce", str(fixture), "-o", "-")
    assert result.returncode == 0, result.stderr
    assert "rejected: row 3: 'KG' is not an ISO 3166-1 alpha-3 code" in result.stderr
    assert "rejected: row 5: KAZ is listed already, in row 2" in result.stderr
    assert "osce: 3 States, 2 rows rejected" in result.stderr
    assert result.stdout.count("tp:includesState") == 1 and "st:MNG" in result.stdout


def test_import_upr_report_refuses_an_unprinted_symbol(tmp_path: Path) -> None:
    report = RESEARCH / "un-reports" / "A-HRC-15-2_Kyrgyzstan_2010.txt"
    assert report.is_file(), f"missing {report}"
    out = tmp_path / "kgz.ttl"
    result = kg("import", "upr-report", str(report), "--symbol", "A/HRC/15/2", "-o", str(out))
    assert result.returncode == 2 and not out.exists()
    assert result.stderr.startswith("kg: error:") and len(result.stderr.splitlines()) == 1


def test_import_upr_links_reports_its_counts(tmp_path: Path) -> None:
    data = ROOT / "data" / "turtle"
    reports = sorted(str(p) for p in (data / "un").glob("*.ttl"))
    assert len(reports) == 4
    out = tmp_path / "links.ttl"
    result = kg("import", "upr-links", str(data / "upr" / "upr-info.ttl"), *reports, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "recommendations: 652, linked 652 (100.0%), unlinked 0" in result.stderr
    bundled = data / "upr" / "upr-report-links.ttl"
    assert out.read_text(encoding="utf-8") == bundled.read_text(encoding="utf-8")


def test_imported_contradictory_ratification_row_fails_validation(
    tmp_path: Path, store_dir: Path
) -> None:
    table = RESEARCH / "wpdl_hr_status_iccpr_op1.csv"
    assert table.is_file(), f"missing {table}"
    out = tmp_path / "kaz.ttl"
    args = ("import", "ratifications", str(table), "--treaty", "ICCPR-OP1", "--state", "KAZ")
    result = kg("--store", str(store_dir), *args, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "1 rows read" not in result.stderr and "0 imported, 1 rejected" in result.stderr
    assert "rejected row 88 (KAZ): The status record contradicts itself" in result.stderr
    assert "KAZ-ICCPR-OP1-wpdl" not in out.read_text(encoding="utf-8")


def test_import_of_a_missing_file_is_a_one_line_error() -> None:
    result = kg("import", "ratifications", "no-such-table.csv", "--treaty", "CAT")
    assert result.returncode == 2
    assert result.stderr.startswith("kg: error:") and len(result.stderr.splitlines()) == 1
