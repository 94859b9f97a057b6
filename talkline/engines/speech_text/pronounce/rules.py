"""The sound changes of 표준 발음법 (제2부), applied in order over a phrase's syllables.

Each rule looks at two neighbouring syllables and the boundary between them and rewrites their jamo.
The order matters and follows the standard: ㅎ first (제12항), then what a vowel does to the coda before it
(liaison, palatalisation, ㄴ insertion: 제13–15, 17, 29항), tensification while the written coda is still
known (제23–28항), the coda's representative sound (제9–11항), then ㄹ (제19–20항), nasalisation (제18항)
and the vowels (제5항).
"""

from __future__ import annotations

from collections.abc import Sequence

from talkline.engines.speech_text.pronounce.units import WORD_INTERNAL, Gap, Unit, is_stem, pairs

TENSE = {"ㄱ": "ㄲ", "ㄷ": "ㄸ", "ㅂ": "ㅃ", "ㅅ": "ㅆ", "ㅈ": "ㅉ"}
ASPIRATED = {"ㄱ": "ㅋ", "ㄷ": "ㅌ", "ㅂ": "ㅍ", "ㅈ": "ㅊ"}
NASAL = {"ㄱ": "ㅇ", "ㄷ": "ㄴ", "ㅂ": "ㅁ"}
REPRESENTATIVE = {
    "ㄲ": "ㄱ", "ㅋ": "ㄱ", "ㄳ": "ㄱ", "ㄺ": "ㄱ", "ㅅ": "ㄷ", "ㅆ": "ㄷ", "ㅈ": "ㄷ", "ㅊ": "ㄷ", "ㅌ": "ㄷ",
    "ㅎ": "ㄷ", "ㅍ": "ㅂ", "ㄿ": "ㅂ", "ㅄ": "ㅂ", "ㄵ": "ㄴ", "ㄶ": "ㄴ", "ㄻ": "ㅁ", "ㄼ": "ㄹ", "ㄽ": "ㄹ",
    "ㄾ": "ㄹ", "ㅀ": "ㄹ",
}  # fmt: skip
SPLIT = {"ㄳ": ("ㄱ", "ㅅ"), "ㄵ": ("ㄴ", "ㅈ"), "ㄶ": ("ㄴ", "ㅎ"), "ㄺ": ("ㄹ", "ㄱ"), "ㄻ": ("ㄹ", "ㅁ"),
         "ㄼ": ("ㄹ", "ㅂ"), "ㄽ": ("ㄹ", "ㅅ"), "ㄾ": ("ㄹ", "ㅌ"), "ㄿ": ("ㄹ", "ㅍ"), "ㅀ": ("ㄹ", "ㅎ"),
         "ㅄ": ("ㅂ", "ㅅ")}  # fmt: skip
H_CODAS = {"ㅎ": "", "ㄶ": "ㄴ", "ㅀ": "ㄹ"}
OBSTRUENT_CODAS = frozenset("ㄱㄲㅋㄳㄺㄷㅅㅆㅈㅊㅌㅂㅍㄿㅄ")  # 제23항 (ㄼ only where it sounds ㅂ)
SONORANT_CODAS = frozenset("ㄴㄹㅁㅇ")
Y_VOWELS = frozenset("ㅣㅑㅕㅛㅠ")  # 제29항: 이, 야, 여, 요, 유
NOUN_TAGS = frozenset({"NNG", "NNP", "NNB", "NR", "NP", "XR", "MAG"})
WORD_TAGS = frozenset({"NNG", "NNP", "NNB"})  # nouns a ㄴ is inserted before (솜이불, 할 일)
# a word ending in one of these leans on the next (옷 안, 한 일, 만 오천): one phrase, linked across the space;
# after a particle or an ending the next word starts a new phrase, which keeps its own first consonant
LEANING_TAGS = NOUN_TAGS | {"MM", "ETM", "Z_SIOT"}
# suffixes that are tense after a noun (가능성 [가능썽]); not 기, which is 氣 in 물기 [물끼] but 機 in
# 정수기 [정수기], so those words are in the lexicon
TENSE_SUFFIXES = frozenset({"성"})
# Sino-Korean suffixes that start with 이/야/여/요/유 and behave as words for ㄴ insertion (영업용 [영엄뇽])
INSERTING_SUFFIXES = frozenset({"용", "유", "율", "률", "염", "약", "역", "연", "엽", "열", "양", "요"})
# Sino-Korean suffixes after which ㄴ+ㄹ is read [ㄴㄴ] (의견란 [의견난], 생산량 [생산냥])
NASAL_L_SUFFIXES = frozenset("란량력령례로론료류")
# second syllables of loanwords, not of Sino-Korean words: 필드, 헬스, 골드, 빌딩 keep their plain onsets
LOANWORD_SYLLABLES = frozenset("드스즈디딩더셔쇼샤져쥬듀")


