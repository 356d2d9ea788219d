import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, readlink, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backendReport, statusOf } from '../../../main/engine/backend/backendReport.js';
import { describeNativeRuntime, missingCudaLibraries, nvidiaDriverMissing } from '../../../main/engine/backend/native/nativeRuntime.js';
import { cacheEntryDir, readCacheEntry } from '../../../main/engine/backend/native/nativeCache.js';
import { findNativePackage, linkIntoPackage, missingBindingReason, vendorIntoPackage } from '../../../main/engine/backend/native/nativePackage.js';
import { setupNative } from '../../../main/engine/backend/native/setupNative.js';
import { probeBackend } from '../../../main/engine/backend/native/probeNative.js';
import { useTestBackend } from '../support/testBackend.js';

test('the suite says which backend it trains on', async (t) => {
  const info = await useTestBackend();
  t.diagnostic(`unit tests train on: ${info.name} — ${info.label}`);
  assert.ok(info.label.length > 0);
});

const tfLog = `2026-12-02 W tensorflow/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library 'libcudart.so.11.0'; dlerror: libcudart.so.11.0: cannot open shared object file
W dso_loader.cc:64] Could not load dynamic library 'libcudnn.so.8'; dlerror: libcudnn.so.8: cannot open shared object file
W dso_loader.cc:64] Could not load dynamic library 'libcudart.so.11.0'; dlerror: again`;

test('the GPU package without a usable GPU is reported as CPU, with the missing CUDA libraries as the reason', () => {
  const probe = { ok: true as const, info: { name: 'gpu' as const, label: 'x', device: 'cpu' as const, notes: [], tensorflowVersion: '2.9.1' }, tensorflowVersion: '2.9.1', missingLibraries: missingCudaLibraries(tfLog) };
  const status = statusOf('gpu', probe);
  assert.equal(status.loaded, true);
  assert.equal(status.device, 'cpu');
  assert.doesNotMatch(status.label, /^GPU/);
  assert.match(status.label, /no usable GPU/);
  assert.match(status.reason ?? '', /libcudart\.so\.11\.0, libcudnn\.so\.8/);
  assert.match(status.fix ?? '', /CUDA 11\.2 and cuDNN 8\.1/);
});

