// The input level meter (a <meter>) and the output waveform (a canvas drawn from an AnalyserNode).

export class LevelMeter {
  constructor(meter) {
    this.meter = meter;
    this.value = 0;
  }

  // rms in 0..1; shown on a gentle log scale with a quick rise and slow fall
  show(rms) {
    const db = 20 * Math.log10(Math.max(rms, 1e-4));
    const target = Math.min(1, Math.max(0, (db + 60) / 60));
    this.value = target > this.value ? target : this.value * 0.85 + target * 0.15;
    this.meter.value = this.value;
  }

  reset() {
    this.value = 0;
    this.meter.value = 0;
  }
}

export class Waveform {
  constructor(canvas) {
    this.canvas = canvas;
    this.analyser = null;
    this.frame = 0;
  }

  attach(analyser) {
    this.analyser = analyser;
    this.color = null;
    this.samples = new Float32Array(analyser.fftSize);
    cancelAnimationFrame(this.frame);
    const draw = () => {
      this.draw();
      this.frame = requestAnimationFrame(draw);
    };
    draw();
  }

  detach() {
    cancelAnimationFrame(this.frame);
    this.analyser = null;
    this.draw();
  }

  draw() {
    const { canvas } = this;
    const context = canvas.getContext('2d');
    this.fit();
    const { width, height } = canvas;
    context.clearRect(0, 0, width, height);
    context.lineWidth = 2 * devicePixelRatio;
    // the colour is read once per attach: a style lookup every frame costs the main thread, which also
    // sends the microphone's chunks
    this.color ??= getComputedStyle(canvas).color;
    context.strokeStyle = this.color;
    context.beginPath();
    if (!this.analyser) {
      context.moveTo(0, height / 2);
      context.lineTo(width, height / 2);
    } else {
      this.analyser.getFloatTimeDomainData(this.samples);
      for (let i = 0; i < this.samples.length; i += 1) {
        const x = (i / (this.samples.length - 1)) * width;
        const y = height / 2 - this.samples[i] * (height / 2) * 0.9;
        if (i === 0) context.moveTo(x, y);
        else context.lineTo(x, y);
      }
    }
    context.stroke();
  }

  // Sharp on high-density screens: the drawing buffer follows the element's size.
  fit() {
    const width = Math.round(this.canvas.clientWidth * devicePixelRatio);
    const height = Math.round(this.canvas.clientHeight * devicePixelRatio);
    if (width && height && (this.canvas.width !== width || this.canvas.height !== height)) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
  }
}