def apply_rules(units: Sequence[Unit]) -> None:
    for rule in (h_sounds, before_vowel, tensify):
        for left, right in pairs(units):
            rule(left, right)
    for left, right in zip(units, [*units[1:], None], strict=True):
        settle_coda(left, right if right is not None and right.gap is not Gap.BREAK else None)
    for rule in (liquids, nasalise):
        for left, right in pairs(units):
            rule(left, right)
    for unit in units:
        vowels(unit)


def h_sounds(left: Unit, right: Unit) -> None:
    """제12항: ㅎ merges with a neighbouring ㄱ/ㄷ/ㅂ/ㅈ into one aspirate, makes ㅅ tense, falls silent before a
    vowel or ㄴ (좋다 [조타], 좋소 [조쏘], 좋아 [조아], 놓는 [논는]); 각하 [가카], 옷 한 벌 [오탄벌]."""
    if left.coda in H_CODAS:
        if right.gap in WORD_INTERNAL:
            _h_coda(left, right, H_CODAS[left.coda])
    elif right.onset == "ㅎ" and left.coda and left.coda not in SONORANT_CODAS and _one_phrase(left, right):
        _aspirate(left, right)


def _h_coda(left: Unit, right: Unit, rest: str) -> None:
    if right.onset in ("ㄱ", "ㄷ", "ㅈ"):
        right.syllable.onset = ASPIRATED[right.onset]
        left.syllable.coda = rest
    elif right.onset == "ㅅ":
        right.syllable.onset = "ㅆ"
        left.syllable.coda = rest
    elif right.onset == "ㄴ":
        left.syllable.coda = rest or "ㄴ"
    elif right.onset == "ㅇ":
        left.syllable.coda = rest  # the ㄴ or ㄹ left over moves on with the liaison rule


def _aspirate(left: Unit, right: Unit) -> None:
    kept, merged = SPLIT.get(left.coda, ("", left.coda))
    if merged == "ㅈ" and right.gap is Gap.SPACE:
        merged = "ㄷ"  # 낮 한때 [나탄때]: across words ㅈ is [ㄷ] first (제12항 붙임 2)
    base = merged if merged in ASPIRATED else REPRESENTATIVE.get(merged, merged)
    if base not in ASPIRATED:
        return
    onset = ASPIRATED[base]
    if onset == "ㅌ" and right.vowel == "ㅣ" and right.gap in (Gap.MORPHEME, Gap.SUFFIX):
        onset = "ㅊ"  # 닫히다 [다치다] (제17항 붙임)
    right.syllable.onset = onset
    left.syllable.coda = kept
    right.linked = True
    right.joined = right.gap is Gap.SPACE and not kept


