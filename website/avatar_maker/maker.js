// The avatar maker: the course's generator, exported to ONNX by `python -m ganlab export`,
// run in the browser by onnxruntime-web (vendor/, copied from npm when the page is built).
//
// A picture is generator(latent, labels): `latent` is 128 standard normal numbers drawn
// from a seed (so a seed always gives the same avatar), moved along the arc towards a
// second seed's numbers by the morph slider; `labels` are the class indices of the
// conditional generator's menus. The state of the last picture drawn is kept in
// window.avatarMaker, where the browser test reads it back.
"use strict";

const maker = (window.avatarMaker = { ready: false, drawn: 0, error: null });
const elements = Object.fromEntries(
  ["avatar", "status", "model", "model-note", "new-avatar", "seed", "labels", "morph", "seed-a", "seed-b"]
    .map((id) => [id, document.getElementById(id)]));

// mulberry32: a small seeded generator of uniform numbers in [0, 1)
function uniforms(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// n standard normal numbers from a seed (Box-Muller)
function normals(seed, n) {
  const next = uniforms(seed);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - next()));
    const angle = 2 * Math.PI * next();
    values[i] = radius * Math.cos(angle);
    if (i + 1 < n) values[i + 1] = radius * Math.sin(angle);
  }
  return values;
}

// spherical interpolation, as ganlab.latent.slerp: along the arc from z0 to z1
function slerp(z0, z1, t) {
  let dot = 0, norm0 = 0, norm1 = 0;
  for (let i = 0; i < z0.length; i++) {
    dot += z0[i] * z1[i];
    norm0 += z0[i] * z0[i];
    norm1 += z1[i] * z1[i];
  }
  const angle = Math.acos(Math.min(1, Math.max(-1, dot / Math.sqrt(norm0 * norm1))));
  const sine = Math.sin(angle);
  const result = new Float32Array(z0.length);
  for (let i = 0; i < z0.length; i++) {
    result[i] = sine < 1e-6 ? (1 - t) * z0[i] + t * z1[i]
                            : (Math.sin((1 - t) * angle) * z0[i] + Math.sin(t * angle) * z1[i]) / sine;
  }
  return result;
}

let models = [];
let session = null;
let card = null;
let seedA = 1;
let seedB = 2;
let queue = Promise.resolve();

function status(text, isError = false) {
  elements.status.textContent = text;
  elements.status.classList.toggle("error", isError);
}

function labelMenus() {
  elements.labels.replaceChildren(elements.labels.firstElementChild);  // keep the legend
  const names = Object.keys(card.labels);
  elements.labels.hidden = names.length === 0;
  const pick = uniforms(7);
  for (const name of names) {
    const label = document.createElement("label");
    label.textContent = name.replaceAll("_", " ");
    const menu = document.createElement("select");
    menu.id = `label-${name}`;
    menu.dataset.attribute = name;
    card.labels[name].forEach((className, index) => menu.add(new Option(className.replaceAll("_", " "), index)));
    menu.value = String(Math.floor(pick() * card.labels[name].length));
    menu.addEventListener("change", redraw);
    label.append(menu);
    elements.labels.append(label);
  }
}

function chosenLabels() {
  return Object.fromEntries([...elements.labels.querySelectorAll("select")]
    .map((menu) => [menu.dataset.attribute, Number(menu.value)]));
}

async function draw() {
  const t = Number(elements.morph.value) / 100;
  const size = card.inputs.latent.shape[1];
  const latent = slerp(normals(seedA, size), normals(seedB, size), t);
  const labels = chosenLabels();
  const feeds = { latent: new ort.Tensor("float32", latent, [1, size]) };
  for (const [name, index] of Object.entries(labels)) feeds[name] = new ort.Tensor("int32", Int32Array.of(index), [1]);
  const output = (await session.run(feeds))[session.outputNames[0]];
  const [, height, width] = output.dims;
  const image = new ImageData(width, height);
  for (let pixel = 0; pixel < width * height; pixel++) {
    for (let channel = 0; channel < 3; channel++) {  // [-1, 1] -> 0..255, as ganlab.data.to_uint8
      const value = Math.round((output.data[pixel * 3 + channel] + 1) * 127.5);
      image.data[pixel * 4 + channel] = Math.min(255, Math.max(0, value));
    }
    image.data[pixel * 4 + 3] = 255;
  }
  elements.avatar.getContext("2d").putImageData(image, 0, 0);
  Object.assign(maker, { model: elements.model.value, seedA, seedB, t, labels, latent: Array.from(latent),
                         drawn: maker.drawn + 1 });
  elements.seed.textContent = String(seedA);
  elements["seed-a"].textContent = String(seedA);
  elements["seed-b"].textContent = String(seedB);
}

function redraw() {
  queue = queue.then(draw).catch(fail);  // one picture at a time, in the order asked for
  return queue;
}

function fail(error) {
  maker.error = String(error);
  status(`Could not run the generator: ${error}`, true);
}

async function loadModel(name) {
  const entry = models.find((model) => model.name === name);
  status(`Loading ${entry.title}...`);
  for (const control of [elements["new-avatar"], elements.morph]) control.disabled = true;
  card = await (await fetch(entry.card)).json();
  session = await ort.InferenceSession.create(entry.file, { executionProviders: ["wasm"] });
  elements["model-note"].textContent = entry.note;
  labelMenus();
  await redraw();
  for (const control of [elements["new-avatar"], elements.morph]) control.disabled = false;
  maker.ready = true;
  status(`${entry.title}: ready.`);
}

async function start() {
  ort.env.wasm.wasmPaths = new URL("vendor/", document.baseURI).href;  // a URL: a bare "vendor/" reads as a package name
  ort.env.wasm.numThreads = 1;  // threads need a cross-origin-isolated page; one is fast enough for 64 px
  try {
    const response = await fetch("models/models.json");
    models = await response.json();
  } catch (error) {
    status("Could not read models/models.json. Open this page through a web server (for example " +
           "`python3 -m http.server -d website/avatar_maker/_build`), not as a file: browsers do not " +
           "let a page opened from file:// load the generator.", true);
    maker.error = String(error);
    return;
  }
  for (const model of models) elements.model.add(new Option(model.title, model.name));
  elements.model.addEventListener("change", () => {
    maker.ready = false;
    loadModel(elements.model.value).catch(fail);
  });
  elements["new-avatar"].addEventListener("click", () => {
    seedA = seedB + 1;  // a seed not seen yet
    seedB = seedA + 1;
    elements.morph.value = "0";
    redraw();
  });
  elements.morph.addEventListener("input", redraw);
  await loadModel(models[0].name).catch(fail);
}

start();