test('"GPU" only when TensorFlow lists a GPU device', () => {
  assert.equal(describeNativeRuntime({ variant: 'gpu', tensorflowVersion: '2.21.0', usingGpu: true }).device, 'gpu');
  assert.match(describeNativeRuntime({ variant: 'gpu', tensorflowVersion: '2.21.0', usingGpu: true }).label, /^GPU \(CUDA, native TensorFlow 2\.21\.0/);
  const none = describeNativeRuntime({ variant: 'gpu', tensorflowVersion: '2.21.0', usingGpu: false });
  assert.equal(none.device, 'cpu');
  assert.match(none.reason ?? '', /lists no GPU device/);
  assert.equal(describeNativeRuntime({ variant: 'cpu', tensorflowVersion: '2.21.0', usingGpu: false }).label, 'CPU (native TensorFlow 2.21.0, tfjs-node)');
});

test('no NVIDIA driver: the GPU backend is passed over without loading it', () => {
  assert.match(nvidiaDriverMissing('linux', () => false) ?? '', /no NVIDIA driver/);
  assert.equal(nvidiaDriverMissing('linux', () => true), null);
  assert.match(nvidiaDriverMissing('darwin', () => true) ?? '', /macOS/);
});

test('a package without its binding or its TensorFlow library gets the reason', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gan-studio-pkg-'));
  try {
    assert.match(missingBindingReason(dir) ?? '', /native binding is not built/);
    await mkdir(join(dir, 'lib', 'napi-v8'), { recursive: true });
    await writeFile(join(dir, 'lib', 'napi-v8', 'tfjs_binding.node'), '');
    assert.match(missingBindingReason(dir) ?? '', /TensorFlow library it links against is missing/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a failed provisioning says why in one line, leaves nothing half-made in the cache, and the backends that loaded still load', async () => {
  const cache = await mkdtemp(join(tmpdir(), 'gan-studio-cache-'));
  const fakePython = join(cache, 'python-without-pip');
  await writeFile(fakePython, '#!/bin/sh\necho "No module named pip" >&2\nexit 1\n');
  await chmod(fakePython, 0o755);
  try {
    const before = findNativePackage('cpu') && !missingBindingReason(findNativePackage('cpu')!.dir);
    const result = await setupNative('cpu', { force: true, sources: ['tensorflow-wheel'], env: { ...process.env, GAN_STUDIO_CACHE: cache, GAN_STUDIO_PYTHON: fakePython } });
    assert.equal(result.ok, false);
    if (result.ok) return;
    if (findNativePackage('cpu')) assert.match(result.reason, /no Python with pip was found|not for Linux x64/);
    assert.doesNotMatch(result.reason, /\n/);
    assert.match(result.fix, /WebAssembly/);
    const native = join(cache, 'native');
    assert.deepEqual((await readdir(native).catch(() => [])).filter((f) => f.includes('staging')), []);
    // The installed binding (if any) was not touched by the failure.
    const after = findNativePackage('cpu') && !missingBindingReason(findNativePackage('cpu')!.dir);
    assert.equal(after, before);
    assert.equal((await probeBackend('wasm')).ok, true);
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
});

test('the report lists every backend in order, each loaded or with a reason, and names the default choice', async () => {
  const report = await backendReport();
  assert.deepEqual(report.backends.map((b) => b.name), ['gpu', 'native', 'wasm', 'cpu']);
  for (const b of report.backends) {
    if (b.loaded) assert.ok(b.device, `${b.name} loaded but has no device`);
    else assert.ok(b.reason && b.fix, `${b.name} did not load but gives no reason and fix`);
  }
  assert.equal(report.backends.find((b) => b.name === 'wasm')?.loaded, true);
  const first = report.backends.find((b) => b.loaded);
  assert.equal(report.defaultChoice, first?.name);
  const native = report.backends.find((b) => b.name === 'native')!;
  const pkg = findNativePackage('cpu');
  assert.equal(native.loaded, Boolean(pkg && !missingBindingReason(pkg.dir)));
  if (native.loaded) assert.match(native.tensorflowVersion ?? '', /^\d+\.\d+\.\d+/);
});

test('a reinstall links the cached binding back into the package instead of rebuilding', async (t) => {
  const pkg = findNativePackage('cpu');
  const entry = pkg ? cacheEntryDir(pkg) : null;
  if (!entry || !readCacheEntry(entry)) return t.skip('no cached native build on this machine (npm install did not provision one)');
  const fresh = await mkdtemp(join(tmpdir(), 'gan-studio-reinstalled-'));
  try {
    assert.match(missingBindingReason(fresh) ?? '', /not built/);
    linkIntoPackage(fresh, entry);
    assert.equal(missingBindingReason(fresh), null);
    assert.equal(await realpath(join(fresh, 'deps')), await realpath(join(entry, 'deps')));
  } finally {
    await rm(fresh, { recursive: true, force: true });
  }
});

test('for packaging, the link to the cache becomes the package\'s own copy of the library', async () => {
  const root = await mkdtemp(join(tmpdir(), 'gan-studio-vendor-'));
  try {
    const entry = join(root, 'cache-entry');
    await mkdir(join(entry, 'deps', 'lib'), { recursive: true });
    await mkdir(join(entry, 'lib', 'napi-v8'), { recursive: true });
    await writeFile(join(entry, 'deps', 'lib', 'libtensorflow_cc.so.2'), 'the library');
    await symlink('libtensorflow_cc.so.2', join(entry, 'deps', 'lib', 'libtensorflow.so'));
    await writeFile(join(entry, 'lib', 'napi-v8', 'tfjs_binding.node'), 'the binding');
    const pkg = join(root, 'package');
    await mkdir(pkg);
    linkIntoPackage(pkg, entry);
    assert.equal((await lstat(join(pkg, 'deps'))).isSymbolicLink(), true);
    assert.equal(vendorIntoPackage(pkg), true);
    assert.equal((await lstat(join(pkg, 'deps'))).isSymbolicLink(), false);
    assert.equal(await readFile(join(pkg, 'deps', 'lib', 'libtensorflow_cc.so.2'), 'utf8'), 'the library');
    assert.equal(await readlink(join(pkg, 'deps', 'lib', 'libtensorflow.so')), 'libtensorflow_cc.so.2');
    assert.equal(missingBindingReason(pkg), null);
    assert.equal(vendorIntoPackage(pkg), false, 'a second time there is no link left to replace');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
