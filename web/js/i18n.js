// Korean and English UI text. Elements carry data-i18n (text), data-i18n-label (aria-label) or
// data-i18n-placeholder; applyTranslations() fills them for the chosen language.

const STRINGS = {
  en: {
    'skip': 'Skip to content',
    'language': 'Interface language',
    'tabs': 'Ways to talk',
    'tab.call': 'Call',
    'tab.voice': 'Voice message',
    'tab.history': 'History',
    'setup.title': 'Start a call',
    'profile': 'Talk to',
    'mode': 'How you talk',
    'mode.vad': 'Hands-free',
    'mode.ptt': 'Push to talk',
    'call': 'Call',
    'end': 'End call',
    'back_to_setup': 'Back to setup',
    'mute': 'Mute',
    'unmute': 'Unmute',
    'talk': 'Hold to talk',
    'talk.held': 'Release to send',
    'talk.hint': 'Hold the button, or the space bar, while you speak.',
    'talk.too_short': 'That was too short to send. Hold the button while you speak.',
    'retry': 'Try again',
    'your_voice': 'Your voice',
    'assistant_voice': 'Reply audio',
    'transcript': 'Conversation',
    'jump_latest': 'Newest ↓',
    'text.label': 'Type a message',
    'text.placeholder': 'Type instead of speaking',
    'send': 'Send',
    'you': 'You',
    'assistant': 'Assistant',
    'tool.looked_up': 'Looked up “{query}”',
    'tool.used': 'Checked {what}',
    'tool.pending': 'Looking it up…',
    'tool.found': 'Found: {text}',
    'tool.not_found': 'Nothing found: {text}',
    'tool.nothing': 'Nothing found.',
    'interrupted': 'you cut in after {s} s',
    'unheard': '(not understood — try again)',
    'details': 'Call details',
    'details.reply': 'Reply {n}',
    'details.first_audio': 'first sound {ms} ms after you stopped speaking',
    'details.stages': 'speech end → text {stt} ms, → first word {token} ms, → first sound {audio} ms',
    'details.audio': '{s} s of audio in {parts} parts',
    'details.heard': '{s} s heard',
    'details.greeting': 'opening line',
    'state.idle': 'Ready to call',
    'state.connecting': 'Connecting…',
    'transport.webrtc': 'via WebRTC',
    'transport.websocket': 'via WebSocket',
    'state.listening': 'Listening — go ahead',
    'state.hearing': 'Hearing you…',
    'state.thinking': 'Thinking…',
    'state.speaking': '{name} is speaking',
    'state.muted': 'Muted — you are not heard',
    'state.ptt-idle': 'Hold the button to talk',
    'state.ptt-held': 'Listening while you hold',
    'state.reconnecting': 'Connection lost — reconnecting (try {n})…',
    'state.reconnected': 'Reconnected. Carry on where you left off.',
    'state.ended': 'Call ended',
    'state.error': 'The call could not continue',
    'summary.separator': ' · ',
    'error.details': 'Technical details',
    'error.server_unreachable': 'The Talkline server can’t be reached. Check that it is running and that you are online, then try again.',
    'error.connection_lost': 'The call dropped and could not be reconnected. Your conversation is kept below; try again to continue.',
    'error.mic_denied': 'The microphone is blocked for this page. Allow it from the icon in the address bar, then try again.',
    'error.mic_unavailable': 'No microphone could be opened. Connect one (or close other apps using it), then try again.',
    'error.client_secret_expired': 'Your call pass expired before the call connected. Try again to get a new one.',
    'error.invalid_api_key': 'The server did not accept this page’s call pass. Reload the page and try again.',
    'error.demo_disabled': 'This server does not let the page start calls on its own. Ask whoever runs it for access.',
    'error.rate_limit_exceeded': 'Many calls were started in a short time. Wait a minute, then try again.',
    'error.session_limit_reached': 'All lines are busy right now. Try again in a minute.',
    'error.audio_unsupported': 'This browser can’t record or play audio on this page.',
    'error.unknown': 'Something unexpected went wrong. Try again.',
    'error.upload': 'The server could not use this audio: {reason}',
    'notice.commit_empty': 'Nothing was heard. Hold the button while you speak.',
    'after.title': 'After the call',
    'after.ended': 'The call lasted {time}.',
    'after.new_call': 'Set up another call',
    'voice.title': 'Send a voice message',
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
    'voice.reconnecting': 'Connection dropped; picking up where it stopped (try {n})…',
    'voice.audio': 'Reply audio: {parts} parts, {s} s',
    'voice.nothing': 'Record a message or choose a file first.',
    'voice.replay': 'Play the reply again',
    'voice.stop_playing': 'Stop',
  },
  ko: {
    'skip': '본문으로 건너뛰기',
    'language': '화면 언어',
    'tabs': '대화 방법',
    'tab.call': '통화',
    'tab.voice': '음성 메시지',
    'tab.history': '지난 통화',
    'setup.title': '통화 준비',
    'profile': '통화할 곳',
    'mode': '말하는 방법',
    'mode.vad': '바로 말하기',
    'mode.ptt': '누르고 말하기',
    'call': '전화 걸기',
    'end': '통화 끝내기',
    'back_to_setup': '설정으로 돌아가기',
    'mute': '음소거',
    'unmute': '음소거 해제',
    'talk': '누르고 말하기',
    'talk.held': '손을 떼면 보내져요',
    'talk.hint': '말하는 동안 버튼이나 스페이스바를 누르고 있으세요.',
    'talk.too_short': '너무 짧게 눌러서 보내지 않았어요. 말하는 동안 계속 누르고 있으세요.',
    'retry': '다시 시도',
    'your_voice': '내 목소리',
    'assistant_voice': '상대 목소리',
    'transcript': '대화 내용',
    'jump_latest': '최신 대화 ↓',
    'text.label': '메시지 입력',
    'text.placeholder': '말 대신 글로 입력해도 돼요',
    'send': '보내기',
    'you': '나',
    'assistant': '상대',
    'tool.looked_up': '“{query}” 찾아봤어요',
    'tool.used': '{what} 확인했어요',
    'tool.pending': '찾아보는 중이에요…',
    'tool.found': '찾은 내용: {text}',
    'tool.not_found': '찾지 못했어요: {text}',
    'tool.nothing': '찾지 못했어요.',
    'interrupted': '{s}초 듣고 끼어들었어요',
    'unheard': '(알아듣지 못했어요. 다시 말해 주세요)',
    'details': '통화 정보 자세히',
    'details.reply': '{n}번째 답변',
    'details.first_audio': '말을 마치고 {ms}ms 뒤에 첫 소리가 나왔어요',
    'details.stages': '말이 끝난 뒤 글로 옮기기 {stt}ms, 첫 단어 {token}ms, 첫 소리 {audio}ms',
    'details.audio': '소리 {s}초, {parts}조각',
    'details.heard': '{s}초 들음',
    'details.greeting': '첫인사',
    'state.idle': '통화할 준비가 됐어요',
    'state.connecting': '연결하고 있어요…',
    'transport.webrtc': 'WebRTC로 연결',
    'transport.websocket': 'WebSocket으로 연결',
    'state.listening': '듣고 있어요. 말씀하세요',
    'state.hearing': '말씀을 듣고 있어요…',
    'state.thinking': '답을 생각하고 있어요…',
    'state.speaking': '{name}{subject} 말하고 있어요',
    'state.muted': '음소거 중이라 내 말이 들리지 않아요',
    'state.ptt-idle': '버튼을 누른 채로 말하세요',
    'state.ptt-held': '누르고 있는 동안 듣고 있어요',
    'state.reconnecting': '연결이 끊겼어요. 다시 연결하고 있어요({n}번째)…',
    'state.reconnected': '다시 연결됐어요. 하던 이야기를 이어서 하세요.',
    'state.ended': '통화가 끝났어요',
    'state.error': '통화를 이어 갈 수 없어요',
    'summary.separator': ' · ',
    'error.details': '기술 정보',
    'error.server_unreachable': '톡라인 서버에 연결할 수 없어요. 서버가 켜져 있는지, 인터넷에 연결되어 있는지 확인한 뒤 다시 시도해 주세요.',
    'error.connection_lost': '통화가 끊겼는데 다시 연결하지 못했어요. 나눈 대화는 아래에 남아 있어요. 다시 시도하면 이어서 통화할 수 있어요.',
    'error.mic_denied': '이 페이지에서 마이크가 차단되어 있어요. 주소창의 아이콘을 눌러 마이크를 허용한 뒤 다시 시도해 주세요.',
    'error.mic_unavailable': '마이크를 켤 수 없어요. 마이크를 연결하거나, 마이크를 쓰는 다른 앱을 닫은 뒤 다시 시도해 주세요.',
    'error.client_secret_expired': '연결되기 전에 통화 권한이 만료됐어요. 다시 시도하면 새로 받아요.',
    'error.invalid_api_key': '서버가 이 페이지의 통화 권한을 받아 주지 않았어요. 페이지를 새로 고친 뒤 다시 시도해 주세요.',
    'error.demo_disabled': '이 서버에서는 페이지에서 바로 통화를 시작할 수 없어요. 서버 관리자에게 문의해 주세요.',
    'error.rate_limit_exceeded': '짧은 시간에 통화를 너무 많이 시작했어요. 1분쯤 기다렸다가 다시 시도해 주세요.',
    'error.session_limit_reached': '지금은 통화가 많아서 연결할 수 없어요. 잠시 후 다시 걸어 주세요.',
    'error.audio_unsupported': '이 브라우저에서는 이 페이지의 소리를 녹음하거나 재생할 수 없어요.',
    'error.unknown': '예상하지 못한 문제가 생겼어요. 다시 시도해 주세요.',
    'error.upload': '서버가 이 오디오를 처리하지 못했어요: {reason}',
    'notice.commit_empty': '아무 소리도 들리지 않았어요. 말하는 동안 버튼을 누르고 있으세요.',
    'after.title': '통화를 마쳤어요',
    'after.ended': '{time} 동안 통화했어요.',
    'after.new_call': '다른 통화 준비하기',
    'voice.title': '음성 메시지 보내기',
    'voice.record': '녹음',
    'voice.stop': '녹음 멈추기',
    'voice.recorded': '{s}초 녹음했어요',
    'voice.file': '또는 오디오 파일 고르기',
    'voice.send': '음성 메시지 보내기',
    'voice.step.queued': '보냄',
    'voice.step.heard': '들음',
    'voice.step.answering': '답하는 중',
    'voice.step.speaking': '말하는 중',
    'voice.step.done': '완료',
    'voice.reconnecting': '연결이 끊겼어요. 끊긴 데부터 이어서 받고 있어요({n}번째)…',
    'voice.audio': '답변 소리: {parts}조각, {s}초',
    'voice.nothing': '먼저 메시지를 녹음하거나 파일을 골라 주세요.',
    'voice.replay': '답변 다시 듣기',
    'voice.stop_playing': '멈추기',
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
  const values = { subject: subjectParticle(vars.name), ...vars };
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}

// 이 after a final consonant (새롬이), 가 after a vowel (도우미가); empty for non-Hangul names.
export function subjectParticle(name) {
  const last = String(name ?? '').trim().slice(-1);
  const code = last.charCodeAt(0) - 0xac00;
  if (!(code >= 0 && code < 11172)) return '';
  return code % 28 ? '이' : '가';
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
