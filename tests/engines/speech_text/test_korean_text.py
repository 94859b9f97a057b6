"""Korean text as it is read aloud: a table of written forms and what a Korean speaker says for them."""

from __future__ import annotations

import pytest

from talkline.engines.speech_text.korean import normalize_korean

CASES: list[tuple[str, str]] = [
    # phone numbers: digit by digit, 0 as 공, a pause between groups
    ("전화 1599-0903이나", "전화 일오구구, 공구공삼이나"),
    ("010-1234-5678로 연락 주세요", "공일공, 일이삼사, 오육칠팔로 연락 주세요"),
    ("(02) 123-4567", "공이, 일이삼, 사오육칠"),
    ("+82 10-1234-5678", "플러스 팔이, 일공, 일이삼사, 오육칠팔"),
    ("119에 신고하세요", "일일구에 신고하세요"),
    ("119개가 있어요", "백십구 개가 있어요"),  # a count, not a number to call
    # prices: Sino-Korean, 만 without 일
    ("수수료는 15,000원이에요", "수수료는 만 오천 원이에요"),
    ("5,000원", "오천 원"), ("100원", "백 원"), ("1,000원", "천 원"), ("10000원", "만 원"),
    ("1만 5천원", "만 오천 원"), ("3만 원", "삼만 원"), ("2천만 원", "이천만 원"),
    ("₩15,000", "만 오천 원"), ("$12.50", "십이 달러 오십 센트"), ("kg당 약 450원", "킬로그램당 약 사백오십 원"),
    ("약 450원/kg", "약 킬로그램당 사백오십 원"),
    # counts: native numbers before native counters
    ("3개", "세 개"), ("1개", "한 개"), ("2명", "두 명"), ("4살", "네 살"), ("20살", "스무 살"),
    ("21명", "스물한 명"), ("99개", "아흔아홉 개"), ("120개", "백이십 개"), ("2시간", "두 시간"),
    ("3번째", "세 번째"), ("1번째", "첫 번째"), ("3번 헹궈요", "세 번 헹궈요"), ("계란 2판", "계란 두 판"),
    ("차 2대", "차 두 대"), ("20대", "이십 대"),
    # numbers that name: Sino-Korean
    ("1번 출구", "일 번 출구"), ("2번을 누르세요", "이 번을 누르세요"), ("2층", "이 층"), ("3인용 소파", "삼 인용 소파"),
    ("6개월", "육 개월"), ("2주", "이 주"), ("65세", "육십오 세"), ("101동 1203호", "백일 동 천이백삼 호"),
    ("2호선", "이 호선"),
    # time
    ("3시 30분", "세 시 삼십 분"), ("12시", "열두 시"), ("14:30", "열네 시 삼십 분"), ("9:00", "아홉 시"),
    ("09:05", "아홉 시 오 분"), ("평일 09:00~18:00 운영", "평일 아홉 시에서 열여덟 시 운영"),
    ("3~5개 정도", "세 개에서 다섯 개 정도"), ("운영 09:00-18:00", "운영 아홉 시에서 열여덟 시"),
    # dates: 6월 and 10월 are 유월 and 시월
    ("2024년 3월 5일", "이천이십사 년 삼 월 오 일"), ("6월", "유월"), ("10월", "시월"),
    ("2024-03-05", "이천이십사 년 삼 월 오 일"), ("2024.3.5.", "이천이십사 년 삼 월 오 일"),
    ("2026-11 기준", "이천이십육 년 십일 월 기준"),
    # units
    ("10L 봉투", "십 리터 봉투"), ("5kg", "오 킬로그램"), ("2.5kg", "이 점 오 킬로그램"), ("30cm", "삼십 센티미터"),
    ("50%", "오십 퍼센트"), ("-5℃", "영하 오 도"),
    # plain numbers and codes
    ("0903", "공구공삼"), ("3.5", "삼 점 오"), ("2024", "이천이십사"), ("제1조", "제일조"), ("A4 용지", "에이포 용지"), ("5G 폰", "파이브지 폰"), ("5L 봉투", "오 리터 봉투"),
    # addresses: no scheme or www, labels spelled in Korean letter names, words kept
    ("15990903.or.kr에서 예약하세요.", "일오구구 공구공삼 점 오알 점 케이알에서 예약하세요."),
    ("www.naver.com", "naver 닷컴"),
    ("help@eco.kr 로 보내 주세요", "help 골뱅이 이씨오 점 케이알 로 보내 주세요"),
    ("https://www.recycle.go.kr/guide?id=3 참고", "recycle 점 지오 점 케이알 슬래시 guide 참고"),
    # nothing to change
    ("안녕하세요, 반갑습니다.", "안녕하세요, 반갑습니다."),
]  # fmt: skip


@pytest.mark.parametrize(("written", "said"), CASES, ids=[written for written, _ in CASES])
def test_korean_is_read_as_a_speaker_reads_it(written: str, said: str) -> None:
    assert normalize_korean(written) == said


def test_only_numbers_and_addresses_change() -> None:
    sentence = "큰 가전은 폐가전 무상 방문수거 서비스(전화 1599-0903, 인터넷 15990903.or.kr)로 예약하세요."
    assert normalize_korean(sentence) == (
        "큰 가전은 폐가전 무상 방문수거 서비스(전화 일오구구, 공구공삼, 인터넷 일오구구 공구공삼 점 오알 점 케이알)로 "
        "예약하세요."
    )
