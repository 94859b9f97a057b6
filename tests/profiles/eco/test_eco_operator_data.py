"""Operator data files (docs/eco-data.md): named by settings, validated at load, honest about samples."""

from __future__ import annotations

from pathlib import Path

import pytest

from talkline.profiles.eco.bulk import bulk_waste_info, load_fee_table
from talkline.profiles.eco.centers import load_centers, recycling_centers
from talkline.profiles.eco.operator import EcoDataError, source_for
from talkline.profiles.eco.places import load_gazetteer
from talkline.profiles.eco.prices import load_prices, recyclable_price
from talkline.profiles.eco.replies import bulk, centers, price

FEE_HEADER = "시도명,시군구명,대형폐기물명,대형폐기물구분명,대형폐기물규격,유무료여부,수수료,관리기관명,데이터기준일자,제공기관명\n"
CENTER_HEADER = "시설명,시설구분,시도명,시군구명,소재지도로명주소,위도,경도,데이터기준일자\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def test_the_settings_variable_names_the_operators_fee_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fees = write(tmp_path / "fees.csv", FEE_HEADER +
                 "서울특별시,마포구,소파,가구,1인용,유료,\"6,000\",마포구청,2026-10-01,마포구\n"
                 "서울특별시,마포구,소파,가구,3인용 이상,유료,\"16,000\",마포구청,2026-10-01,마포구\n")
    monkeypatch.setenv("TALKLINE_ECO_BULK_FEES_FILE", str(fees))
    table = load_fee_table()
    assert not table.sample and table.source.path == fees and table.as_of == "2026-10-01"
    result = bulk_waste_info(table, load_gazetteer(), "3인용 쇼파", "마포구", "ko")
    assert result["fee_won"] == 16000 and result["sizes"] == [
        {"size": "1인용", "fee_won": 6000, "free": False}, {"size": "3인용 이상", "fee_won": 16000, "free": False}]
    spoken = " ".join(bulk(result, "ko", with_booking=True))
    assert spoken.startswith("마포구 요금표로는 소파 3인용 이상 수수료가 16,000원이에요.") and "예시" not in spoken


def test_the_sample_is_said_to_be_a_sample_in_every_answer() -> None:
    places = load_gazetteer()
    fee = bulk(bulk_waste_info(load_fee_table(), places, "소파", None, "ko"), "ko", with_booking=True)
    fee_en = bulk(bulk_waste_info(load_fee_table(), places, "sofa", None, "en"), "en", with_booking=True)
    place = centers(recycling_centers(load_centers(), places, "마포구", "battery", "ko"), "ko")
    place_en = centers(recycling_centers(load_centers(), places, "Mapo", "battery", "en"), "en")
    cost = price(recyclable_price(load_prices(), places, "캔", "서울", "ko"), "ko")
    cost_en = price(recyclable_price(load_prices(), places, "cans", "Seoul", "en"), "en")
    for answer in (fee, place, cost):
        assert "예시" in " ".join(answer[:2]), answer
    for answer in (fee_en, place_en, cost_en):
        assert "sample" in " ".join(answer[:2]), answer
    assert "실제 장소가 아니에요" in " ".join(place) and "not a real place" in " ".join(place_en)


def test_portal_files_in_cp949_load(tmp_path: Path) -> None:
    centers_file = write(tmp_path / "centers.csv", CENTER_HEADER +
                         "합정동 주민센터,폐건전지수거함|폐형광등수거함,서울특별시,마포구,서울 마포구 독막로 1,37.549,126.913,2026-09-30\n",
                         encoding="cp949")
    directory = load_centers(centers_file)
    assert not directory.sample and directory.centers[0].accepts == ("battery", "lamp")
    result = recycling_centers(directory, load_gazetteer(), "마포구", "battery", "ko")
    spoken = centers(result, "ko")
    assert spoken[0].startswith("마포구 근처 가장 가까운 폐건전지 수거함은 합정동 주민센터")
    assert "예시" not in " ".join(spoken)


@pytest.mark.parametrize(("name", "text", "message"), [
    ("fees.csv", "시도명,시군구명,대형폐기물명\n서울,마포구,소파\n", "missing columns 대형폐기물구분명, 대형폐기물규격"),
    ("fees.csv", FEE_HEADER + "서울특별시,마포구,소파,가구,1인용,유료,오천원,마포구청,2026-10-01,마포구\n",
     "line 2: 수수료 '오천원' is not a number"),
    ("fees.csv", FEE_HEADER, "no data rows"),
    ("centers.csv", CENTER_HEADER + "어딘가,우주선수거함,서울,마포구,주소,37.5,126.9,2026-01-01\n",
     "line 2: 시설구분 '우주선수거함' is not one of"),
    ("centers.csv", CENTER_HEADER + "어딘가,의류수거함,서울,마포구,주소,137.5,126.9,2026-01-01\n",
     "line 2: 위도 137.5 is outside 33.0..39.0"),
    ("prices.csv", "조사년월,권역,품목,단가\n2025-01,화성,신문지,100\n", "line 2: 권역 '화성' is not one of"),
])
def test_bad_operator_files_fail_at_load_naming_file_line_and_column(tmp_path: Path, name: str, text: str,
                                                                    message: str) -> None:
    path = write(tmp_path / name, text)
    load = {"fees.csv": load_fee_table, "centers.csv": load_centers, "prices.csv": load_prices}[name]
    with pytest.raises(EcoDataError, match=message) as failure:
        load(path)
    assert str(path) in str(failure.value)


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EcoDataError, match="cannot read"):
        load_prices(tmp_path / "nowhere.csv")


def test_without_settings_the_bundled_samples_are_used() -> None:
    assert source_for("centers").sample and source_for("centers").name == "centers.sample.csv"