def before_vowel(left: Unit, right: Unit) -> None:
    """A coda before a vowel: moves over within a word (제13–14항: 옷이 [오시], 값이 [갑씨]); palatalises before
    a grammatical 이 (제17항: 같이 [가치]); before a content word, first takes its representative sound
    (제15항: 옷 안 [오단], 겉옷 [거돋]) or, before 이/야/여/요/유, adds ㄴ (제29항: 솜이불 [솜니불])."""
    if right.onset != "ㅇ" or not left.coda:
        return
    if right.vowel in Y_VOWELS and right.gap is not Gap.MORPHEME and _inserts_n(left, right):
        right.syllable.onset = "ㄹ" if REPRESENTATIVE.get(left.coda, left.coda) == "ㄹ" else "ㄴ"
    elif left.coda == "ㅇ":
        return
    elif right.gap in (Gap.MORPHEME, Gap.SUFFIX):
        _link(left, right)
    elif (right.vowel not in Y_VOWELS or right.gap is Gap.STEM or left.owner == right.head == "NR") \
            and _one_phrase(left, right):
        right.syllable.onset = REPRESENTATIVE.get(left.coda, left.coda)
        left.syllable.coda = ""
        right.joined = right.gap is Gap.SPACE
    else:
        return
    right.linked = right.onset != "ㅇ"


def _one_phrase(left: Unit, right: Unit) -> bool:
    return right.gap is not Gap.SPACE or left.owner in LEANING_TAGS


def _link(left: Unit, right: Unit) -> None:
    kept, moved = SPLIT.get(left.coda, ("", left.coda))
    if moved in ("ㄷ", "ㅌ") and right.vowel in ("ㅣ", "ㅕ"):
        moved = "ㅈ" if moved == "ㄷ" else "ㅊ"  # 굳이 [구지], 밭이 [바치], 벼훑이 [벼훌치]
    elif moved == "ㅅ" and kept:
        moved = "ㅆ"  # 넋이 [넉씨], 값을 [갑쓸]
    left.syllable.coda, right.syllable.onset = kept, moved


def _inserts_n(left: Unit, right: Unit) -> bool:
    head, form = right.head, right.head_form
    if right.gap is Gap.SUFFIX:
        return head == "XSN" and form in INSERTING_SUFFIXES
    if "NR" in (head, left.owner):  # numbers: 십육 [심뉵], 서른여섯 [서른녀섣]; but 십일 [시빌], 만 이천 [마니천]
        return head == "NR" and (right.text == "육" if right.gap is Gap.STEM else form in ("여섯", "여덟"))
    if right.gap is Gap.STEM:
        return head in WORD_TAGS  # compounds; not 뚜껑은요, where Kiwi may take 요 for a determiner
    # across words (제29항 붙임 2): 한 일 [한닐], 할 일 [할릴], 옷 입다 [온닙따], 안 입는 [안님는]
    if left.owner in ("ETM", "MM"):
        return head in WORD_TAGS
    return head.startswith(("VV", "VA")) and form != "있" and left.owner in ("NNG", "MAG")


def tensify(left: Unit, right: Unit) -> None:
    """제23–28항: ㄱ/ㄷ/ㅂ/ㅅ/ㅈ become tense after an obstruent coda (국밥 [국빱]), after a stem's ㄴ/ㅁ or
    ㄼ/ㄾ before an ending (신고 [신꼬], 넓게 [널께]), after ㄹ inside Sino-Korean words (발전 [발쩐]), after the
    adnominal -(으)ㄹ (할 수 [할쑤]) and in compounds the lexicon marks (등불 [등뿔])."""
    if right.onset in TENSE and not right.linked and (right.tense or _tensifies(left, right)):
        right.syllable.onset = TENSE[right.onset]


def _tensifies(left: Unit, right: Unit) -> bool:
    coda = left.coda
    if right.head == "XSN" and right.head_form in TENSE_SUFFIXES and left.owner in NOUN_TAGS:
        return True  # 불연성 [부련썽]
    stem_ending = is_stem(left.owner) and right.gap is Gap.SUFFIX and right.head.startswith("E")
    if coda in OBSTRUENT_CODAS:
        return True
    if coda == "ㄼ":
        return is_stem(left.owner) and (left.text.startswith("밟") or stem_ending)
    if coda in ("ㄴ", "ㄵ", "ㅁ", "ㄻ", "ㄾ"):
        return stem_ending and right.onset != "ㅂ"
    if coda == "ㄹ":
        return _after_l(left, right)
    return False


