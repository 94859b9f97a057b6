// The page's pure logic, run by Node's test runner (tests/web/test_page_logic.py starts it).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { visibleState } from '../../web/js/call/call-state.js';
import { backoffMs } from '../../web/js/call/connect.js';
import { PushToTalk, TAP_MS } from '../../web/js/call/push-to-talk.js';

const live = { phase: 'live', mode: 'vad', hearing: false, talking: false, thinking: false, playing: false, muted: false };

test('one visible state, the most important first', () => {
  assert.equal(visibleState(live), 'listening');
  assert.equal(visibleState({ ...live, mode: 'ptt' }), 'ptt-idle');
  assert.equal(visibleState({ ...live, mode: 'ptt', talking: true, playing: true }), 'ptt-held');
  assert.equal(visibleState({ ...live, hearing: true, playing: true, thinking: true }), 'hearing'); // barge-in
  assert.equal(visibleState({ ...live, playing: true, thinking: true }), 'speaking');
  assert.equal(visibleState({ ...live, thinking: true }), 'thinking');
  assert.equal(visibleState({ ...live, muted: true }), 'muted');
  assert.equal(visibleState({ ...live, muted: true, playing: true }), 'speaking');
  for (const phase of ['idle', 'connecting', 'reconnecting', 'ended', 'error']) {
    assert.equal(visibleState({ ...live, phase, hearing: true }), phase);
  }
});

test('reconnects back off and stop', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n)), [500, 1000, 2000, 4000, 8000, 8000, null]);
});

function recorder() {
  const calls = [];
  const ptt = new PushToTalk({
    begin: () => calls.push('begin'), send: (chunk) => calls.push(`send ${chunk}`),
    end: () => calls.push('end'), tooShort: () => calls.push('too short'),
  });
  return { ptt, calls };
}

test('a tap shorter than the threshold sends nothing and cuts nothing', async () => {
  const { ptt, calls } = recorder();
  ptt.press();
  ptt.chunk('a');
  await new Promise((resolve) => setTimeout(resolve, TAP_MS / 3));
  ptt.release();
  ptt.chunk('b');
  await new Promise((resolve) => setTimeout(resolve, TAP_MS));
  assert.deepEqual(calls, ['too short']);
});

test('a hold becomes a turn and keeps the speech from the moment of the press', async () => {
  const { ptt, calls } = recorder();
  ptt.press();
  ptt.chunk('a');
  ptt.chunk('b');
  await new Promise((resolve) => setTimeout(resolve, TAP_MS + 50));
  ptt.chunk('c');
  ptt.release();
  assert.deepEqual(calls, ['begin', 'send a', 'send b', 'send c', 'end']);
});
