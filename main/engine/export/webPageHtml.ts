/**
 * index.html of the exported web page. Static: everything that depends on the model is filled
 * in by app.js from model.js with textContent, so names never need escaping here. Scripts are
 * classic (not modules) and local, which is what a file:// page may load in every browser.
 */
export const webPageHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GAN Studio generator</title>
<style>
  :root { color-scheme: dark; font-family: system-ui, sans-serif; }
  body { margin: 0; padding: 24px; background: #141414; color: #e8e8e8; }
  h1 { font-size: 1.3rem; margin: 0 0 4px; }
  #about, #status { color: #a8a8a8; font-size: 0.9rem; }
  .controls { display: flex; gap: 12px; align-items: center; margin: 16px 0; flex-wrap: wrap; }
  button, select { font: inherit; padding: 6px 12px; border-radius: 6px; border: 1px solid #555; background: #262626; color: inherit; }
  button { background: #2f6fed; border-color: #2f6fed; color: white; cursor: pointer; }
  button:disabled { opacity: 0.6; cursor: progress; }
  canvas { image-rendering: pixelated; display: block; background: #202020; }
  body[data-state="error"] #status { color: #ff8a80; }
</style>
</head>
<body data-state="loading">
<h1 id="title">GAN Studio generator</h1>
<p id="about"></p>
<div class="controls">
  <button id="new-samples" type="button" disabled>New samples</button>
  <label>Class <select id="class-picker"></select></label>
</div>
<canvas id="samples" width="1" height="1" aria-label="Generated samples"></canvas>
<p id="status">Loading the model…</p>
<script src="tf.min.js"></script>
<script src="model.js"></script>
<script src="app.js"></script>
</body>
</html>
`;