def _after_l(left: Unit, right: Unit) -> bool:
    if left.owner.startswith("E") and left.owner_form[:1] in ("ᆯ", "을"):
        return left.owner == "ETM" or right.gap is Gap.MORPHEME  # 할 것 [할껃], 할게 [할께]
    within = right.gap is Gap.MORPHEME or (right.gap is Gap.STEM and left.owner == right.head == "NR")
    return (within and left.owner in NOUN_TAGS and right.onset in ("ㄷ", "ㅅ", "ㅈ")
            and left.text != right.text  # 절절하다, 살살
            and right.text not in LOANWORD_SYLLABLES)


def settle_coda(left: Unit, right: Unit | None) -> None:
    """제9–11항: a coda is said as one of ㄱㄴㄷㄹㅁㅂㅇ; of two, usually the first (넋 [넉], 여덟 [여덜]) but
    ㄺ as [ㄱ] except before a stem's ㄱ (읽고 [일꼬]) and 밟- as [ㅂ] (밟다 [밥따])."""
    coda = left.coda
    if coda == "ㄺ" and right is not None and is_stem(left.owner) and right.onset in ("ㄱ", "ㄲ") \
            and right.gap is Gap.SUFFIX:
        left.syllable.coda = "ㄹ"
    elif coda == "ㄼ" and left.text.startswith("밟"):
        left.syllable.coda = "ㅂ"
    else:
        left.syllable.coda = REPRESENTATIVE.get(coda, coda)


def liquids(left: Unit, right: Unit) -> None:
    """제19항: ㄹ after ㅁ/ㅇ/ㄱ/ㅂ is [ㄴ] (종로 [종노], 백로 [뱅노]); 제20항: ㄴ and ㄹ together are [ㄹㄹ]
    (신라 [실라], 칼날 [칼랄]) except before suffixes such as 란/량/력 (의견란 [의견난])."""
    if right.gap not in WORD_INTERNAL:
        return
    if right.onset == "ㄹ":
        if left.coda in ("ㅁ", "ㅇ", "ㄱ", "ㄷ", "ㅂ"):
            right.syllable.onset = "ㄴ"
        elif left.coda == "ㄴ":
            if right.nasal_l or _nasal_l_suffix(left, right):
                right.syllable.onset = "ㄴ"
            else:
                left.syllable.coda = "ㄹ"
    elif right.onset == "ㄴ" and left.coda == "ㄹ":
        right.syllable.onset = "ㄹ"


def _nasal_l_suffix(left: Unit, right: Unit) -> bool:
    if right.text not in NASAL_L_SUFFIXES or not right.ends_morpheme:
        return False
    if right.gap is Gap.STEM:
        return len(left.owner_form) >= 2  # 의견+란, 입원+료
    return right.gap is Gap.MORPHEME and len(right.owner_form) >= 3  # 생산량, 결단력, but 원료 [월료]


def nasalise(left: Unit, right: Unit) -> None:
    """제18항: ㄱ/ㄷ/ㅂ before ㄴ or ㅁ are [ㅇ/ㄴ/ㅁ], across words too (국물 [궁물], 밥 먹어 [밤머거])."""
    if left.coda in NASAL and right.onset in ("ㄴ", "ㅁ"):
        left.syllable.coda = NASAL[left.coda]


def vowels(unit: Unit) -> None:
    """제5항: ㅢ after a consonant is [ㅣ] (희망 [히망]); the particle 의 may be [에]; 져/쪄/쳐 are [저/쩌/처]."""
    syllable = unit.syllable
    if syllable.vowel == "ㅢ":
        if syllable.onset != "ㅇ":
            syllable.vowel = "ㅣ"
        elif unit.head == "JKG":
            syllable.vowel = "ㅔ"
    elif syllable.vowel == "ㅕ" and syllable.onset in ("ㅈ", "ㅉ", "ㅊ"):
        syllable.vowel = "ㅓ"
