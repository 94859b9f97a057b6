// Korean and English UI text. Elements carry data-i18n (text), data-i18n-label (aria-label) or
// data-i18n-placeholder; applyTranslations() fills them for the chosen language.

const STRINGS = {
  en: {
    'skip': 'Skip to content',
    'language': 'Interface language',
    'tabs': 'Ways to talk',
    'tab.call': 'Call',
    'tab.voice': 'Voice message',
    'profile': 'Talk to',
    'scenario': 'Scenario',
    'persona': 'Persona',
    'call_language': 'Call language',
    'mode': 'How you talk',
    'mode.vad': 'Hands-free',
    'mode.ptt': 'Push to talk',
    'call': 'Call',
    'end': 'End call',
    'mute': 'Mute',
    'unmute': 'Unmute',
    'talk': 'Hold to talk',
    'talk.hint': 'Hold the button, or the space bar, while you speak.',
    'retry': 'Try again',
    'your_voice': 'Your voice',
    'assistant_voice': 'Reply audio',
    'transcript': 'Conversation',
    'text.label': 'Type a message',
    'text.placeholder': 'Type instead of speaking',
    'send': 'Send',
    'you': 'You',
    'assistant': 'Talkline',
    'tool.looked_up': 'Looked up',
    'tool.result': 'Result',
    'tool.pending': 'working…',
    'interrupted': 'interrupted at {s} s',
    'spoken': '{s} s',
    'latency': 'first audio {ms} ms after you stopped',
    'unheard': '(not understood)',
    'state.idle': 'Ready to call',
    'state.connecting': 'Connecting…',
    'state.listening': 'Listening',
    'state.hearing': 'Hearing you…',
    'state.thinking': 'Thinking…',
    'state.speaking': 'Speaking',
    'state.ended': 'Call ended',
    'state.error': 'Something went wrong',
    'error.mic_denied': 'The microphone is blocked. Allow it for this page, then try again.',
    'error.mic_unavailable': 'No microphone could be opened.',
    'error.connection': 'The connection to the server was lost.',
    'error.demo_disabled': 'This server does not hand out demo tokens to the page.',
    'error.rate_limit_exceeded': 'Too many calls were started in the last minute. Wait a moment and try again.',
    'error.session_limit_reached': 'The server is busy with other calls. Try again shortly.',
    'error.audio_unsupported': 'This browser cannot record or play audio here.',
    'error.unknown': 'Unexpected error.',
    'notice.commit_empty': 'Nothing was heard. Hold the button while you speak.',
    'feedback': 'Feedback',
    'feedback.loading': 'Preparing your feedback…',
    'feedback.unavailable': 'Feedback is not available for this call.',
    'feedback.goal_reached': 'Goal reached',
    'feedback.unfinished': 'Not finished yet',
    'feedback.quit': 'Ended early',
    'feedback.steps': 'Steps completed: {done} of {total}',
    'feedback.turns': 'You spoke {turns} times, {speaking} s in a {call} s call.',
    'feedback.expressions': 'Expressions to learn',
    'feedback.north_words': 'Words said differently in the South',
    'feedback.heard_in': 'you said: “{text}”',
    'feedback.speech_level': 'Speech level',
    'feedback.level.polite': 'Polite speech (존댓말) expected: {polite} polite, {casual} casual turns.',
    'feedback.level.casual': 'Casual speech (반말) expected: {casual} casual, {polite} polite turns.',
    'voice.record': 'Record',
    'voice.stop': 'Stop recording',
    'voice.recorded': 'Recorded {s} s',
    'voice.file': 'Or choose an audio file',
    'voice.send': 'Send voice message',
    'voice.step.queued': 'Sent',
    'voice.step.heard': 'Heard',
    'voice.step.answering': 'Answering',
    'voice.step.speaking': 'Speaking',
    'voice.step.done': 'Done',
    'voice.you_said': 'You said',
    'voice.reply': 'Reply',
    'voice.reconnecting': 'Connection dropped; resuming (try {n})…',
    'voice.audio': 'Reply audio: {parts} parts, {s} s',
    'voice.nothing': 'Record a message or choose a file first.',
  },
  ko: {
    'skip': '본문으로 건너뛰기',
    'language': '화면 언어',
    'tabs': '대화 방법',
    'tab.call': '통화',
    'tab.voice': '음성 메시지',
    'profile': '대화 상대',
    'scenario': '상황',
    'persona': '인물',
    'call_language': '통화 언어',
    'mode': '말하는 방법',
    'mode.vad': '핸즈프리',
    'mode.ptt': '누르고 말하기',
    'call': '전화 걸기',
    'end': '통화 끝내기',
    'mute': '음소거',
    'unmute': '음소거 해제',
    'talk': '누르고 말하기',
    'talk.hint': '말하는 동안 버튼이나 스페이스바를 누르고 있으세요.',
    'retry': '다시 시도',
    'your_voice': '내 목소리',
    'assistant_voice': '답변 소리',
    'transcript': '대화 내용',
    'text.label': '메시지 입력',
    'text.placeholder': '말 대신 글로 입력하세요',
    'send': '보내기',
    'you': '나',
    'assistant': '톡라인',
    'tool.looked_up': '찾아본 것',
    'tool.result': '결과',
    'tool.pending': '찾는 중…',
    'interrupted': '{s}초에서 끊김',
    'spoken': '{s}초',
    'latency': '말을 마친 뒤 {ms}ms 만에 답변',
    'unheard': '(알아듣지 못함)',
    'state.idle': '통화 준비됨',
    'state.connecting': '연결 중…',
    'state.listening': '듣는 중',
    'state.hearing': '말씀을 듣고 있어요…',
    'state.thinking': '생각 중…',
    'state.speaking': '말하는 중',
    'state.ended': '통화 종료',
    'state.error': '문제가 생겼어요',
    'error.mic_denied': '마이크가 차단되어 있어요. 이 페이지에서 마이크를 허용한 뒤 다시 시도하세요.',
    'error.mic_unavailable': '마이크를 열 수 없어요.',
    'error.connection': '서버와의 연결이 끊어졌어요.',
    'error.demo_disabled': '이 서버는 페이지에 데모 토큰을 발급하지 않아요.',
    'error.rate_limit_exceeded': '최근 1분 동안 통화를 너무 많이 시작했어요. 잠시 후 다시 시도하세요.',
    'error.session_limit_reached': '서버가 다른 통화로 바빠요. 잠시 후 다시 시도하세요.',
    'error.audio_unsupported': '이 브라우저에서는 소리를 녹음하거나 재생할 수 없어요.',
    'error.unknown': '예상하지 못한 오류예요.',
    'notice.commit_empty': '아무 소리도 들리지 않았어요. 말하는 동안 버튼을 누르고 있으세요.',
    'feedback': '피드백',
    'feedback.loading': '피드백을 준비하고 있어요…',
    'feedback.unavailable': '이 통화의 피드백을 가져올 수 없어요.',
    'feedback.goal_reached': '목표 달성',
    'feedback.unfinished': '아직 끝나지 않음',
    'feedback.quit': '중간에 끝냄',
    'feedback.steps': '완료한 단계: {total}단계 중 {done}단계',
    'feedback.turns': '{call}초 통화 중 {turns}번, {speaking}초 동안 말했어요.',
    'feedback.expressions': '배워 볼 표현',
    'feedback.north_words': '남한에서는 다르게 말하는 단어',
    'feedback.heard_in': '내가 한 말: “{text}”',
    'feedback.speech_level': '말투',
    'feedback.level.polite': '존댓말 연습: 존댓말 {polite}번, 반말 {casual}번.',
    'feedback.level.casual': '반말 연습: 반말 {casual}번, 존댓말 {polite}번.',
    'voice.record': '녹음',
    'voice.stop': '녹음 멈추기',
    'voice.recorded': '{s}초 녹음됨',
    'voice.file': '또는 오디오 파일 선택',
    'voice.send': '음성 메시지 보내기',
    'voice.step.queued': '보냄',
    'voice.step.heard': '들음',
    'voice.step.answering': '답변 중',
    'voice.step.speaking': '말하는 중',
    'voice.step.done': '완료',
    'voice.you_said': '내가 한 말',
    'voice.reply': '답변',
    'voice.reconnecting': '연결이 끊겼어요. 이어서 받는 중 ({n}번째)…',
    'voice.audio': '답변 소리: {parts}개, {s}초',
    'voice.nothing': '먼저 메시지를 녹음하거나 파일을 고르세요.',
  },
};

const STORAGE_KEY = 'talkline.language';
let language = initialLanguage();

function initialLanguage() {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored in STRINGS) return stored;
  return navigator.language?.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}

export function currentLanguage() {
  return language;
}

export function t(key, vars = {}) {
  const text = STRINGS[language][key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}

export function setLanguage(next) {
  if (!(next in STRINGS)) return;
  language = next;
  localStorage.setItem(STORAGE_KEY, next);
  applyTranslations();
  document.dispatchEvent(new CustomEvent('languagechange', { detail: next }));
}

export function applyTranslations(root = document) {
  document.documentElement.lang = language;
  for (const element of root.querySelectorAll('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const element of root.querySelectorAll('[data-i18n-label]')) {
    element.setAttribute('aria-label', t(element.dataset.i18nLabel));
  }
  for (const element of root.querySelectorAll('[data-i18n-placeholder]')) {
    element.setAttribute('placeholder', t(element.dataset.i18nPlaceholder));
  }
}

// Text in the server's data comes as {ko, en}.
export function pick(text) {
  return typeof text === 'string' ? text : text?.[language] ?? text?.en ?? '';
}
