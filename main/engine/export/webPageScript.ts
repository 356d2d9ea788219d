/**
 * app.js of the exported web page, a plain browser script (no modules, no build step), so the
 * page works from a file:// URL, where Chromium refuses module scripts and fetch(). It reads the
 * model that model.js put on window, draws a grid of samples, and redraws at a click.
 * window.ganStudio.generate(noise, classIds) is there for tinkering and for tests.
 */
export const webPageScript = String.raw`(function () {
  'use strict';
  var data = window.GAN_STUDIO_MODEL;
  var meta = data.metadata;
  var size = meta.noise.size;
  var h = meta.image.height, w = meta.image.width, c = meta.image.channels;
  var GAP = 2, COLUMNS = 6, ROWS = 4, MAX_CLASS_ROWS = 10;
  var canvas = document.getElementById('samples');
  var button = document.getElementById('new-samples');
  var picker = document.getElementById('class-picker');
  var status = document.getElementById('status');
  var model = null;

  function show(text) { status.textContent = text; }

  function plural(n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }

  function bytesOf(base64) {
    var text = atob(base64);
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes.buffer;
  }

  function describe() {
    var classes = meta.conditional ? ', ' + meta.classes.length + ' classes' : '';
    document.title = meta.presetTitle + ' trained on ' + meta.dataset.name;
    document.getElementById('title').textContent = document.title;
    document.getElementById('about').textContent =
      w + 'x' + h + (c === 1 ? ' grayscale' : ' colour') + ' images' + classes + ', trained ' + plural(meta.training.epoch, 'epoch') +
      ' (' + plural(meta.training.step, 'step') + ') on ' + plural(meta.dataset.count, 'image') + '. Exported by GAN Studio ' + meta.appVersion + '.';
    if (!meta.conditional) { picker.parentElement.hidden = true; return; }
    var all = document.createElement('option');
    all.value = 'all';
    all.textContent = meta.classes.length > MAX_CLASS_ROWS ? 'First ' + MAX_CLASS_ROWS + ' classes' : 'All classes';
    picker.appendChild(all);
    meta.classes.forEach(function (k) {
      var option = document.createElement('option');
      option.value = String(k.id);
      option.textContent = k.name;
      picker.appendChild(option);
    });
  }

  /** Images for noise rows (and class ids), as pixels 0..255, NHWC. */
  function generate(noise, classIds) {
    var n = noise.length / size;
    var pixels = tf.tidy(function () {
      var inputs = [tf.tensor2d(noise, [n, size])];
      if (meta.conditional) inputs.push(tf.tensor2d(classIds.map(Number), [n, 1]));
      var images = model.predict(inputs);
      return tf.clipByValue(tf.round(tf.mul(tf.add(images, 1), 127.5)), 0, 255);
    });
    return pixels.data().then(function (values) { pixels.dispose(); return values; });
  }

  function layout() {
    if (!meta.conditional || picker.value !== 'all') {
      var id = meta.conditional ? Number(picker.value) : 0;
      return { rows: ROWS, cols: COLUMNS, classOf: function () { return id; } };
    }
    var rows = Math.min(meta.classes.length, MAX_CLASS_ROWS);
    return { rows: rows, cols: COLUMNS, classOf: function (cell) { return Math.floor(cell / COLUMNS); } };
  }

  function paint(values, grid) {
    canvas.width = grid.cols * w + (grid.cols - 1) * GAP;
    canvas.height = grid.rows * h + (grid.rows - 1) * GAP;
    var context = canvas.getContext('2d');
    context.fillStyle = '#202020';
    context.fillRect(0, 0, canvas.width, canvas.height);
    var cell = context.createImageData(w, h);
    for (var k = 0; k < grid.rows * grid.cols; k++) {
      for (var p = 0; p < w * h; p++) {
        var at = (k * w * h + p) * c;
        cell.data[p * 4] = values[at];
        cell.data[p * 4 + 1] = values[at + (c === 1 ? 0 : 1)];
        cell.data[p * 4 + 2] = values[at + (c === 1 ? 0 : 2)];
        cell.data[p * 4 + 3] = 255;
      }
      context.putImageData(cell, (k % grid.cols) * (w + GAP), Math.floor(k / grid.cols) * (h + GAP));
    }
    var scale = Math.max(1, Math.floor(Math.min(640, window.innerWidth - 32) / canvas.width));
    canvas.style.width = canvas.width * scale + 'px';
    canvas.style.height = canvas.height * scale + 'px';
  }

  function draw() {
    var grid = layout();
    var n = grid.rows * grid.cols;
    var noise = tf.tidy(function () { return tf.randomNormal([n, size]).dataSync(); });
    var classIds = [];
    for (var k = 0; k < n; k++) classIds.push(grid.classOf(k));
    button.disabled = true;
    return generate(noise, classIds).then(function (values) {
      paint(values, grid);
      document.body.dataset.drawn = String(Number(document.body.dataset.drawn || 0) + 1);
      button.disabled = false;
    });
  }

  function fail(error) {
    document.body.dataset.state = 'error';
    show('Could not run the model: ' + (error && error.message ? error.message : String(error)));
  }

  describe();
  var ready = tf.ready()
    .then(function () {
      return tf.loadLayersModel(tf.io.fromMemory({
        modelTopology: data.modelTopology,
        weightSpecs: data.weightSpecs,
        weightData: bytesOf(data.weightsBase64),
      }));
    })
    .then(function (loaded) {
      model = loaded;
      return draw();
    })
    .then(function () {
      document.body.dataset.state = 'ready';
      document.body.dataset.backend = tf.getBackend();
      show('Drawn with TensorFlow.js (' + tf.getBackend() + ' backend). Click for new samples.');
    }, fail);

  button.addEventListener('click', function () { draw().catch(fail); });
  picker.addEventListener('change', function () { draw().catch(fail); });
  window.ganStudio = {
    ready: ready,
    metadata: meta,
    generate: function (noise, classIds) { return generate(Float32Array.from(noise), classIds || []); },
    redraw: draw,
  };
})();
`;
