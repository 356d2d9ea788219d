import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAllowedExternalUrl } from '../../../main/app/externalLinks.js';
import { PAGE_URL, rendererFile } from '../../../main/app/rendererFiles.js';

// The Electron modules themselves need the Electron binary (tests/e2e/electron.spec.ts); these are their pure parts.

test('the window is served from app://studio, and only files inside the built renderer', () => {
  const root = '/opt/gan-studio/dist/renderer';
  assert.equal(PAGE_URL, 'app://studio/index.html');
  assert.deepEqual(rendererFile(root, PAGE_URL), { path: join(root, 'index.html'), contentType: 'text/html; charset=utf-8' });
  assert.equal(rendererFile(root, 'app://studio/assets/index-1a2b.js')?.path, join(root, 'assets', 'index-1a2b.js'));
  assert.equal(rendererFile(root, 'app://studio/')?.path, join(root, 'index.html'));
  // Dot segments are resolved by the URL itself (they stay inside); encoded slashes and the rest are refused.
  assert.equal(rendererFile(root, 'app://studio/../secret.txt')?.path, join(root, 'secret.txt'));
  assert.equal(rendererFile(root, 'app://studio/%2e%2e/%2e%2e/etc/passwd')?.path, join(root, 'etc', 'passwd'));
  for (const url of ['app://studio/assets/..%2f..%2fpackage.json', 'app://studio/..%5c..%5csecret', 'app://other/index.html', 'file:///etc/passwd', 'app://studio/a%00.js', 'app://studio/%E0%A4%A']) {
    assert.equal(rendererFile(root, url), null, url);
  }
});

test('links open in the browser only for allow-listed https sites', () => {
  assert.equal(isAllowedExternalUrl('https://arxiv.org/abs/1511.06434'), true);
  assert.equal(isAllowedExternalUrl('https://github.com/tensorflow/tfjs'), true);
  for (const url of ['http://arxiv.org/abs/1', 'https://evil.example/arxiv.org', 'https://arxiv.org.evil.example/', 'https://user:pw@arxiv.org/', 'https://arxiv.org:8443/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'not a url']) {
    assert.equal(isAllowedExternalUrl(url), false, url);
  }
});

test('the packaged app flips the Electron fuses', () => {
  const config = readFileSync(join(import.meta.dirname, '..', '..', '..', 'electron-builder.yml'), 'utf8');
  const fuses = config.slice(config.indexOf('electronFuses:'));
  for (const line of ['runAsNode: false', 'enableNodeOptionsEnvironmentVariable: false', 'enableNodeCliInspectArguments: false', 'enableEmbeddedAsarIntegrityValidation: true', 'onlyLoadAppFromAsar: true', 'grantFileProtocolExtraPrivileges: false']) {
    assert.match(fuses, new RegExp(`\\n  ${line}\\n`), line);
  }
});
