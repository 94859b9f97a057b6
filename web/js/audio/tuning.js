// The browser audio path's knobs. The defaults are what the latency benchmark found best; the
// benchmark (talkline bench browser) sets others in the page's query string to compare, e.g.
// `?chunk_ms=40&start_ms=100&noise_suppression=1`.

const query = new URLSearchParams(location.search);

function number(name, fallback, min, max) {
  const value = Number(query.get(name));
  return query.has(name) && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

export const tuning = {
  chunkMs: number('chunk_ms', 20, 10, 100), // microphone chunk sent per input_audio_buffer.append
  startMs: number('start_ms', 0, 0, 500), // reply audio buffered before playback starts
  noiseSuppression: query.has('noise_suppression') ? query.get('noise_suppression') === '1' : true,
};
