"""OpenAI's own browser SDK (`@openai/agents-realtime` from npm, pinned in tests/web/package.json) holds
a WebRTC call with Talkline: its `OpenAIRealtimeWebRTC` transport takes a `baseUrl`, pointed at
`/v1/realtime/calls`. Chromium's fake microphone asks the question; the SDK's history gets the answer."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.servers import LiveServer
from tests.speech import english_speech
from tests.web.conftest import SERVER_KEY, speech_with_pauses

BUNDLE = Path(__file__).parent / "node_modules" / "@openai" / "agents-realtime" / "dist" / "bundle"
QUESTION = "How do I throw away an empty plastic water bottle?"
INSTRUCTIONS = "You help people sort their waste."
PAGE = """<!doctype html><html lang="en"><head><title>agents-realtime</title></head><body><script type="module">
import { RealtimeAgent, RealtimeSession, OpenAIRealtimeWebRTC } from '/agents/openai-realtime-agents.mjs';
window.events = [];
window.call = async (secret, instructions) => {
  const agent = new RealtimeAgent({ name: 'Assistant', instructions });
  const transport = new OpenAIRealtimeWebRTC({ baseUrl: location.origin + '/v1/realtime/calls' });
  const session = new RealtimeSession(agent, { transport, model: 'eco' });
  transport.on('*', (event) => window.events.push(event));
  await session.connect({ apiKey: secret });
  window.session = session;
};
</script></body></html>"""


async def test_openais_browser_sdk_holds_a_webrtc_call(launch, server: LiveServer) -> None:
    if not BUNDLE.is_dir():
        raise RuntimeError(f"{BUNDLE} is missing: run scripts/install test (npm ci in tests/web)")
    async with httpx.AsyncClient(base_url=server.http_url) as client:
        minted = await client.post("/v1/realtime/client_secrets", headers={"Authorization": f"Bearer {SERVER_KEY}"},
                                   json={"session": {"type": "realtime", "model": "eco", "instructions": INSTRUCTIONS}})
    secret = minted.json()["value"]
    browser = await launch(speech_with_pauses(3, english_speech(QUESTION), 20))
    context = await browser.new_context(permissions=["microphone"])
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.route(f"{server.http_url}/agents-test.html", lambda route: route.fulfill(
        body=PAGE, content_type="text/html"))
    await page.route(f"{server.http_url}/agents/*", lambda route: route.fulfill(
        path=str(BUNDLE / route.request.url.rsplit("/", 1)[-1]), content_type="text/javascript"))
    await page.goto(f"{server.http_url}/agents-test.html")
    await page.evaluate("([secret, instructions]) => window.call(secret, instructions)", [secret, INSTRUCTIONS])
    await page.wait_for_function("""() => window.events.some((e) => e.type === 'response.done'
        && e.response.output.some((item) => item.type === 'message'))""", timeout=90_000)
    events = await page.evaluate("window.events")
    kinds = [event["type"] for event in events]
    assert "session.created" in kinds and "output_audio_buffer.started" in kinds
    heard = next(e for e in events if e["type"] == "conversation.item.input_audio_transcription.completed"
                 ) if "conversation.item.input_audio_transcription.completed" in kinds else None
    done = next(e for e in events if e["type"] == "response.done"
                and any(item["type"] == "message" for item in e["response"]["output"]))
    message = next(item for item in done["response"]["output"] if item["type"] == "message")
    assert "PET" in message["content"][0]["transcript"]
    assert heard is None or "bottle" in heard["transcript"].lower()
    assert not [e for e in events if e["type"] == "error"], [e for e in events if e["type"] == "error"]
    assert not errors
    await page.evaluate("window.session.close()")
