// The practice page module's own Korean and English text (UI copy in 해요체).

const STRINGS = {
  en: {
    'setting': 'Situation',
    'goal': 'Your goal',
    'partner': 'You are talking to',
    'partner.line': '{name} ({role}) speaks {partner}. Answer in {learner}.',
    'partner.unavailable': '{name} can’t play this situation: {reason}',
    'examples': 'Things you could say',
    'register.banmal': 'casual speech (반말)',
    'register.haeyo': 'polite speech (해요체)',
    'register.hapsyo': 'formal polite speech (합쇼체)',
    'feedback': 'How the call went',
    'feedback.loading': 'Preparing your feedback…',
    'feedback.unavailable': 'Feedback for this call isn’t available.',
    'outcome.goal_reached': 'Goal reached — well done!',
    'outcome.unfinished': 'Not finished yet — you got part of the way.',
    'outcome.quit': 'You ended the practice early.',
    'steps': 'Steps completed: {done} of {total}',
    'turns': 'You spoke {turns} times, {speaking} in total, in a {call} call.',
    'expressions': 'Expressions to learn',
    'north_words': 'Words said differently in the South',
    'heard_in': 'you said: “{text}”',
    'speech_level': 'Speech level',
    'level.polite': 'This call practises polite speech (존댓말): {polite} polite and {casual} casual turns.',
    'level.casual': 'This call practises casual speech (반말): {casual} casual and {polite} polite turns.',
    'other_level': 'Look again at: {examples}',
    'next': 'What next?',
    'next.again': 'Try again',
    'next.other': 'Try with {name}',
    'next.review': 'Review expressions',
    'history.empty': 'No practice calls yet. Your calls and their feedback will appear here.',
    'history.loading': 'Loading your past calls…',
    'history.failed': 'Your past calls could not be loaded.',
    'history.item': '{scenario} · {persona}',
    'history.open': 'Show feedback',
    'duration.min': '{m} min {s} s',
    'duration.s': '{s} s',
  },
  ko: {
    'setting': '상황',
    'goal': '목표',
    'partner': '통화 상대',
    'partner.line': '{role} {name}{subject} {partner}로 말해요. {learner}로 대답해 보세요.',
    'partner.unavailable': '{name}{subject} 이 상황을 연습할 수 없어요: {reason}',
    'examples': '이렇게 말해 보세요',
    'register.banmal': '반말',
    'register.haeyo': '존댓말(해요체)',
    'register.hapsyo': '격식 있는 존댓말(합쇼체)',
    'feedback': '통화 돌아보기',
    'feedback.loading': '피드백을 준비하고 있어요…',
    'feedback.unavailable': '이 통화의 피드백을 가져오지 못했어요.',
    'outcome.goal_reached': '목표를 이뤘어요. 잘했어요!',
    'outcome.unfinished': '아직 끝내지 못했어요. 중간까지 해냈어요.',
    'outcome.quit': '연습을 중간에 끝냈어요.',
    'steps': '{total}단계 중 {done}단계를 마쳤어요.',
    'turns': '{call} 통화하면서 {turns}번, 모두 {speaking} 동안 말했어요.',
    'expressions': '배워 두면 좋은 표현',
    'north_words': '남한에서는 다르게 말하는 단어',
    'heard_in': '내가 한 말: “{text}”',
    'speech_level': '말투',
    'level.polite': '이번 통화는 존댓말 연습이에요. 존댓말 {polite}번, 반말 {casual}번 했어요.',
    'level.casual': '이번 통화는 반말 연습이에요. 반말 {casual}번, 존댓말 {polite}번 했어요.',
    'other_level': '다시 볼 문장: {examples}',
    'next': '다음에는 이렇게 해 보세요',
    'next.again': '다시 해 보기',
    'next.other': '{name}{with} 해 보기',
    'next.review': '표현 복습하기',
    'history.empty': '아직 연습한 통화가 없어요. 통화를 하면 피드백과 함께 여기에 남아요.',
    'history.loading': '지난 통화를 불러오고 있어요…',
    'history.failed': '지난 통화를 불러오지 못했어요.',
    'history.item': '{scenario} · {persona}',
    'history.open': '피드백 보기',
    'duration.min': '{m}분 {s}초',
    'duration.s': '{s}초',
  },
};

// 이/가 and 와/과 after a name, by whether its last syllable has a final consonant.
function particles(name) {
  const code = String(name ?? '').trim().slice(-1).charCodeAt(0) - 0xac00;
  if (!(code >= 0 && code < 11172)) return { subject: '', with: '' };
  const closed = code % 28 !== 0;
  return { subject: closed ? '이' : '가', with: closed ? '과' : '와' };
}

export function translator(language) {
  return (key, vars = {}) => {
    const lang = language() in STRINGS ? language() : 'en';
    const text = STRINGS[lang][key] ?? STRINGS.en[key] ?? key;
    const values = { ...(lang === 'ko' ? particles(vars.name ?? vars.persona) : {}), ...vars };
    return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
  };
}

export function duration(t, seconds) {
  const whole = Math.round(Number(seconds) || 0);
  return whole >= 60 ? t('duration.min', { m: Math.floor(whole / 60), s: whole % 60 }) : t('duration.s', { s: whole });
}
